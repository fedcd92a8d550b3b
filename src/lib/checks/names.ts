/**
 * Names, the guide's first special consideration: the server has a fully qualified host
 * name, that name is not on the 127.0.0.1 line of /etc/hosts, and every pool member's name
 * resolves — /etc/hosts and DNS agreeing — to the address cluster.conf gives it ("all the
 * servers in the same pool must have the consistent name resolution").
 */
import type { Context } from '../command.js';
import type { ClusterNode } from '../formats/cluster-conf.js';
import { hostnameOnLoopback } from '../formats/hosts.js';
import { HOSTS_FILE, loopbackFinding, mismatchFinding, resolveName, type Resolution } from '../resolve.js';
import { fail, pass, skip, warn, type CheckResult } from './check.js';
import { CLUSTER_CONF, type Facts } from './facts.js';

const HOSTNAME_FIX = 'give the server its fully qualified name, e.g. `hostname vmserver1.example.com`, and make it permanent in /etc/hostname (HOSTNAME= in /etc/sysconfig/network on Oracle VM Server)';

export function checkHostnameFqdn(f: Facts): CheckResult {
  const id = 'hostname.fqdn';
  const name = f.hostname.name;
  if (name === undefined) return fail(id, `the host name is unknown: ${f.hostname.error ?? 'no name'}`, 'write the fully qualified host name into /etc/hostname of the image');
  if (/^localhost(\.|$)/i.test(name)) return fail(id, `the host name is '${name}'`, HOSTNAME_FIX);
  if (!name.includes('.') || name.endsWith('.')) return fail(id, `the host name '${name}' is not fully qualified`, HOSTNAME_FIX);
  return pass(id, `the host name '${name}' is fully qualified`);
}

/**
 * Resolve as the server would. Under --root only the image's /etc/hosts counts: the DNS of
 * the machine running ovs says nothing about the server's (undefined = not in the file).
 */
async function resolveFor(ctx: Context, f: Facts, name: string): Promise<Resolution | undefined> {
  const r = await resolveName(ctx, name, { hosts: f.hosts });
  return ctx.offline && r.source === 'none' ? undefined : r;
}

const notInImage = (id: string, name: string): CheckResult =>
  skip(id, `skipped (offline): '${name}' is not in the image's ${HOSTS_FILE} and DNS is not asked under --root`);

function answeredBy(r: Resolution): string {
  return r.source === 'hosts' && r.hostsLine ? `${HOSTS_FILE} line ${r.hostsLine.number}` : 'DNS';
}

/** This host's name resolves, and not to 127.0.0.1 (the guide's most common HA failure). */
export async function checkHostnameAddress(ctx: Context, f: Facts): Promise<CheckResult> {
  const id = 'hostname.address';
  const name = f.hostname.name;
  if (name === undefined) return skip(id, 'skipped: the host name is unknown (see hostname.fqdn)');
  const r = await resolveFor(ctx, f, name);
  if (!r) return notInImage(id, name);
  const loop = loopbackFinding(r);
  if (loop) return fail(id, loop.message, loop.hint);
  const address = r.addresses[0];
  if (address === undefined) {
    return fail(id, `'${name}' does not resolve (neither ${HOSTS_FILE} nor DNS knows it)`, `add "<pool address> ${name} ${name.split('.')[0]}" to ${HOSTS_FILE}, or a DNS record for it`);
  }
  const stale = hostnameOnLoopback(f.hosts, name);
  if (stale.length > 0) {
    const lines = stale.map((e) => e.line).join(', ');
    return warn(id, `'${name}' resolves to ${address} (${answeredBy(r)}) but is also on the loopback line ${lines} of ${HOSTS_FILE}`, `remove '${name}' from ${HOSTS_FILE} line ${lines}`);
  }
  return pass(id, `'${name}' resolves to ${address} (${answeredBy(r)})`);
}

/** One pool member: resolvable, /etc/hosts and DNS agree, and (a WARN otherwise) to its cluster.conf address. */
export async function checkNodeName(ctx: Context, f: Facts, node: ClusterNode): Promise<CheckResult> {
  const id = `names.resolve:${node.name}`;
  const r = await resolveFor(ctx, f, node.name);
  if (!r) return notInImage(id, node.name);
  const address = r.addresses[0];
  if (address === undefined) {
    return fail(id, `pool member '${node.name}' does not resolve`, `add "${node.ipAddress} ${node.name}" to ${HOSTS_FILE} (on every server), or a DNS record for it`);
  }
  const loop = loopbackFinding(r);
  if (loop) return fail(id, loop.message, loop.hint);
  const mixed = mismatchFinding(r);
  if (mixed) return fail(id, mixed.message, mixed.hint);
  if (address !== node.ipAddress) {
    return warn(
      id,
      `'${node.name}' resolves to ${address} (${answeredBy(r)}) but ${CLUSTER_CONF} gives it ${node.ipAddress}`,
      `fine for a dedicated cluster network; otherwise correct the name service or the node's ip_address (stanza at ${CLUSTER_CONF} line ${node.line ?? '?'})`,
    );
  }
  return pass(id, `'${node.name}' resolves to ${address} (${answeredBy(r)}), as in ${CLUSTER_CONF}`);
}

/** Lines glibc skips (a bad address, an address without a name): what the operator wrote is not what the resolver reads. */
export function checkHostsFile(f: Facts): CheckResult {
  const id = 'hostname.hosts-file';
  const [first, ...rest] = f.hosts.skipped;
  if (!first) return pass(id, `every line of ${HOSTS_FILE} is one the resolver reads`);
  const more = rest.length ? ` (and line${rest.length > 1 ? 's' : ''} ${rest.map((l) => l.line).join(', ')})` : '';
  return warn(id, `${HOSTS_FILE} line ${first.line} is ignored: ${first.reason}${more}`, `correct or remove ${HOSTS_FILE} line ${first.line}`);
}

export async function checkNames(ctx: Context, f: Facts): Promise<CheckResult[]> {
  if (!f.cluster) return [skip('names.resolve', 'skipped: no usable cluster in cluster.conf (see cluster-conf.valid)')];
  return Promise.all(f.cluster.nodes.map((n) => checkNodeName(ctx, f, n)));
}
