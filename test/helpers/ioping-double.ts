/**
 * ioping 1.3 on the memory host: the raw statistics lines it prints with `-p 1 -q`, one per
 * request, replayed from real runs on this project's test machine (an ext4 loop device, and
 * the same device throttled to 512 bytes/s by a blkio cgroup).
 */
import type { Expectation } from '../../src/lib/doubles/memory-host.js';

/** Real lines: count, run time, iops, bytes/s, min, avg, max, mdev (ns), requests, total time. */
export const IOPING_RAW = {
  /** Unthrottled loop device, 4 KiB direct writes: 15.9 ms (first write), 0.17, 0.14, 4.3, 5.4 ms. */
  fast: [
    '1 15861763 63 258231 15861763 15861763 15861763 0 1 15933379',
    '1 165083 6058 24811761 165083 165083 165083 0 1 267629',
    '1 143633 6962 28517124 143633 143633 143633 0 1 150887',
    '1 4344016 230 942906 4344016 4344016 4344016 0 1 4357943',
    '1 5384125 186 760755 5384125 5384125 5384125 0 1 5499815',
  ],
  /** The same device at 512 bytes/s: 8.02 s, 7.99 s. */
  throttled: ['1 8017858427 0 511 8017858427 8017858427 8017858427 0 1 8017862686', '1 7994462390 0 512 7994462390 7994462390 7994462390 0 1 7994594301'],
} as const;

const ANY = /.*/;

/**
 * Answers `ioping -D [-WWW] -c N -i 0 -a 0 -s 4k -p 1 -q -- TARGET` with the given lines
 * (any number of times), or with an error as ioping prints it.
 */
export function iopingDouble(lines: readonly string[], opts: { io?: 'write' | 'read'; error?: { exitCode: number; stderr: string } } = {}): Expectation {
  const io = opts.io ?? 'write';
  const argv = ['ioping', '-D', ...(io === 'write' ? ['-WWW'] : []), '-c', /^\d+$/, '-i', '0', '-a', '0', '-s', '4k', '-p', '1', '-q', '--', ANY];
  return {
    argv,
    times: Infinity,
    result: opts.error ?? { exitCode: 0, stdout: lines.map((l) => `${l}\n`).join('') },
  };
}
