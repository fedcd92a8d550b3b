/**
 * The one SHA-256 (src/lib/sha256.ts): the WebAssembly compression function against
 * node:crypto on every length around the block and chunk boundaries, on random input and on
 * the FIPS 180-4 examples; and the embedded bytes against their source (sha256.wat). A node
 * without WebAssembly (--jitless) is run for real in test/integration/startup.test.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cryptoSha256Hex, sha256Hex } from '../../src/lib/sha256.js';
import { SHA256_WASM } from '../../src/lib/sha256-wasm.js';

const reference = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('sha256Hex', () => {
  it('gives the FIPS 180-4 example digests', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('equals node:crypto on every length from 0 to 300 bytes (one, two and several blocks, every padding case)', () => {
    for (let n = 0; n <= 300; n++) {
      const bytes = randomBytes(n);
      expect(sha256Hex(bytes), `${n} bytes`).toBe(reference(bytes));
    }
  });

  it('equals node:crypto around the 64 KiB chunk the input is copied in, and on 5 MiB', () => {
    for (const n of [65535, 65536, 65537, 65536 + 55, 65536 + 56, 131072 + 64, 5 * 1024 * 1024 + 3]) {
      const bytes = randomBytes(n);
      expect(sha256Hex(bytes), `${n} bytes`).toBe(reference(bytes));
    }
  });

  it('hashes a string as its UTF-8 bytes, as node:crypto does (non-ASCII, lone surrogates)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => sha256Hex(s) === reference(s)));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => sha256Hex(b) === reference(b)));
  });

  it('gives the same as the node:crypto path it falls back on', () => {
    const text = 'node:\n\tip_port = 7777\n'.repeat(2000);
    expect(cryptoSha256Hex(text)).toBe(sha256Hex(text));
  });

  it('is not disturbed by a view into a larger buffer (offset and length are honoured)', () => {
    const big = randomBytes(1000);
    const view = big.subarray(37, 37 + 500);
    expect(sha256Hex(view)).toBe(reference(Buffer.from(view)));
  });
});

describe('the WebAssembly module', () => {
  it('is exactly what scripts/sha256-wasm.mjs assembles from src/lib/sha256.wat (rerun it after editing the .wat)', async () => {
    const script: string = '../../scripts/sha256-wasm.mjs'; // plain JavaScript, without types
    const { assemble } = (await import(script)) as { assemble: () => Promise<Buffer> };
    expect((await assemble()).toString('base64')).toBe(SHA256_WASM);
  });
});
