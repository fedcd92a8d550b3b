/**
 * Debian's `ioping` (1.3), the measuring tool behind `ovs hb-latency`: the argument vector
 * for one direct-I/O run and the reader of the line it prints per request. ioping writes its
 * output a line at a time only when it pauses between requests (with `-i 0` every line
 * arrives at the end), so a short pause is given: each I/O is seen as soon as it completes,
 * which is what lets a run stop at the first I/O that already decides the verdict.
 */

export const IOPING = 'ioping';

/** One request: 4 KiB, the size of the heartbeat's own writes on a 4 KiB-sector device. */
export const REQUEST_SIZE = '4k';

/** The pause between requests: short, but long enough for ioping to flush each line. */
export const PAUSE = '10ms';
export const PAUSE_MS = 10;

export type IoKind = 'write' | 'read';

/**
 * Writes go to a scratch FILE of ovs's own (ioping asks for -WWW before it writes into a
 * file, a safeguard meant for files holding data); reads go to a block device. O_DIRECT
 * (-D) both ways, every request counted (-a 0: no warm-up request left out).
 */
export function iopingArgv(kind: IoKind, target: string, count: number): string[] {
  return [IOPING, '-D', ...(kind === 'write' ? ['-WWW'] : []), '-c', String(count), '-i', PAUSE, '-a', '0', '-s', REQUEST_SIZE, '--', target];
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, min: 60_000, hour: 3_600_000 };

/** `4 KiB >>> /dir/f (ext4 /dev/sdb 54.7 MiB): request=3 time=851.4 us` -> 3, 0.8514 ms. */
const REQUEST_LINE = /^\S+ \S+ (?:>>>|<<<) .*: request=(\d+) time=([\d.]+) (ns|us|ms|s|min|hour)\b/;

export interface IoSample {
  request: number;
  ms: number;
}

/** One request's line, or undefined for anything else (the closing statistics, blank lines). */
export function parseRequestLine(line: string): IoSample | undefined {
  const m = REQUEST_LINE.exec(line);
  if (!m) return undefined;
  return { request: Number(m[1]), ms: Number(m[2]) * (UNIT_MS[m[3] as string] as number) };
}
