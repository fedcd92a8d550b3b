/**
 * /etc/hosts, hosts(5): `ADDRESS CANONICAL_NAME [ALIASES...]`, `#` starts a comment anywhere
 * on a line. Read only: `ovs` never writes it, it only explains what the resolver will do
 * with it (the guide's most common HA failure is the host name sitting on the 127.0.0.1 line).
 *
 * The reader behaves like glibc's `files` backend: lines it cannot use (a bad address, an
 * address with no name) are skipped, never fatal, so `ovs` sees exactly what the resolver
 * sees. They are reported in `skipped` so `cluster-check` can warn about them.
 */
import { isIPv4, isIPv6, isLoopback } from './ip.js';

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
    return `"${address}" is not an IPv4 or IPv6 address; the resolver ignores this line`;
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
