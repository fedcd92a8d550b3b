/**
 * Debian's `ioping` (1.3), the measuring tool behind `ovs hb-latency`: the argument vector
 * for one direct-I/O run and the reader of what it prints per request. ioping flushes its
 * human-readable lines only before a pause between requests, and a request slower than the
 * pause leaves none: a slow I/O would be seen only when the run ends. Its raw statistics
 * (`-p 1`: one line per request, `-q`: nothing else) are flushed every time, so each I/O
 * is seen the moment it completes, which is what lets a run stop at the first I/O that
 * already decides the verdict.
 */

export const IOPING = 'ioping';

/** One request: 4 KiB, the size of the heartbeat's own writes on a 4 KiB-sector device. */
export const REQUEST_SIZE = '4k';

export type IoKind = 'write' | 'read';

/**
 * Writes go to a scratch FILE of ovs's own (ioping asks for -WWW before it writes into a
 * file, a safeguard meant for files holding data); reads go to a block device. O_DIRECT
 * (-D) both ways, back to back (-i 0), every request counted (-a 0: no warm-up left out).
 */
export function iopingArgv(kind: IoKind, target: string, count: number): string[] {
  return [IOPING, '-D', ...(kind === 'write' ? ['-WWW'] : []), '-c', String(count), '-i', '0', '-a', '0', '-s', REQUEST_SIZE, '-p', '1', '-q', '--', target];
}

/**
 * A raw statistics line: requests counted, run time, iops, bytes/s, min, avg, max, mdev
 * (ns), requests made, total time. With one request per line, min = max = its latency.
 */
const RAW_LINE = /^(\d+) \d+ \d+ \d+ (\d+) \d+ (\d+) \d+ \d+ \d+$/;

/** One request's latency in ms, or undefined for anything else. */
export function parseRawLine(line: string): number | undefined {
  const m = RAW_LINE.exec(line.trim());
  if (!m || m[1] !== '1') return undefined;
  return Number(m[3]) / 1e6;
}
