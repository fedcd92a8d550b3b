/**
 * Names as a pool server resolves them: this host's name (the kernel's, or the image's
 * /etc/hostname under --root), and a node name to its IPv4 addresses exactly as glibc's
 * getaddrinfo does with `hosts: files dns` — /etc/hosts first (read through ctx.fs, so under
 * --root it is the image's file, with its /etc/host.conf; the rules are answerIPv4's in
 * formats/hosts.ts, compared with the real getent in test/integration/hosts-glibc.test.ts),
 * then DNS. Both answers are kept so a disagreement between /etc/hosts and
 * DNS (the guide's "mixed name services") can be reported, and the /etc/hosts line that
 * answered is kept so the guide's classic failure — the host name on the 127.0.0.1 line —
 * can be explained with the line to fix. Shared by cluster-configure and cluster-check.
 */
import type { Context } from './command.js';
import { EXIT, OvsError } from './errors.js';
import { readOptional } from './files.js';
import { answerIPv4, parseHostConf, parseHosts, type HostsFile } from './formats/hosts.js';
import { isLoopback } from './formats/ip.js';
import { HOSTNAME_FILE, HOSTS_FILE, HOST_CONF } from './system-paths.js';
import { parseSystemText } from './system-file.js';


export type ResolutionSource = 'hosts' | 'dns' | 'none';

export interface HostsLine {
  /** 1-based line number in /etc/hosts. */
  number: number;
  text: string;
}

export interface Resolution {
  name: string;
  /** IPv4 addresses in the order the server would try them; the first is the one it uses. */
  addresses: string[];
  /** Who answered: /etc/hosts wins over DNS, as with `hosts: files dns`. */
  source: ResolutionSource;
  /** The /etc/hosts line that carries the name (the one that answered). */
  hostsLine?: HostsLine;
  /** What DNS said (empty when it had no answer, undefined when it was not asked). */
  dns?: string[];
  /** /etc/hosts and DNS both answered, with different addresses. */
  mismatch: boolean;
}

export interface ResolveOptions {
  /** Ask DNS even when /etc/hosts answers, to detect disagreement (default true). */
  compareDns?: boolean;
  /** An /etc/hosts already read (resolving many names reads the file once). */
  hosts?: HostsFile;
}

/** The short name: what O2CB and the agent compare when the domain is left out. */
export function shortName(name: string): string {
  return name.split('.')[0] ?? name;
}

/**
 * A cluster.conf node name names this host when it is the host name, or the same short
 * name (ocfs2.cluster.conf(5): "the node name must match the hostname; the domain name is
 * optional"). Host names compare without regard to case.
 */
export function isThisHost(nodeName: string, hostname: string): boolean {
  const a = nodeName.toLowerCase();
  const b = hostname.toLowerCase();
  return a === b || shortName(a) === shortName(b);
}

/** Live: the kernel's host name. Under --root: the first name in the image's /etc/hostname. */
export async function thisHostname(ctx: Context): Promise<string> {
  if (!ctx.offline) return (await ctx.host.hostname()).trim();
  const text = await readOptional(ctx.fs, HOSTNAME_FILE);
  // hostname(5): one name; lines starting with "#" are comments.
  const name = text?.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
  if (name === undefined) {
    throw new OvsError(EXIT.OSFILE, `${HOSTNAME_FILE} is ${text === undefined ? 'missing' : 'empty'} in ${ctx.global.root}`, {
      while: 'finding the host name of the image',
      hint: `write the server's host name into ${ctx.global.root}${HOSTNAME_FILE}`,
    });
  }
  return name;
}

/**
 * /etc/hosts as the resolver sees it, with /etc/host.conf's `multi` (whether every line of a
 * name answers); a missing file is an empty one (then DNS decides).
 */
export async function readHostsFile(ctx: Context): Promise<HostsFile> {
  const [text, conf] = await Promise.all([readOptional(ctx.fs, HOSTS_FILE), readOptional(ctx.fs, HOST_CONF)]);
  const { multi } = parseHostConf(conf ?? '');
  if (text === undefined) return { entries: [], skipped: [], multi };
  // parseHosts skips what it cannot use, like glibc; this only guards a future change.
  return { ...parseSystemText(HOSTS_FILE, text, parseHosts), multi };
}

