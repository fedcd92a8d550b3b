/**
 * /etc/hosts, hosts(5): `ADDRESS CANONICAL_NAME [ALIASES...]`, `#` starts a comment anywhere
 * on a line. Read only: `ovs` never writes it, it only explains what the resolver will do
 * with it (the guide's most common HA failure is the host name sitting on the 127.0.0.1 line).
 *
 * The reader behaves like glibc's `files` backend: lines it cannot use (a bad address, an
 * address with no name) are skipped, never fatal, so `ovs` sees exactly what the resolver
 * sees. They are reported in `skipped` so `cluster-check` can warn about them.
 */
import { ADDRESS_MAX_LENGTH, isIPv4, isIPv6, isLoopback, parseIPv4, parseIPv6 } from './ip.js';
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
  /** /etc/host.conf's `multi` (every matching line answers); absent: off, glibc's default. */
  multi?: boolean;
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
  if (address.length > ADDRESS_MAX_LENGTH) {
    return `"${shown(address)}" is not an IPv4 or IPv6 address (${address.length} characters, longer than any address); the resolver ignores this line`;
  }
  if (!isIPv4(address) && !isIPv6(address)) {
    return `"${shown(address)}" is not an IPv4 or IPv6 address; the resolver ignores this line`;
  }
  if (canonical === undefined) return `address ${address} has no host name; the resolver ignores this line`;
  return undefined;
}

function names(e: HostsEntry): string[] {
  return [e.canonical, ...e.aliases];
}

/** ASCII-only case folding: glibc compares host names with strcasecmp. */
const fold = (s: string): string => s.replace(/[A-Z]+/g, (c) => c.toLowerCase());

/**
 * Every line that carries NAME (canonical name or alias, case-insensitive), in file order.
 */
export function lookup(hosts: HostsFile, name: string): HostsEntry[] {
  const wanted = fold(name);
  return hosts.entries.filter((e) => names(e).some((n) => fold(n) === wanted));
}

/** /etc/host.conf, host.conf(5): only `multi on|off` changes what the files backend answers (the last one wins). */
export function parseHostConf(text: string): { multi: boolean } {
  let multi = false; // glibc's default when the file does not say
  for (const line of text.split('\n')) {
    const [keyword, value] = line.replace(/#.*/, '').trim().split(/[ \t,]+/);
    if (keyword?.toLowerCase() === 'multi' && value !== undefined) multi = value.toLowerCase() === 'on';
  }
  return { multi };
}

export interface HostsAnswer {
  /** The IPv4 address the resolver hands out. */
  address: string;
  /** The line it comes from. */
  entry: HostsEntry;
}

/**
 * The IPv4 address of an /etc/hosts line for an AF_INET question, as glibc's files backend
 * reads it: an IPv4 address as it is; an IPv6 line counts only as ::1 (answered as 127.0.0.1)
 * or as an IPv4-mapped ::ffff:a.b.c.d (answered as a.b.c.d); any other IPv6 line is passed over.
 */
function ipv4Of(address: string): string | undefined {
  if (isIPv4(address)) return address;
  const g = parseIPv6(address);
  if (!g || g.slice(0, 5).some((x) => x !== 0)) return undefined;
  if (g[5] === 0 && g[6] === 0 && g[7] === 1) return '127.0.0.1';
  if (g[5] !== 0xffff) return undefined;
  const [hi = 0, lo = 0] = g.slice(6);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** How far an address is from 127.0.0.1 in bits (getaddrinfo's longest-matching-prefix rule inside 127/8). */
function distanceFromLocalhost(address: string): number {
  const x = (parseIPv4(address) ?? []).reduce((n, o) => n * 256 + o, 0) ^ 0x7f000001;
  return x === 0 ? 0 : 32 - Math.clz32(x);
}

/**
 * What getaddrinfo(NAME, AF_INET) answers from /etc/hosts (`getent ahostsv4 NAME`), in its
 * order; empty when the file does not know NAME (then DNS decides). glibc's files backend:
 * - names match without regard to ASCII case, exactly otherwise (a trailing dot is part of
 *   the name); a name with non-ASCII characters matches nothing;
 * - every line carrying the name answers when /etc/host.conf says `multi on` (Debian's and
 *   Red Hat's default file), only the first otherwise (glibc's default with no file);
 * - ::1 counts as 127.0.0.1 and ::ffff:a.b.c.d as a.b.c.d; other IPv6 lines are passed over.
 * getaddrinfo then sorts (RFC 3484): loopback addresses come first (smallest scope; among
 * them the closest to 127.0.0.1), the others keep the file order. That last part holds for
 * addresses not on a subnet of this machine's own interfaces (where the longest-prefix rule
 * may reorder them) and outside 169.254/16; test/integration/hosts-glibc.test.ts compares
 * the whole answer with the real getent for every name of test/fixtures/hosts/.
 */
export function answerIPv4(hosts: HostsFile, name: string): HostsAnswer[] {
  if (/[^\x00-\x7f]/.test(name)) return [];
  const answers: HostsAnswer[] = [];
  for (const entry of lookup(hosts, name)) {
    const address = ipv4Of(entry.address);
    if (address === undefined) continue;
    answers.push({ address, entry });
    if (!hosts.multi) break;
  }
  const rank = (a: HostsAnswer): number => (isLoopback(a.address) ? distanceFromLocalhost(a.address) : 64);
  return answers.map((a, i) => ({ a, i })).sort((x, y) => rank(x.a) - rank(y.a) || x.i - y.i).map(({ a }) => a);
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
