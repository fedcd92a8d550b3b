/**
 * /etc/hosts, hosts(5): `ADDRESS CANONICAL_NAME [ALIASES...]`, `#` starts a comment anywhere
 * on a line. Read only: `ovs` never writes it, it only explains what the resolver will do
 * with it (the guide's most common HA failure is the host name sitting on the 127.0.0.1 line).
 *
 * The reader behaves like glibc's `files` backend: lines it cannot use (a bad address, an
 * address with no name) are skipped, never fatal, so `ovs` sees exactly what the resolver
 * sees. They are reported in `skipped` so `cluster-check` can warn about them.
 *
 * Also home of the small address helpers (IPv4/IPv6 parsing, loopback) other formats use.
 */
import { shown } from '../errors.js';

export interface HostsEntry {
  /** 1-based line number. */
  line: number;
  address: string;
  canonical: string;
  aliases: string[];
  /** The line as it is in the file, for messages that name the offending line. */
  raw: string;
}

export interface SkippedHostsLine {
  line: number;
  raw: string;
  reason: string;
}

export interface HostsFile {
  entries: HostsEntry[];
  skipped: SkippedHostsLine[];
}

// ---------------------------------------------------------------- addresses

/** The four octets of a dotted-quad IPv4 address (strict: no leading zeros, like inet_pton). */
export function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const octets: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    octets.push(n);
  }
  return octets;
}

export function isIPv4(s: string): boolean {
  return parseIPv4(s) !== undefined;
}

/** The eight 16-bit groups of an IPv6 address (`::` and a trailing dotted quad allowed). */
export function parseIPv6(s: string): number[] | undefined {
  if (s.length > 45) return undefined; // the longest IPv6 text (IPv4-mapped, all groups written out)
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  // A dotted quad may only end the address, so never before `::`.
  if (halves.length === 2 && (halves[0] ?? '').includes('.')) return undefined;
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** Groups of one side of `::`; a dotted quad may only end the address. */
function groupsOf(part: string): number[] | undefined {
  if (part === '') return [];
  const fields = part.split(':');
  const groups: number[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] ?? '';
    if (i === fields.length - 1 && f.includes('.')) {
      const v4 = parseIPv4(f);
      if (!v4) return undefined;
      groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(f)) return undefined;
      groups.push(parseInt(f, 16));
    }
  }
  return groups;
}

export function isIPv6(s: string): boolean {
  return parseIPv6(s) !== undefined;
}

/** 127.0.0.0/8, ::1, and IPv4-mapped ::ffff:127.x.y.z: all reach only this machine. */
export function isLoopback(address: string): boolean {
  const v4 = parseIPv4(address);
  if (v4) return v4[0] === 127;
  const v6 = parseIPv6(address);
  if (!v6) return false;
  const zeroPrefix = v6.slice(0, 5).every((g) => g === 0);
  if (zeroPrefix && v6[5] === 0 && v6[6] === 0 && v6[7] === 1) return true;
  return zeroPrefix && v6[5] === 0xffff && (v6[6] ?? 0) >> 8 === 127;
}

/** Same address, whatever the spelling (`::1` = `0:0:0:0:0:0:0:1`); names compare case-insensitively. */
export function sameAddress(a: string, b: string): boolean {
  const a6 = parseIPv6(a);
  const b6 = parseIPv6(b);
  if (a6 && b6) return a6.every((g, i) => g === b6[i]);
  return a.toLowerCase() === b.toLowerCase();
}

// ---------------------------------------------------------------- the file

export function parseHosts(text: string): HostsFile {
  const result: HostsFile = { entries: [], skipped: [] };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const hash = raw.indexOf('#');
    const fields = (hash < 0 ? raw : raw.slice(0, hash)).split(/[ \t\r\f\v]+/).filter((f) => f !== '');
    if (fields.length === 0) continue;
    const [address = '', canonical, ...aliases] = fields;
    const reason = problemOf(address, canonical);
    if (reason) result.skipped.push({ line: i + 1, raw, reason });
    else result.entries.push({ line: i + 1, address, canonical: canonical ?? '', aliases, raw });
  }
  return result;
}

function problemOf(address: string, canonical: string | undefined): string | undefined {
  if (!isIPv4(address) && !isIPv6(address)) {
    return `"${shown(address)}" is not an IPv4 or IPv6 address; the resolver ignores this line`;
  }
  if (canonical === undefined) return `address ${address} has no host name; the resolver ignores this line`;
  return undefined;
}

function names(e: HostsEntry): string[] {
  return [e.canonical, ...e.aliases];
}

/**
 * Every line that carries NAME (canonical name or alias, case-insensitive), in file order.
 * The first one is what the resolver answers, as glibc's files backend stops at the first match.
 */
export function lookup(hosts: HostsFile, name: string): HostsEntry[] {
  const wanted = name.toLowerCase();
  return hosts.entries.filter((e) => names(e).some((n) => n.toLowerCase() === wanted));
}

/** The line gethostbyname(NAME) with AF_INET would use, or undefined (then DNS decides). */
export function resolveIPv4(hosts: HostsFile, name: string): HostsEntry | undefined {
  return lookup(hosts, name).find((e) => isIPv4(e.address));
}

/**
 * The guide's classic failure: the host name (fully qualified, or its first label) on a
 * loopback line, so O2CB and the agent see 127.0.0.1 instead of the pool address.
 * Returns the offending lines, in file order.
 */
export function hostnameOnLoopback(hosts: HostsFile, hostname: string): HostsEntry[] {
  const short = hostname.split('.')[0] ?? hostname;
  const wanted = new Set([hostname.toLowerCase(), short.toLowerCase()]);
  wanted.delete('');
  wanted.delete('localhost');
  return hosts.entries.filter(
    (e) => isLoopback(e.address) && names(e).some((n) => wanted.has(n.toLowerCase())),
  );
}