/**
 * Resolve NAME to IPv4 addresses: /etc/hosts first, then DNS. The offline rule, here and
 * only here: under --root the image's /etc/hosts is the only answer and DNS is never asked
 * (the machine building the image is not the server, and its DNS says nothing of the
 * server's); a name not in that file resolves to nothing (`source: 'none'`, no `dns`).
 */
export async function resolveName(ctx: Context, name: string, opts: ResolveOptions = {}): Promise<Resolution> {
  const hosts = opts.hosts ?? (await readHostsFile(ctx));
  const answers = answerIPv4(hosts, name);
  // Under --root the image's /etc/hosts is the only source: the live DNS is not the image's.
  const askDns = !ctx.offline && (answers.length === 0 || opts.compareDns !== false);
  const dns = askDns ? await ctx.host.resolveDns(name) : undefined;
  const [first] = answers;
  if (first) {
    const addresses = answers.map((a) => a.address);
    const mismatch = dns !== undefined && dns.length > 0 && !dns.includes(first.address);
    const { entry } = first;
    return { name, addresses, source: 'hosts', hostsLine: { number: entry.line, text: entry.raw }, ...(dns ? { dns } : {}), mismatch };
  }
  const answer = dns ?? [];
  return { name, addresses: answer, source: answer.length > 0 ? 'dns' : 'none', ...(dns ? { dns } : {}), mismatch: false };
}

/** Resolve many names at once (one read of /etc/hosts, DNS questions in parallel). */
export async function resolveNames(ctx: Context, names: readonly string[], opts: Omit<ResolveOptions, 'hosts'> = {}): Promise<Resolution[]> {
  const hosts = await readHostsFile(ctx);
  return Promise.all(names.map((n) => resolveName(ctx, n, { ...opts, hosts })));
}

export interface Finding {
  message: string;
  hint: string;
}

/**
 * The guide's classic failure, in words: NAME resolves to a loopback address, so
 * 127.0.0.1 would land in cluster.conf and the other servers could never reach this one.
 * Undefined when the first address is not a loopback one.
 */
export function loopbackFinding(r: Resolution): Finding | undefined {
  const address = r.addresses[0];
  if (address === undefined || !isLoopback(address)) return undefined;
  if (r.source === 'hosts' && r.hostsLine) {
    return {
      message: `'${r.name}' resolves to the loopback address ${address} through line ${r.hostsLine.number} of ${HOSTS_FILE} ("${r.hostsLine.text.trim()}")`,
      hint: `take '${r.name}' off that line (keep "127.0.0.1 localhost.localdomain localhost") and give it its own line with the pool address, e.g. "192.168.100.100 ${r.name}"`,
    };
  }
  return {
    message: `'${r.name}' resolves to the loopback address ${address} through DNS`,
    hint: `fix the DNS record of '${r.name}' to the address the other pool servers reach it on, or add that address to ${HOSTS_FILE}`,
  };
}

/** loopbackFinding as the exit-65 error cluster-configure refuses with. */
export function loopbackError(r: Resolution, doing: string): OvsError | undefined {
  const f = loopbackFinding(r);
  return f ? new OvsError(EXIT.DATAERR, f.message, { while: doing, hint: f.hint }) : undefined;
}

/** /etc/hosts and DNS disagree for NAME (every pool server must resolve names the same way). */
export function mismatchFinding(r: Resolution): Finding | undefined {
  if (!r.mismatch || !r.hostsLine) return undefined;
  return {
    message: `'${r.name}' is ${r.addresses[0]} in ${HOSTS_FILE} (line ${r.hostsLine.number}) but ${(r.dns ?? []).join(', ')} in DNS`,
    hint: `make ${HOSTS_FILE} and DNS agree for '${r.name}' on every pool server (the guide: no mixed name services in a pool)`,
  };
}
