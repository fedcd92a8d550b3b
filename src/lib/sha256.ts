/**
 * SHA-256 in hex, the one place that hashes.
 *
 * Loading node:crypto costs 8-9 ms inside a run (forty internal modules, streams included):
 * a tenth of `node -e 0`, paid by every command that writes a file, since the plan and the
 * journal carry the sum of every file. So the compression function is WebAssembly
 * (sha256.wat, FIPS 180-4, assembled into sha256-wasm.ts by scripts/sha256-wasm.mjs):
 * compiling its 1.4 KB and hashing a 255-node cluster.conf take about 3 ms together (its
 * rounds are unrolled eight at a time: the baseline compiler keeps them in registers).
 * Where WebAssembly is missing (node --jitless), node:crypto does it. Both are checked
 * against each other on every length around the block boundaries and on random input
 * (test/lib/sha256.test.ts); docs/design.md, start-up, has the measurements.
 */
import { createRequire } from 'node:module';
import { SHA256_WASM } from './sha256-wasm.js';

/** FIPS 180-4, 5.3.3: the initial hash value. */
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
/** The layout of sha256.wat's memory: the hash state, then the blocks to hash (up to CHUNK bytes, inside its 2 pages). */
const STATE = 256;
const BLOCKS = 1024;
const CHUNK = 65536;

/** The little of WebAssembly used here (the project's TypeScript libraries do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

interface Compressor {
  memory: { buffer: ArrayBuffer };
  /** Hash the 64-byte blocks in memory from `start` to `end` into the state. */
  blocks(start: number, end: number): void;
}

let compressor: Compressor | undefined;
let createHash: typeof import('node:crypto').createHash | undefined;

const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

function wasmCompressor(api: WasmApi): Compressor {
  compressor ??= new api.Instance(new api.Module(Buffer.from(SHA256_WASM, 'base64'))).exports as Compressor;
  return compressor;
}

/** The hash through sha256.wat: whole blocks straight from the input, then the padded tail (FIPS 180-4, 5.1.1). */
function wasmSha256(api: WasmApi, bytes: Uint8Array): string {
  const { memory, blocks } = wasmCompressor(api);
  const mem = new Uint8Array(memory.buffer);
  const view = new DataView(memory.buffer);
  IV.forEach((word, i) => view.setUint32(STATE + 4 * i, word, true));
  const n = bytes.length;
  const whole = n - (n % 64);
  for (let at = 0; at < whole; at += CHUNK) {
    const len = Math.min(CHUNK, whole - at);
    mem.set(bytes.subarray(at, at + len), BLOCKS);
    blocks(BLOCKS, BLOCKS + len);
  }
  const rest = n - whole;
  const padded = rest < 56 ? 64 : 128;
  mem.fill(0, BLOCKS, BLOCKS + padded);
  mem.set(bytes.subarray(whole), BLOCKS);
  mem[BLOCKS + rest] = 0x80;
  // The message length in bits, 64-bit big-endian.
  view.setUint32(BLOCKS + padded - 8, Math.floor(n / 0x20000000), false);
  view.setUint32(BLOCKS + padded - 4, (n * 8) % 0x100000000, false);
  blocks(BLOCKS, BLOCKS + padded);
  let hex = '';
  for (let i = 0; i < 8; i++) hex += view.getUint32(STATE + 4 * i, true).toString(16).padStart(8, '0');
  return hex;
}

/** The same through node:crypto (also what the tests compare with). */
export function cryptoSha256Hex(data: string | Uint8Array): string {
  createHash ??= (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).createHash;
  return createHash('sha256').update(data).digest('hex');
}

export function sha256Hex(data: string | Uint8Array): string {
  if (wasm === undefined) return cryptoSha256Hex(data);
  return wasmSha256(wasm, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
}
