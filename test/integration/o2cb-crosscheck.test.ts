/**
 * Our cluster.conf reader and writer against the real `o2cb` of ocfs2-tools, on the same
 * files: what we write, o2cb reads with the same nodes; what o2cb refuses, we refuse; and
 * what o2cb lets through but the documented rules forbid, our validator catches.
 * `--config-file` keeps o2cb away from /etc/ocfs2 (it must come before the subcommand).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { assertValidCluster, type Cluster, type ClusterConfFile, parseClusterConf, serializeClusterConf, validateCluster } from '../../src/lib/formats/cluster-conf.js';
import { addNodes, newCluster } from '../../src/lib/formats/cluster-nodes.js';
import { FormatError } from '../../src/lib/formats/format-error.js';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools, findTool } from '../helpers/tools.js';

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function o2cb(file: string, ...args: string[]): Run {
  const r = spawnSync(findTool('o2cb') ?? 'o2cb', [`--config-file=${file}`, ...args], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  // A segfault (o2cb on a cluster stanza without a name) has no status, only a signal.
  return { status: r.status ?? 128 + 11, stdout: r.stdout, stderr: r.stderr };
}

/** `list-cluster NAME --oneline`, which exits 0 even for an unknown cluster: stderr tells. */
function listCluster(file: string, name: string): string {
  const r = o2cb(file, 'list-cluster', name, '--oneline');
  if (r.status !== 0 || r.stderr !== '') throw new Error(`o2cb list-cluster ${name}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

interface Listed {
  nodes: { number: number; name: string; ipAddress: string; ipPort: number }[];
  cluster: string;
  heartbeats: string[];
}

/** The oneline layout: `node: %d %s %s:%d %s`, `cluster: %d %s %s`, `heartbeat: %s %s`. */
function parseOneline(out: string, clusterName: string): Listed {
  const listed: Listed = { nodes: [], cluster: '', heartbeats: [] };
  for (const line of out.split('\n').filter(Boolean)) {
    const node = /^node: (-?\d+) (\S+) ([\d.]+):(-?\d+) (\S+)$/.exec(line);
    const hb = /^heartbeat: (\S+) (\S+)$/.exec(line);
    if (node && node[5] === clusterName) {
      listed.nodes.push({ number: Number(node[1]), name: node[2] as string, ipAddress: node[3] as string, ipPort: Number(node[4]) });
    } else if (hb && hb[2] === clusterName) listed.heartbeats.push(hb[1] as string);
    else if (line.startsWith('cluster: ')) listed.cluster = line;
    else throw new Error(`unexpected list-cluster line: ${line}`);
  }
  return listed;
}

/** What o2cb prints for a cluster we parsed (it formats numbers with %d, hence `| 0`). */
function oneline(c: Cluster): string {
  const lines = [
    ...c.heartbeats.map((h) => `heartbeat: ${h.region} ${c.name}`),
    ...c.nodes.map((n) => `node: ${n.number | 0} ${n.name} ${n.ipAddress}:${n.ipPort | 0} ${c.name}`),
    `cluster: ${c.nodeCount} ${c.heartbeatMode} ${c.name}`,
  ];
  return lines.map((l) => `${l}\n`).join('');
}

function ours(text: string): ClusterConfFile | FormatError {
  try {
    return parseClusterConf(text);
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
}

/** Both readers see the same clusters, and list the same nodes for each. */
function expectSameAsO2cb(file: string, parsed: ClusterConfFile): void {
  const clusters = o2cb(file, 'list-clusters');
  expect(clusters.status).toBe(0);
  expect(clusters.stdout).toBe(parsed.clusters.map((c) => `${c.name}\n`).join(''));
  for (const c of parsed.clusters) expect(listCluster(file, c.name)).toBe(oneline(c));
}

const pool = (count: number, mode: 'local' | 'global' = 'local'): Cluster =>
  addNodes(
    newCluster('ovspool', mode),
    Array.from({ length: count }, (_, i) => ({ name: `ovs${i}.example.com`, ipAddress: `10.1.${i >> 8}.${(i & 255) + 1}`, ipPort: 7777 + (i % 3) })),
  );

describeWithTools(['o2cb'], 'cluster.conf against the real o2cb', () => {
  let dir: { path: string; remove: () => void };
  let seq = 0;
  const write = (text: string): string => {
    const file = join(dir.path, `case-${seq++}.conf`);
    writeFileSync(file, text);
    return file;
  };
  beforeAll(() => {
    dir = scratchDir('o2cb-crosscheck');
  });
  afterAll(() => dir.remove());

  it.each([1, 2, 16, 255])('a %i-node file we write lists the same nodes in o2cb', (count) => {
    const cluster = pool(count);
    assertValidCluster(cluster);
    const file = write(serializeClusterConf({ clusters: [cluster] }));
    const listed = parseOneline(listCluster(file, 'ovspool'), 'ovspool');
    expect(listed.cluster).toBe(`cluster: ${count} local ovspool`);
    expect(listed.nodes).toEqual(cluster.nodes.map(({ number, name, ipAddress, ipPort }) => ({ number, name, ipAddress, ipPort })));
  });

  it('a global cluster with heartbeat regions survives a rewrite by o2cb itself', () => {
    const cluster = { ...pool(3, 'global'), heartbeats: [{ region: '77D95EF51C0149D2823674FCC162CF8B' }, { region: 'DCDA2845177F4D59A0F2DCD8DE507CC3' }] };
    const file = write(serializeClusterConf({ clusters: [cluster] }));
    expect(parseOneline(listCluster(file, 'ovspool'), 'ovspool').heartbeats).toEqual(cluster.heartbeats.map((h) => h.region));
    const add = o2cb(file, 'add-node', 'ovspool', 'ovs9', '--ip', '10.1.0.99', '--number', '9');
    expect(add.status).toBe(0);
    const reread = parseClusterConf(readFileSync(file, 'utf8'));
    expectSameAsO2cb(file, reread);
    expect(reread.clusters[0]?.nodes.map((n) => n.number)).toEqual([0, 1, 2, 9]);
  });

  const golden = readdirSync(join(FIXTURES, 'golden')).filter((f) => f.endsWith('.conf'));
  it.each(golden)('golden %s parses to the nodes o2cb lists', (name) => {
    const file = join(FIXTURES, 'golden', name);
    const parsed = parseClusterConf(readFileSync(file, 'utf8'));
    expectSameAsO2cb(file, parsed);
    for (const c of parsed.clusters) {
      const listed = parseOneline(listCluster(file, c.name), c.name);
      expect(listed.nodes).toEqual(c.nodes.map(({ number, name: n, ipAddress, ipPort }) => ({ number, name: n, ipAddress, ipPort })));
    }
  });

  it('our oneline rendering matches the stored o2cb output of the golden files', () => {
    for (const [conf, name] of [['02-ovm-2node-local', 'ocfs2'], ['05-webcluster-global', 'webcluster']]) {
      const c = parseClusterConf(readFileSync(join(FIXTURES, 'golden', `${conf}.conf`), 'utf8')).clusters.find((x) => x.name === name);
      expect(oneline(c as Cluster)).toBe(readFileSync(join(FIXTURES, 'golden', `${conf}.list-cluster-oneline.txt`), 'utf8'));
    }
  });

  const variants = ['malformed', 'edge'].flatMap((d) =>
    readdirSync(join(FIXTURES, 'cluster-conf', d))
      .filter((f) => f.endsWith('.conf'))
      .map((f) => join(d, f)),
  );
  it.each(variants)('%s: we refuse exactly what o2cb refuses, and otherwise read the same', (variant) => {
    const file = join(FIXTURES, 'cluster-conf', variant);
    const real = o2cb(file, 'list-clusters');
    const mine = ours(readFileSync(file, 'utf8'));
    if (real.status !== 0) {
      expect(mine, `o2cb refused it (exit ${real.status}: ${real.stderr.trim()})`).toBeInstanceOf(FormatError);
    } else {
      expect(mine, 'o2cb accepted it').not.toBeInstanceOf(FormatError);
      expectSameAsO2cb(file, mine as ClusterConfFile);
    }
  });

  it.each([
    ['duplicate node numbers', 'cluster-conf/malformed/19-duplicate-node-number.conf', /number 0 is also used/],
    ['node number 300', 'cluster-conf/malformed/32-node-number-300.conf', /outside 0–254/],
    ['a loopback address', 'golden/07-single-node.conf', /loopback/],
    ['a wrong node_count', 'cluster-conf/malformed/17-node_count-mismatch.conf', /node_count is 5 but there are 1/],
    ['port 99999', 'cluster-conf/malformed/31-port-out-of-range.conf', /outside 1–65535/],
    ['a cluster name with a dash', 'cluster-conf/malformed/33-cluster-name-dash.conf', /1–16 letters or digits/],
  ])('o2cb accepts %s; our validator does not', (_what, path, message) => {
    const file = join(FIXTURES, path);
    const parsed = parseClusterConf(readFileSync(file, 'utf8'));
    expectSameAsO2cb(file, parsed);
    const messages = parsed.clusters.flatMap((c) => validateCluster(c).map((p) => p.message));
    expect(messages.some((m) => message.test(m)), messages.join('; ')).toBe(true);
  });
});
