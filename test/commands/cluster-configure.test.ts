import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { serializeBundle } from '../../src/lib/formats/bundle.js';
import { parseClusterConf } from '../../src/lib/formats/cluster-conf.js';
import { DEFAULT_PROGRAMS, type MemoryHost, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { runOvs } from '../helpers/run.js';

const fixture = (p: string) => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

const HOSTS = '127.0.0.1\tlocalhost.localdomain localhost\n192.168.1.11 ovs1.example.com ovs1\n192.168.1.12 ovs2.example.com ovs2\n';
const CONF = '/etc/ocfs2/cluster.conf';
const DEB = '/etc/default/o2cb';

function host(extra: MemoryHostOptions = {}): MemoryHostOptions {
  return { hostname: 'ovs1.example.com', services: { o2cb: {} }, ...extra, files: { '/etc/hosts': HOSTS, ...extra.files } };
}

function node(name: string, ip: string, n: number, port = 7777): string {
  return `node:\n\tip_port = ${port}\n\tip_address = ${ip}\n\tnumber = ${n}\n\tname = ${name}\n\tcluster = ocfs2\n\n`;
}
const clusterStanza = (count: number, name = 'ocfs2') => `cluster:\n\tnode_count = ${count}\n\tname = ${name}\n\n`;
const TWO = node('ovs1.example.com', '192.168.1.11', 0) + node('ovs2.example.com', '192.168.1.12', 1) + clusterStanza(2);

/** The node list as the command's parser reads it back: number, name, address. */
function nodesOf(h: MemoryHost): string[] {
  const [c] = parseClusterConf(h.readText(CONF)).clusters;
  expect(c?.nodeCount).toBe(c?.nodes.length);
  return (c?.nodes ?? []).map((n) => `${n.number} ${n.name} ${n.ipAddress}:${n.ipPort}`);
}

/** Nothing written, nothing run: the validation came first. */
function untouched(h: MemoryHost, before: Record<string, string | null>) {
  expect(h.exists(CONF)).toBe(CONF in before);
  expect(h.exists(DEB)).toBe(DEB in before);
  expect(h.calls).toEqual([]);
  expect(h.exists('/var/log/ovs/journal.log')).toBe(false);
}

describe('cluster-configure: writing a new cluster', () => {
  it('writes cluster.conf and a new O2CB settings file, then starts o2cb and checks it', async () => {
    const r = await runOvs(['cluster-configure', '--node', 'ovs1.example.com=192.168.1.11', '--node', 'ovs2.example.com=192.168.1.12'], host());
    expect(r.exit).toBe(0);
    expect(r.host.readText(CONF)).toBe(TWO);
    const settings = r.host.readText(DEB);
    expect(settings).toContain('\nO2CB_ENABLED=true\n');
    expect(settings).toContain('\nO2CB_BOOTCLUSTER=ocfs2\n');
    expect(settings).toContain('\nO2CB_HEARTBEAT_THRESHOLD=31\n');
    expect(r.host.serviceLog).toEqual(['start o2cb', 'status o2cb']);
    expect(r.stdout).toContain('cluster ocfs2: 2 nodes (updated)');
    expect(r.stdout).toMatch(/ {3}0 {2}ovs1\.example\.com {2}192\.168\.1\.11:7777 {2}\(this host, added\)/);
    expect(r.stdout).toContain(`/etc/ocfs2/cluster.conf sha256 ${sha(TWO)}`);
    expect(r.stdout).toContain('o2cb: started; at boot: skipped');
    expect(r.stderr).toContain('cannot enable o2cb at boot: neither update-rc.d nor chkconfig is installed');
  });

  it('writes /etc/sysconfig/o2cb when /etc/sysconfig exists (RHEL, Oracle VM)', async () => {
    const r = await runOvs(['cluster-configure', '--node', 'ovs1=192.168.1.11'], host({ hostname: 'ovs1', files: { '/etc/sysconfig': null } }));
    expect(r.exit).toBe(0);
    expect(r.host.readText('/etc/sysconfig/o2cb')).toMatch(/^#\n# This is a configuration file for automatic startup of the O2CB\n/);
    expect(r.host.exists(DEB)).toBe(false);
  });

  it('without options creates the cluster of this host alone, its address from /etc/hosts', async () => {
    const r = await runOvs(['--json', 'cluster-configure'], host());
    expect(r.exit).toBe(0);
    expect(nodesOf(r.host)).toEqual(['0 ovs1.example.com 192.168.1.11:7777']);
    expect(r.json.result.nodes[0]).toMatchObject({ origin: 'hosts', thisHost: true, added: true });
  });

  it('resolves a name /etc/hosts lacks through DNS', async () => {
    const r = await runOvs(['--json', 'cluster-configure', '--node', 'ovs1', '--node', 'ovs3.example.com'], host({ dns: { 'ovs3.example.com': ['192.168.1.13'] } }));
    expect(r.exit).toBe(0);
    expect(nodesOf(r.host)).toEqual(['0 ovs1 192.168.1.11:7777', '1 ovs3.example.com 192.168.1.13:7777']);
    expect(r.json.result.nodes.map((n: { origin: string }) => n.origin)).toEqual(['hosts', 'dns']);
  });

  it('reports /etc/hosts and DNS disagreeing, and uses /etc/hosts as the server does', async () => {
    const r = await runOvs(['--json', 'cluster-configure', '--node', 'ovs1', '--node', 'ovs2'], host({ dns: { ovs2: ['10.0.0.2'] } }));
    expect(r.exit).toBe(0);
    expect(nodesOf(r.host)[1]).toBe('1 ovs2 192.168.1.12:7777');
    expect(r.json.result.warnings).toEqual([
      "'ovs2' is 192.168.1.12 in /etc/hosts (line 3) but 10.0.0.2 in DNS; using 192.168.1.12 (/etc/hosts comes first). make /etc/hosts and DNS agree for 'ovs2' on every pool server (the guide: no mixed name services in a pool)",
    ]);
  });

  it('takes explicit numbers, --port for every node, and a cluster name', async () => {
    const r = await runOvs(['cluster-configure', '--cluster-name', 'pool1', '--port', '7778', '--node', 'ovs2=192.168.1.12:7', '--node', 'ovs1=192.168.1.11'], host());
    expect(r.exit).toBe(0);
    const [c] = parseClusterConf(r.host.readText(CONF)).clusters;
    expect(c?.name).toBe('pool1');
    expect(c?.nodes.map((n) => `${n.number} ${n.name} ${n.ipPort}`)).toEqual(['0 ovs1 7778', '7 ovs2 7778']);
    expect(r.host.readText(DEB)).toContain('O2CB_BOOTCLUSTER=pool1');
  });

  it("O2CB_BOOTCLUSTER naming a cluster cluster.conf lacks: 78 and nothing written (the pool runs no cluster; ovs does not guess), --cluster-name decides", async () => {
    const files = { [CONF]: TWO, [DEB]: 'O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=webcluster\n' };
    const r = await runOvs(['cluster-configure', '--add-node', 'ovs3=192.168.1.13'], host({ files }));
    expect(r.exit).toBe(78);
    expect(r.stderr).toContain("ovs: cluster-configure: O2CB_BOOTCLUSTER is 'webcluster' but cluster.conf defines only 'ocfs2': O2CB would start no cluster while choosing the cluster to configure\n");
    expect(r.stderr).toContain('ovs: hint: say which cluster to configure: --cluster-name ocfs2 keeps its nodes, --cluster-name webcluster starts that one afresh');
    expect([r.host.readText(CONF), r.host.readText(DEB)]).toEqual([TWO, files[DEB]]);
    expect(r.host.calls).toEqual([]);
    const chosen = await runOvs(['cluster-configure', '--cluster-name', 'ocfs2', '--add-node', 'ovs3=192.168.1.13'], host({ files }));
    expect(chosen.exit).toBe(0);
    expect(nodesOf(chosen.host)).toEqual(['0 ovs1.example.com 192.168.1.11:7777', '1 ovs2.example.com 192.168.1.12:7777', '2 ovs3 192.168.1.13:7777']);
    expect(chosen.host.readText(DEB)).toContain('O2CB_BOOTCLUSTER=ocfs2');
  });

  it('an empty O2CB_BOOTCLUSTER, or no O2CB settings file, means the only cluster of cluster.conf; a cluster.conf without clusters starts the one O2CB_BOOTCLUSTER names', async () => {
    for (const settings of [{ [DEB]: 'O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=\n' }, {}] as Record<string, string>[]) {
      const r = await runOvs(['cluster-configure', '--add-node', 'ovs3=192.168.1.13'], host({ files: { [CONF]: TWO.replaceAll('ocfs2', 'pool2'), ...settings } }));
      expect(r.exit).toBe(0);
      expect(parseClusterConf(r.host.readText(CONF)).clusters.map((c) => `${c.name} ${c.nodes.length}`)).toEqual(['pool2 3']);
      expect(r.host.readText(DEB)).toContain('O2CB_BOOTCLUSTER=pool2');
    }
    const fresh = await runOvs(['cluster-configure', '--node', 'ovs1=192.168.1.11'], host({ hostname: 'ovs1', files: { [DEB]: 'O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=webcluster\n' } }));
    expect(fresh.exit).toBe(0);
    expect(parseClusterConf(fresh.host.readText(CONF)).clusters.map((c) => c.name)).toEqual(['webcluster']);
  });

  it('writes 255 nodes, numbered 0-254, node_count 255', async () => {
    const args = Array.from({ length: 255 }, (_, i) => ['--node', `n${i}=10.0.${i >> 4}.${(i & 15) + 1}`]).flat();
    const r = await runOvs(['cluster-configure', ...args], host({ hostname: 'n0' }));
    expect(r.exit).toBe(0);
    const nodes = nodesOf(r.host);
    expect(nodes).toHaveLength(255);
    expect(nodes[254]).toBe('254 n254 10.0.15.15:7777');
  });

  it('enables o2cb at boot with update-rc.d on Debian, and not again once linked', async () => {
    const programs = [...DEFAULT_PROGRAMS, 'update-rc.d'];
    const expect1 = [{ argv: ['update-rc.d', 'o2cb', 'defaults'], respond: (_: unknown, h: MemoryHost) => (h.vol.mkdirSync('/etc/rc2.d', { recursive: true }), h.vol.symlinkSync('../init.d/o2cb', '/etc/rc2.d/S19o2cb'), {}) }];
    const r = await runOvs(['cluster-configure', '--node', 'ovs1'], host({ programs, expect: expect1 }));
    expect(r.exit).toBe(0);
    expect(r.host.calls.map((c) => c.argv.join(' '))).toEqual(['update-rc.d o2cb defaults', 'service o2cb start', 'service o2cb status']);
    expect(r.stdout).toContain('at boot: enabled');
    const again = await runOvs(['cluster-configure', '--node', 'ovs1'], r.host);
    expect(again.exit).toBe(0);
    expect(again.stdout).toContain('cluster ocfs2: 1 node (unchanged)');
    expect(again.stdout).toContain('at boot: enabled');
    expect(again.host.calls.filter((c) => c.argv[0] === 'update-rc.d')).toHaveLength(1);
  });

  it('uses systemctl when systemd is the running init', async () => {
    const r = await runOvs(['cluster-configure', '--node', 'ovs1'], host({ files: { '/run/systemd/system': null } }));
    expect(r.exit).toBe(0);
    expect(r.host.calls.map((c) => c.argv.join(' '))).toEqual(['systemctl is-enabled o2cb', 'systemctl start o2cb', 'systemctl is-active o2cb']);
  });
});

describe('cluster-configure: stable node numbers', () => {
  const existing = () => host({ files: { [CONF]: TWO, '/etc/hosts': `${HOSTS}192.168.1.13 ovs3\n192.168.1.14 ovs4\n` } });

  it('adding a node keeps every old number', async () => {
    const r = await runOvs(['cluster-configure', '--add-node', 'ovs3'], existing());
    expect(r.exit).toBe(0);
    expect(nodesOf(r.host)).toEqual(['0 ovs1.example.com 192.168.1.11:7777', '1 ovs2.example.com 192.168.1.12:7777', '2 ovs3 192.168.1.13:7777']);
  });

  it('removing a node keeps the rest; the freed number goes to the next new node (as o2cb does)', async () => {
    const h = existing();
    const a = await runOvs(['cluster-configure', '--add-node', 'ovs3'], h);
    const b = await runOvs(['cluster-configure', '--remove-node', 'ovs2.example.com'], a.host);
    expect(b.exit).toBe(0);
    expect(nodesOf(b.host)).toEqual(['0 ovs1.example.com 192.168.1.11:7777', '2 ovs3 192.168.1.13:7777']);
    const c = await runOvs(['cluster-configure', '--add-node', 'ovs4'], b.host);
    expect(nodesOf(c.host)).toEqual(['0 ovs1.example.com 192.168.1.11:7777', '1 ovs4 192.168.1.14:7777', '2 ovs3 192.168.1.13:7777']);
  });

  it('the node table tags each node: this host, added, where its address came from; a kept node has none', async () => {
    const r = await runOvs(['cluster-configure', '--node', 'ovs3', '--node', 'ovs2.example.com', '--node', 'ovs1.example.com', '--node', 'ovs5.example.com'], host({ files: { [CONF]: TWO, '/etc/hosts': `${HOSTS}192.168.1.13 ovs3\n` }, dns: { 'ovs5.example.com': ['192.168.1.15'] } }));
    expect(r.exit, r.stderr).toBe(0);
    const table = r.stdout.split('\n').filter((l) => /^ {2,}\d+ {2}/.test(l));
    expect(table).toEqual([
      '    0  ovs1.example.com  192.168.1.11:7777  (this host)',
      '    1  ovs2.example.com  192.168.1.12:7777',
      '    2  ovs3              192.168.1.13:7777  (added, from /etc/hosts)',
      '    3  ovs5.example.com  192.168.1.15:7777  (added, from DNS)',
    ]);
  });

  it('--node keeps the numbers of nodes already there, in any order', async () => {
    const r = await runOvs(['--json', 'cluster-configure', '--node', 'ovs3', '--node', 'ovs2.example.com', '--node', 'ovs1.example.com'], existing());
    expect(r.exit).toBe(0);
    expect(nodesOf(r.host)).toEqual(['0 ovs1.example.com 192.168.1.11:7777', '1 ovs2.example.com 192.168.1.12:7777', '2 ovs3 192.168.1.13:7777']);
    expect(r.json.result.added).toEqual(['ovs3']);
    expect(r.json.result.nodes.map((n: { origin: string }) => n.origin)).toEqual(['kept', 'kept', 'hosts']);
  });

  it('--node reports the nodes it drops as removed', async () => {
    const r = await runOvs(['--json', 'cluster-configure', '--node', 'ovs1.example.com'], existing());
    expect(r.json.result.removed).toEqual(['ovs2.example.com']);
    expect(nodesOf(r.host)).toEqual(['0 ovs1.example.com 192.168.1.11:7777']);
  });

  it('refuses to renumber an existing node (65)', async () => {
    const r = await runOvs(['cluster-configure', '--add-node', 'ovs2.example.com:5'], existing());
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain('ovs: cluster-configure: node "ovs2.example.com" already has number 1; a node\'s number never changes while numbering the nodes');
    expect(r.host.readText(CONF)).toBe(TWO);
  });

  it('a node re-added with an address gets the new address and keeps its number', async () => {
    const r = await runOvs(['cluster-configure', '--add-node', 'ovs2.example.com=192.168.1.22'], existing());
    expect(nodesOf(r.host)[1]).toBe('1 ovs2.example.com 192.168.1.22:7777');
  });

  it('without node options keeps the nodes and changes nothing the second time', async () => {
    const first = await runOvs(['cluster-configure'], existing());
    expect(first.host.readText(CONF)).toBe(TWO);
    const second = await runOvs(['--json', 'cluster-configure'], first.host);
    expect(second.json.result.status).toBe('unchanged');
    expect(second.json.changes.filter((c: { kind: string }) => c.kind === 'write')).toEqual([]);
  });

  it('--remove-node of a name that is not there is a warning, not an error (idempotent)', async () => {
    const r = await runOvs(['cluster-configure', '--remove-node', 'ovs9'], existing());
    expect(r.exit).toBe(0);
    expect(r.stderr).toContain("--remove-node ovs9: not a node of cluster 'ocfs2'; nothing to remove");
    expect(r.stderr).not.toContain('did you mean');
  });

  it('--remove-node with a typo: warns, exits 0, changes nothing, and offers the closest node name', async () => {
    const first = await runOvs(['cluster-configure'], existing());
    const r = await runOvs(['--json', 'cluster-configure', '--remove-node', 'ovs2.exmaple.com'], first.host);
    expect(r.exit).toBe(0);
    expect(r.json.warnings).toContain("--remove-node ovs2.exmaple.com: not a node of cluster 'ocfs2'; nothing to remove (did you mean ovs2.example.com?)");
    expect(r.json.changes.filter((c: { kind: string }) => c.kind === 'write')).toEqual([]);
    expect(r.host.readText(CONF)).toBe(TWO);
  });

  it("keeps the file's cluster name when none is given", async () => {
    const conf = TWO.replaceAll('cluster = ocfs2', 'cluster = pool7').replace('name = ocfs2', 'name = pool7');
    const r = await runOvs(['cluster-configure'], host({ files: { [CONF]: conf } }));
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('cluster pool7: 2 nodes');
    expect(r.host.readText(DEB)).toContain('O2CB_BOOTCLUSTER=pool7');
  });
});

describe('cluster-configure: refused, nothing written', () => {
  it("refuses the guide's classic failure: the host name on the 127.0.0.1 line (65)", async () => {
    const files = { '/etc/hosts': fixture('formats/hosts-loopback-hostname.txt') };
    const r = await runOvs(['cluster-configure'], host({ hostname: 'vmserver1.example.com', files }));
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain(
      "ovs: cluster-configure: 'vmserver1.example.com' resolves to the loopback address 127.0.0.1 through line 3 of /etc/hosts (\"127.0.0.1\t\tvmserver1.example.com vmserver1 localhost.localdomain localhost\") while resolving the address of node vmserver1.example.com\n",
    );
    expect(r.stderr).toContain("ovs: hint: take 'vmserver1.example.com' off that line (keep \"127.0.0.1 localhost.localdomain localhost\")");
    untouched(r.host, files);
  });

  it('refuses the classic failure in disguise, as glibc resolves it: the host name only on the ::1 line (65)', async () => {
    const files = { '/etc/hosts': fixture('hosts/hostname-on-ipv6-loopback.hosts'), '/etc/host.conf': 'multi on\n' };
    const r = await runOvs(['cluster-configure'], host({ hostname: 'vmserver1.example.com', files }));
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain(
      "ovs: cluster-configure: 'vmserver1.example.com' resolves to the loopback address 127.0.0.1 through line 3 of /etc/hosts (\"::1 localhost ip6-localhost vmserver1.example.com vmserver1\") while resolving the address of node vmserver1.example.com\n",
    );
    expect(r.host.calls).toEqual([]);
    untouched(r.host, files);
  });

  it('with multi on, a loopback line anywhere for the name wins (getaddrinfo sorts loopback first); with multi off the first line answers', async () => {
    const hosts = fixture('hosts/duplicates.hosts');
    const multi = await runOvs(['cluster-configure'], host({ hostname: 'vmserver1.example.com', files: { '/etc/hosts': hosts, '/etc/host.conf': 'order hosts,bind\nmulti on\n' } }));
    expect(multi.exit).toBe(65);
    expect(multi.stderr).toContain("'vmserver1.example.com' resolves to the loopback address 127.0.1.1 through line 5 of /etc/hosts (\"127.0.1.1 vmserver1.example.com vmserver1\")");
    const first = await runOvs(['cluster-configure'], host({ hostname: 'vmserver1.example.com', files: { '/etc/hosts': hosts } }));
    expect(first.exit).toBe(0);
    expect(nodesOf(first.host)).toEqual(['0 vmserver1.example.com 192.168.100.100:7777']);
  });

  it('refuses an unresolvable name (65)', async () => {
    const r = await runOvs(['cluster-configure', '--node', 'ovs1', '--node', 'nosuchhost'], host());
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain("ovs: cluster-configure: cannot resolve node 'nosuchhost': it is not in /etc/hosts and DNS has no IPv4 address for it while resolving the address of node nosuchhost");
    expect(r.stderr).toContain('ovs: hint: give the address: --node nosuchhost=IPV4');
    untouched(r.host, {});
  });

  it('refuses a duplicate IP given twice (65)', async () => {
    const r = await runOvs(['cluster-configure', '--node', 'ovs1=192.168.1.11', '--node', 'ovs2=192.168.1.11'], host());
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain('ovs: cluster-configure: address 192.168.1.11 is given to both ovs1 and ovs2 while reading --node');
    untouched(r.host, {});
  });

  it('refuses two names resolving to the same IP (65)', async () => {
    const r = await runOvs(['cluster-configure', '--node', 'ovs1', '--node', 'ovs1b'], host({ dns: { ovs1b: ['192.168.1.11'] } }));
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain('node "ovs1b": ip_address 192.168.1.11 is also used by node "ovs1" while checking cluster \'ocfs2\'');
    untouched(r.host, {});
  });

  it('refuses a 17-character cluster name (65)', async () => {
    const r = await runOvs(['cluster-configure', '--cluster-name', 'abcdefghijklmnopq', '--node', 'ovs1'], host());
    expect(r.exit).toBe(65);
    expect(r.stderr).toBe(
      "ovs: cluster-configure: cluster name 'abcdefghijklmnopq' is invalid: 17 characters, at most 16 while reading --cluster-name\novs: hint: use 1-16 letters or digits, e.g. --cluster-name ocfs2\novs: nothing was changed\n",
    );
    untouched(r.host, {});
  });

  it('refuses a cluster name with a dash (65)', async () => {
    const r = await runOvs(['cluster-configure', '--cluster-name', 'bad-name'], host());
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain("cluster name 'bad-name' is invalid: only letters and digits are allowed");
  });

  it('refuses a node list without this host (78)', async () => {
    const r = await runOvs(['cluster-configure', '--node', 'ovs2'], host());
    expect(r.exit).toBe(78);
    expect(r.stderr).toContain("ovs: cluster-configure: this host (ovs1.example.com) is not a node of cluster 'ocfs2' while checking the node list");
    expect(r.stderr).toContain('ovs: hint: O2CB only starts on a node of its cluster: add it with --add-node ovs1.example.com');
    untouched(r.host, {});
  });

  it('refuses removing this host (78)', async () => {
    const r = await runOvs(['cluster-configure', '--remove-node', 'ovs1.example.com'], host({ files: { [CONF]: TWO } }));
    expect(r.exit).toBe(78);
    expect(r.host.readText(CONF)).toBe(TWO);
    expect(r.stderr).toContain("ovs: cluster-configure: --remove-node ovs1.example.com would remove this host from its own cluster 'ocfs2' while checking the node list");
    expect(r.stderr).toContain('ovs: hint: run `ovs cluster-configure --remove-node ovs1.example.com` on another node of the pool');
    expect(r.stderr).not.toContain('--add-node');
  });

  it('refuses a heartbeat threshold below 7 (65)', async () => {
    const r = await runOvs(['cluster-configure', '--heartbeat-threshold', '6'], host());
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain('ovs: cluster-configure: --heartbeat-threshold 6 is below the minimum of 7 while reading --heartbeat-threshold');
    expect(r.stderr).toContain('ovs: hint: threshold = heartbeat timeout in seconds / 2 + 1; the default 31 is 60 s, 61 is 120 s');
    untouched(r.host, {});
  });

  it.each([
    ['--idle-timeout-ms', '4999', '--idle-timeout-ms 4999 is below the minimum of 5000'],
    ['--keepalive-delay-ms', '999', '--keepalive-delay-ms 999 is below the minimum of 1000'],
    ['--reconnect-delay-ms', '1999', '--reconnect-delay-ms 1999 is below the minimum of 2000'],
    ['--heartbeat-threshold', '31s', "--heartbeat-threshold '31s' is not a whole number"],
    ['--port', '0', "--port '0' is not a port number (1-65535)"],
    ['--port', '65536', "--port '65536' is not a port number (1-65535)"],
    ['--node', 'bad_name', "--node 'bad_name': node name 'bad_name' is not a host name"],
    ['--node', 'ovs1=300.1.1.1', "--node 'ovs1=300.1.1.1': '300.1.1.1' is not an IPv4 address (O2CB speaks IPv4 only)"],
    ['--node', 'ovs1=127.0.0.1', "--node 'ovs1=127.0.0.1': 127.0.0.1 is a loopback address"],
    ['--node', 'ovs1=0.0.0.0', "--node 'ovs1=0.0.0.0': 0.0.0.0 is not an address a node can be reached on"],
    ['--node', 'ovs1:255', "--node 'ovs1:255': node number '255' is not 0-254"],
    ['--add-node', 'ovs1=1.2.3', "--add-node 'ovs1=1.2.3': '1.2.3' is not an IPv4 address"],
    ['--remove-node', 'a b', "--remove-node 'a b' is not a host name"],
  ])('refuses %s %s (65)', async (flag, value, message) => {
    const r = await runOvs(['cluster-configure', flag, value], host());
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain(`ovs: cluster-configure: ${message}`);
    untouched(r.host, {});
  });

  it('refuses the same node twice and 256 nodes (65)', async () => {
    expect((await runOvs(['cluster-configure', '--node', 'ovs1', '--node', 'OVS1'], host())).stderr).toContain("node 'OVS1' is given twice");
    const args = Array.from({ length: 256 }, (_, i) => ['--node', `n${i}=10.1.${i >> 4}.${(i & 15) + 1}`]).flat();
    const r = await runOvs(['cluster-configure', ...args], host());
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain('256 nodes given; an O2CB cluster holds at most 255');
  });

  it.each([
    [['--node', 'ovs1', '--add-node', 'ovs2'], "ovs: cluster-configure: option '--node <spec>' cannot be used with option '--add-node <spec>'\novs: hint: ovs help cluster-configure shows the usage\n"],
    [['--remove-node', 'ovs2', '--node', 'ovs1'], "option '--node <spec>' cannot be used with option '--remove-node <name>'"],
    [['--add-node', 'ovs2', '--remove-node', 'ovs2'], "node 'ovs2' is both added and removed"],
    [['--import', '-', '--node', 'ovs1'], "option '--import <file>' cannot be used with option '--node <spec>'"],
    [['--import', '-', '--heartbeat-threshold', '61'], "option '--import <file>' cannot be used with option '--heartbeat-threshold <n>'"],
  ])('refuses %j as usage (64)', async (args, message) => {
    const r = await runOvs(['cluster-configure', ...args], host());
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain(message);
    untouched(r.host, {});
  });

  it('refuses a cluster.conf o2cb would refuse (72, with the line)', async () => {
    const files = { [CONF]: 'cluster:\n\tnode_count = 0\n\tname = ocfs2\n  # indented\n' };
    const r = await runOvs(['cluster-configure'], host({ files }));
    expect(r.exit).toBe(72);
    expect(r.stderr).toContain('ovs: cluster-configure: /etc/ocfs2/cluster.conf line 4: comments must start in column 1; this "#" is indented while reading /etc/ocfs2/cluster.conf');
    untouched(r.host, files);
  });

  it('refuses a kept node with a loopback address, pointing at the fix (65)', async () => {
    const files = { [CONF]: fixture('cluster-conf/guide-sample.conf').replace('192.168.100.101', '127.0.0.1') };
    const r = await runOvs(['cluster-configure'], host({ hostname: 'vmserver1.example.com', files }));
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain('node "vmserver2.example.com": ip_address 127.0.0.1 is a loopback address');
    expect(r.stderr).toContain('ovs: hint: give node vmserver2.example.com its own pool address: --add-node vmserver2.example.com=IPV4');
  });

  it('refuses an O2CB settings value below its minimum unless one is given (72)', async () => {
    const files = { [DEB]: 'O2CB_ENABLED=true\nO2CB_IDLE_TIMEOUT_MS=1000\n' };
    const r = await runOvs(['cluster-configure', '--node', 'ovs1'], host({ files }));
    expect(r.exit).toBe(72);
    expect(r.stderr).toContain('ovs: cluster-configure: /etc/default/o2cb: O2CB_IDLE_TIMEOUT_MS=1000 is below the minimum of 5000 while reading /etc/default/o2cb');
    expect(r.stderr).toContain('ovs: hint: give the value to use: --idle-timeout-ms N');
    untouched(r.host, files);
    const ok = await runOvs(['cluster-configure', '--node', 'ovs1', '--idle-timeout-ms', '60000'], host({ files }));
    expect(ok.exit).toBe(0);
    expect(ok.host.readText(DEB)).toMatch(/^O2CB_ENABLED=true\nO2CB_IDLE_TIMEOUT_MS=60000\n/);
  });

  it('refuses when o2cb is not installed (69)', async () => {
    const r = await runOvs(['cluster-configure', '--node', 'ovs1'], host({ services: {} }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: cluster-configure: the o2cb service is not installed (no /etc/init.d/o2cb) while checking the O2CB cluster service');
    expect(r.stderr).toContain('ovs: hint: install ocfs2-tools: apt-get install ocfs2-tools');
    untouched(r.host, {});
  });

  it('refuses while another O2CB cluster is online here (78)', async () => {
    const files = { '/sys/kernel/config/cluster/old/node/ovs1/local': '1' };
    const r = await runOvs(['cluster-configure', '--node', 'ovs1'], host({ files }));
    expect(r.exit).toBe(78);
    expect(r.stderr).toContain("another O2CB cluster 'old' is online on this host while configuring cluster 'ocfs2'");
    expect(r.stderr).toContain('`service o2cb offline old`');
    expect(r.host.exists(CONF)).toBe(false);
  });
});

describe('cluster-configure: the O2CB settings file, edited in place', () => {
  it("keeps the Debian file's comments byte for byte (docs/tools.md)", async () => {
    const original = fixture('o2cb/debian-default-o2cb');
    const r = await runOvs(['cluster-configure', '--node', 'ovs1'], host({ files: { [DEB]: original } }));
    expect(r.exit).toBe(0);
    expect(r.host.readText(DEB)).toBe(
      `${original.replace('O2CB_ENABLED=false', 'O2CB_ENABLED=true')}# O2CB_STACK: The name of the cluster stack backing O2CB.\nO2CB_STACK=o2cb\n\n`,
    );
  });

  it('keeps the RHEL file, its values, and fills the timeouts the init script left empty', async () => {
    const original = fixture('o2cb/rhel-sysconfig-o2cb');
    const files = { '/etc/sysconfig/o2cb': original };
    const r = await runOvs(['cluster-configure', '--cluster-name', 'webcluster', '--node', 'ovs1'], host({ files }));
    expect(r.exit).toBe(0);
    expect(r.host.readText('/etc/sysconfig/o2cb')).toBe(
      original.replace('O2CB_KEEPALIVE_DELAY_MS=\n', 'O2CB_KEEPALIVE_DELAY_MS=2000\n').replace('O2CB_RECONNECT_DELAY_MS=\n', 'O2CB_RECONNECT_DELAY_MS=2000\n'),
    );
  });

  it("keeps the operator's quotes and trailing comments", async () => {
    const files = { [DEB]: `# mine\nO2CB_ENABLED="true"\nexport O2CB_BOOTCLUSTER='ocfs2'\nO2CB_HEARTBEAT_THRESHOLD='31'  # pool value\nO2CB_STACK=o2cb\nO2CB_IDLE_TIMEOUT_MS=30000\nO2CB_KEEPALIVE_DELAY_MS=2000\nO2CB_RECONNECT_DELAY_MS=2000\n` };
    const r = await runOvs(['cluster-configure', '--node', 'ovs1', '--heartbeat-threshold', '61'], host({ files }));
    expect(r.host.readText(DEB)).toBe(files[DEB].replace("'31'  # pool value", "'61'  # pool value"));
  });
});

describe('cluster-configure: bringing o2cb up', () => {
  it('a failed o2cb start is 69, its files rolled back and listed (replayed /etc/init.d/o2cb output, docs/tools.md)', async () => {
    // stdout and stderr as the real script splits them (captured in a namespace with O2CB_ENABLED=true).
    const failStart = { stdout: 'checking debugfs...\nLoading filesystem "configfs": Failed\n', stderr: 'Unable to load filesystem "configfs"\n' };
    const r = await runOvs(['cluster-configure', '--node', 'ovs1'], host({ services: { o2cb: { failStart } } }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: cluster-configure: o2cb failed to start (exit 1: Unable to load filesystem "configfs") (running: none; not started: none) while starting the cluster services in order');
    expect(r.stderr).toContain('ovs: hint: the kernel cannot load configfs and the O2CB modules');
    expect(r.stderr).toMatch(/every file change made before the failure was rolled back:\n  rolled back mkdir +\/etc\/ocfs2\n  rolled back write +\/etc\/ocfs2\/cluster.conf\n  rolled back mkdir +\/etc\/default\n  rolled back write +\/etc\/default\/o2cb\n  failed +service +start o2cb/);
    expect(r.host.exists(CONF)).toBe(false);
  });

  const online = (extra: Record<string, string> = {}) => ({
    [CONF]: TWO,
    '/sys/kernel/config/cluster/ocfs2/node/ovs1.example.com/num': '0\n',
    '/sys/kernel/config/cluster/ocfs2/node/ovs1.example.com/ipv4_address': '192.168.1.11\n',
    '/sys/kernel/config/cluster/ocfs2/node/ovs1.example.com/ipv4_port': '7777\n',
    '/sys/kernel/config/cluster/ocfs2/node/ovs1.example.com/local': '1\n',
    '/sys/kernel/config/cluster/ocfs2/node/ovs2.example.com/num': '1\n',
    '/sys/kernel/config/cluster/ocfs2/node/ovs2.example.com/local': '0\n',
    '/etc/hosts': `${HOSTS}192.168.1.13 ovs3\n`,
    ...extra,
  });
  const register = (addNode = true) => ({
    argv: ['o2cb', '--config-file=/etc/ocfs2/cluster.conf', 'register-cluster', 'ocfs2'],
    respond: (_: unknown, h: MemoryHost) => {
      if (addNode) h.vol.fromJSON({ '/sys/kernel/config/cluster/ocfs2/node/ovs3/num': '2\n', '/sys/kernel/config/cluster/ocfs2/node/ovs3/local': '0\n' });
      return {};
    },
  });

  it('an online cluster is not restarted: added nodes are registered in it', async () => {
    const r = await runOvs(['--json', 'cluster-configure', '--add-node', 'ovs3'], host({ files: online(), expect: [register()] }));
    expect(r.exit).toBe(0);
    expect(r.json.result).toMatchObject({ o2cb: 'online', registered: ['ovs3'], restartNeeded: false });
    expect(r.host.serviceLog).toEqual([]);
    expect(r.host.unusedExpectations()).toEqual([]);
  });

  it('--json changed: true when the configuration is written, false on the repeat run (the cluster online, nothing run)', async () => {
    const first = await runOvs(['--json', 'cluster-configure'], host({ files: online() }));
    expect(first.exit).toBe(0);
    expect(first.json.changed).toBe(true);
    const again = await runOvs(['--json', 'cluster-configure', '--remove-node', 'ovs2.exmaple.com'], first.host);
    expect(again.json).toMatchObject({ ok: true, changed: false, changes: [] });
    expect(again.json.warnings[0]).toContain('(did you mean ovs2.example.com?)');
  });

  it('registration that does not take is 69', async () => {
    const r = await runOvs(['cluster-configure', '--add-node', 'ovs3'], host({ files: online(), expect: [register(false)] }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: cluster-configure: ovs3 still not registered after o2cb register-cluster while registering nodes in the running cluster');
  });

  it('a failing o2cb register-cluster is 69 with its message (replayed o2cb 1.8.7 output, docs/tools.md)', async () => {
    const failing = { argv: register().argv, result: { exitCode: 1, stderr: 'o2cb: Unable to access cluster service while initializing the cluster\n' } };
    const r = await runOvs(['cluster-configure', '--add-node', 'ovs3'], host({ files: online(), expect: [failing] }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('o2cb register-cluster failed (exit 1): o2cb: Unable to access cluster service while initializing the cluster while registering ovs3 in the running cluster');
  });

  it('a removal from an online cluster is reported as needing a restart', async () => {
    const r = await runOvs(['cluster-configure', '--remove-node', 'ovs2.example.com'], host({ files: online() }));
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('o2cb: already online; at boot: skipped');
    expect(r.stdout).toContain('restart needed: node ovs2.example.com was removed but is still registered in the running cluster');
    expect(r.stderr).toContain('warning: node ovs2.example.com was removed but is still registered in the running cluster: restart o2cb when the cluster can go offline');
  });
});

describe('cluster-configure: --root and --dry-run', () => {
  it("under --root uses the image's hostname, files and hosts, and records o2cb as skipped (offline)", async () => {
    const files = { '/img/etc/hostname': 'ovs2.example.com\n', '/img/etc/hosts': HOSTS, '/img/etc/init.d/o2cb': '#!/bin/sh\n', '/img/etc/sysconfig': null };
    const r = await runOvs(['--json', '--root', '/img', 'cluster-configure', '--node', 'ovs1', '--node', 'ovs2'], { hostname: 'builder', files });
    expect(r.exit).toBe(0);
    expect(r.host.readText('/img/etc/ocfs2/cluster.conf')).toBe(node('ovs1', '192.168.1.11', 0) + node('ovs2', '192.168.1.12', 1) + clusterStanza(2));
    expect(r.host.exists('/img/etc/sysconfig/o2cb')).toBe(true);
    expect(r.json.result).toMatchObject({ hostname: 'ovs2.example.com', o2cb: 'skipped (offline)' });
    expect(r.json.changes.find((c: { kind: string }) => c.kind === 'service')).toMatchObject({ service: { name: 'o2cb', action: 'start' }, result: 'skipped (offline)' });
    expect(r.host.calls).toEqual([]);
  });

  it('under --root without /etc/hostname is 72', async () => {
    const r = await runOvs(['--root', '/img', 'cluster-configure', '--node', 'ovs1'], { files: { '/img/etc/init.d/o2cb': '' } });
    expect(r.exit).toBe(72);
    expect(r.stderr).toContain('ovs: cluster-configure: /etc/hostname is missing in /img while finding the host name of the image');
  });

  it('--dry-run plans the files and the service action and changes nothing', async () => {
    const r = await runOvs(['--dry-run', 'cluster-configure', '--node', 'ovs1'], host());
    expect(r.exit).toBe(0);
    expect(r.host.exists(CONF)).toBe(false);
    expect(r.host.calls).toEqual([]);
    expect(r.stdout).toContain('o2cb: planned');
    expect(r.stdout).toContain('  write    /etc/ocfs2/cluster.conf');
    expect(r.stdout).toContain('    +\tip_address = 192.168.1.11');
    expect(r.stdout).toContain('  service  start o2cb   (service o2cb start)');
  });
});

describe('cluster-configure --import (the receiving end of propagation)', () => {
  const O2CB = { O2CB_ENABLED: 'true', O2CB_STACK: 'o2cb', O2CB_BOOTCLUSTER: 'ocfs2', O2CB_HEARTBEAT_THRESHOLD: '61', O2CB_IDLE_TIMEOUT_MS: '60000', O2CB_KEEPALIVE_DELAY_MS: '2000', O2CB_RECONNECT_DELAY_MS: '2000' };
  const bundle = (conf = TWO, o2cb: Record<string, string> = O2CB) => serializeBundle({ clusterConf: conf, o2cb });
  const node2 = (extra: MemoryHostOptions = {}) => host({ hostname: 'ovs2.example.com', ...extra });

  it('validates, writes both files, never starts o2cb, and answers with the sha256 it holds', async () => {
    const debian = fixture('o2cb/debian-default-o2cb');
    const r = await runOvs(['--json', 'cluster-configure', '--import', '-'], node2({ stdin: bundle(), files: { [DEB]: debian } }));
    expect(r.exit).toBe(0);
    const held = r.host.readText(DEB);
    expect(r.json.result).toEqual({
      mode: 'import',
      hostname: 'ovs2.example.com',
      status: 'updated',
      clusterName: 'ocfs2',
      clusterConfPath: CONF,
      clusterConfSha256: sha(r.host.readText(CONF)),
      o2cbSettingsPath: DEB,
      o2cbSettingsSha256: sha(held),
      o2cb: O2CB,
      online: false,
      registered: [],
      restartNeeded: false,
      restartReasons: [],
    });
    expect(r.host.readText(CONF)).toBe(TWO);
    expect(held.split('\n').filter((l) => l.startsWith('#'))).toEqual([...debian.split('\n').filter((l) => l.startsWith('#')), '# O2CB_STACK: The name of the cluster stack backing O2CB.']);
    expect(held).toContain('\nO2CB_HEARTBEAT_THRESHOLD=61\n');
    expect(r.host.calls).toEqual([]);
  });

  it('prints one line (status, hostname, sha256) and is unchanged the second time', async () => {
    const first = await runOvs(['cluster-configure', '--import', '-'], node2({ stdin: bundle() }));
    expect(first.stdout).toBe(`updated ovs2.example.com sha256 ${sha(TWO)}\n`);
    const again = await runOvs(['cluster-configure', '--import', '-'], first.host);
    expect(again.stdout).toBe(`unchanged ovs2.example.com sha256 ${sha(TWO)}\n`);
  });

  it('reads a bundle file; a missing one is 66', async () => {
    const ok = await runOvs(['cluster-configure', '--import', '/root/bundle'], node2({ files: { '/root/bundle': bundle() } }));
    expect(ok.exit).toBe(0);
    const r = await runOvs(['cluster-configure', '--import', '/root/nothing'], node2());
    expect(r.exit).toBe(66);
    expect(r.stderr).toContain('ovs: cluster-configure: /root/nothing: no such file while importing the cluster bundle');
  });

  it('refuses a bundle that does not name this host (78), writing nothing', async () => {
    const r = await runOvs(['cluster-configure', '--import', '-'], node2({ hostname: 'ovs3.example.com', stdin: bundle() }));
    expect(r.exit).toBe(78);
    expect(r.stderr).toContain("ovs: cluster-configure: this host (ovs3.example.com) is not a node of cluster 'ocfs2' in the bundle while importing the cluster bundle");
    untouched(r.host, {});
  });

  it.each([
    ['a truncated bundle', () => bundle().slice(0, 120), 'the bundle: line'],
    ['an altered bundle', () => bundle().replace('192.168.1.12', '192.168.1.13'), 'checksum does not match'],
    ['a loopback address', () => bundle(TWO.replace('192.168.1.12', '127.0.0.1')), 'node "ovs2.example.com": ip_address 127.0.0.1 is a loopback address'],
    ['a cluster.conf o2cb refuses', () => bundle(TWO.replace('\tname = ovs1.example.com\n', '  # x\n')), "the bundle's cluster.conf: line"],
    ['a threshold below 7', () => bundle(TWO, { ...O2CB, O2CB_HEARTBEAT_THRESHOLD: '3' }), "the bundle's O2CB settings: O2CB_HEARTBEAT_THRESHOLD=3 is below the minimum of 7"],
    ['a boot cluster it lacks', () => bundle(TWO, { ...O2CB, O2CB_BOOTCLUSTER: 'other' }), "ovs: cluster-configure: the bundle: O2CB_BOOTCLUSTER is 'other' but cluster.conf defines only 'ocfs2': O2CB would start no cluster while importing the cluster bundle"],
    ['empty input', () => '', 'not an ovs cluster bundle'],
  ])('refuses %s (65), writing nothing', async (_what, text, message) => {
    const r = await runOvs(['cluster-configure', '--import', '-'], node2({ stdin: text() }));
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain(message);
    untouched(r.host, {});
  });

  it('registers added nodes in a running cluster and reports removals as needing a restart', async () => {
    const configfs = {
      '/sys/kernel/config/cluster/ocfs2/node/ovs2.example.com/local': '1\n',
      '/sys/kernel/config/cluster/ocfs2/node/ovs2.example.com/num': '1\n',
      '/sys/kernel/config/cluster/ocfs2/node/gone/num': '5\n',
      '/sys/kernel/config/cluster/ocfs2/node/gone/local': '0\n',
    };
    const reg = {
      argv: ['o2cb', '--config-file=/etc/ocfs2/cluster.conf', 'register-cluster', 'ocfs2'],
      respond: (_: unknown, h: MemoryHost) => (h.vol.fromJSON({ '/sys/kernel/config/cluster/ocfs2/node/ovs1.example.com/local': '0\n' }), {}),
    };
    const r = await runOvs(['--json', 'cluster-configure', '--import', '-'], node2({ stdin: bundle(), files: configfs, expect: [reg] }));
    expect(r.exit).toBe(0);
    expect(r.json.result).toMatchObject({ online: true, registered: ['ovs1.example.com'], restartNeeded: true, restartReasons: ['node gone was removed but is still registered in the running cluster'] });
    expect(r.host.serviceLog).toEqual([]);
  });
});

describe('cluster-configure: enabling o2cb at boot', () => {
  it('a failing update-rc.d is a warning: o2cb is still started', async () => {
    const fail = { argv: ['update-rc.d', 'o2cb', 'defaults'], result: { exitCode: 1, stderr: 'update-rc.d: synthetic failure\n' } };
    const r = await runOvs(['--json', 'cluster-configure', '--node', 'ovs1'], host({ programs: [...DEFAULT_PROGRAMS, 'update-rc.d'], expect: [fail] }));
    expect(r.exit).toBe(0);
    expect(r.json.result).toMatchObject({ enabled: 'failed', o2cb: 'started' });
    const human = await runOvs(['cluster-configure', '--node', 'ovs1'], host({ programs: [...DEFAULT_PROGRAMS, 'update-rc.d'], expect: [fail] }));
    expect(human.stderr).toContain('warning: update-rc.d o2cb defaults failed (exit 1): update-rc.d: synthetic failure; o2cb may not start at boot');
    expect(human.stdout).toContain('at boot: failed');
  });


  it("under --root enables o2cb in the image as its chkconfig would: the script's chkconfig line decides the links", async () => {
    const script = '#!/bin/sh\n# chkconfig: 2345 24 19\n### BEGIN INIT INFO\n# Default-Start: 2 3 4 5\n# Default-Stop: 0 1 6\n### END INIT INFO\n';
    const files = { '/img/etc/hostname': 'ovs1\n', '/img/etc/init.d/o2cb': script, '/img/sbin/chkconfig': '', '/img/etc/sysconfig': null };
    const r = await runOvs(['--json', '--root', '/img', 'cluster-configure', '--node', 'ovs1=192.168.1.11'], { files, programs: [...DEFAULT_PROGRAMS, 'update-rc.d'] });
    expect(r.exit).toBe(0);
    expect(r.json.result.enabled).toBe('enabled');
    const links = ['0', '1', '2', '3', '4', '5', '6'].map((l) => (['2', '3', '4', '5'].includes(l) ? `/etc/rc${l}.d/S24o2cb` : `/etc/rc${l}.d/K19o2cb`));
    expect(r.json.changes.filter((c: { kind: string }) => c.kind === 'symlink').map((c: { path: string; target: string }) => `${c.path} -> ${c.target}`)).toEqual(links.map((l) => `${l} -> ../init.d/o2cb`));
    for (const l of links) expect(r.host.vol.readlinkSync(`/img${l}`)).toBe('../init.d/o2cb');
    expect(r.host.calls).toEqual([]);
  });

  it('under --root a systemd image with an o2cb unit: systemctl --root=IMG enable o2cb, run here (it changes only the image)', async () => {
    const files = { '/img/etc/hostname': 'ovs1\n', '/img/lib/systemd/system/o2cb.service': '[Install]\nWantedBy=multi-user.target\n', '/img/etc/systemd/system': null, '/img/etc/default': null };
    const expect_ = [{ argv: ['systemctl', '--root=/img', 'enable', 'o2cb'], respond: (_c: unknown, h: MemoryHost) => { h.vol.mkdirSync('/img/etc/systemd/system/multi-user.target.wants', { recursive: true }); h.vol.symlinkSync('/lib/systemd/system/o2cb.service', '/img/etc/systemd/system/multi-user.target.wants/o2cb.service'); return { exitCode: 0 }; } }];
    const plan = await runOvs(['--json', '--dry-run', '--root', '/img', 'cluster-configure', '--node', 'ovs1=192.168.1.11'], { files, programs: [...DEFAULT_PROGRAMS, 'systemctl'] });
    expect(plan.json.result.enabled).toBe('planned');
    const r = await runOvs(['--json', '--root', '/img', 'cluster-configure', '--node', 'ovs1=192.168.1.11'], { files, programs: [...DEFAULT_PROGRAMS, 'systemctl'], expect: expect_ });
    expect(r.exit).toBe(0);
    expect(r.json.result.enabled).toBe('enabled');
    expect(r.json.changes.find((c: { service?: { action: string } }) => c.service?.action === 'enable')).toMatchObject({ argv: ['systemctl', '--root=/img', 'enable', 'o2cb'], result: 'applied' });
    const again = await runOvs(['--json', '--root', '/img', 'cluster-configure', '--node', 'ovs1=192.168.1.11'], r.host);
    expect(again.json.result.enabled).toBe('already');
  });

  it('under --root an image already linked for boot is left alone', async () => {
    const files = { '/img/etc/hostname': 'ovs1\n', '/img/etc/init.d/o2cb': '', '/img/etc/rc3.d/S24o2cb': '' };
    const r = await runOvs(['--json', '--root', '/img', 'cluster-configure', '--node', 'ovs1=192.168.1.11'], { files });
    expect(r.json.result.enabled).toBe('already');
    expect(r.json.changes.some((c: { service?: { action: string } }) => c.service?.action === 'enable')).toBe(false);
  });
});
