/**
 * SHA-256 in hex, the one place that hashes. node:crypto costs about 10 ms to load, more than
 * many runs spend on their work: it is required on the first hash, so a command that hashes
 * nothing (cluster-check, status, help) never loads it.
 */
import { createRequire } from 'node:module';

let createHash: typeof import('node:crypto').createHash | undefined;

export function sha256Hex(data: string | Uint8Array): string {
  createHash ??= (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).createHash;
  return createHash('sha256').update(data).digest('hex');
}
