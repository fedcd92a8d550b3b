import { readFileSync } from 'node:fs';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { assertValidCluster, type Cluster, isNodeName, parseUnsigned, type ClusterConfFile, parseClusterConf, serializeClusterConf, validateCluster } from '../../src/lib/formats/cluster-conf.js';
import { addNodes, findNode, newCluster, putCluster, removeNodes, setNodes } from '../../src/lib/formats/cluster-nodes.js';
import { FormatError } from '../../src/lib/formats/format-error.js';

const fixture = (path: string): string => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');

/** A cluster as `o2cb list-cluster --oneline` would summarise it (plus the cluster name). */
function summary(file: ClusterConfFile): string[] {
  return file.clusters.flatMap((c) => [
    ...c.nodes.map((n) => `${n.number} ${n.name} ${n.ipAddress}:${n.ipPort}`),
    `cluster: ${c.nodeCount} ${c.heartbeatMode} ${c.name}`,
  ]);
}

function parseError(text: string): FormatError {
  try {
    parseClusterConf(text);
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('parsed without error');
}

const stripLines = (file: ClusterConfFile): ClusterConfFile => ({
  clusters: file.clusters.map(({ line: _l, nodes, heartbeats, ...c }) => ({
    ...c,
    nodes: nodes.map(({ line: _n, ...n }) => n),
    heartbeats: heartbeats.map(({ line: _h, ...h }) => h),
  })),
});

describe('golden files written by the real o2cb', () => {
  const cases: [string, string[]][] = [
    ['01-empty-cluster.conf', ['cluster: 0 local ocfs2']],
    ['02-ovm-2node-local.conf', ['0 ovs1 192.168.1.11:7777', '1 ovs2 192.168.1.12:7777', 'cluster: 2 local ocfs2']],
    ['03-auto-number.conf', ['0 ovs1 192.168.1.11:7777', '1 ovs2 192.168.1.12:7777', '2 ovs3 192.168.1.13:7778', 'cluster: 3 local ocfs2']],
    ['04-remove-then-add.conf', ['0 ovs1 192.168.1.11:7777', '2 ovs3 192.168.1.13:7777', '1 ovs4 192.168.1.14:7777', 'cluster: 3 local ocfs2']],
    ['05-webcluster-global.conf', ['7 node7 192.168.0.107:7777', '6 node6 192.168.0.106:7777', '10 node10 192.168.0.110:7777', 'cluster: 3 global webcluster']],
    ['06-two-clusters.conf', ['0 ovs1 192.168.1.11:7777', 'cluster: 1 local ocfs2', '0 ovs9 192.168.2.19:7777', 'cluster: 1 local pool2']],
    ['07-single-node.conf', ['0 ovs1 127.0.0.1:7777', 'cluster: 1 local ocfs2']],
  ];
  it.each(cases)('%s parses to the nodes o2cb wrote', (name, expected) => {
    expect(summary(parseClusterConf(fixture(`golden/${name}`)))).toEqual(expected);
  });

  it('keeps heartbeat regions of a global cluster, with their lines', () => {
    const [c] = parseClusterConf(fixture('golden/05-webcluster-global.conf')).clusters;
    expect(c?.heartbeats).toEqual([
      { region: '77D95EF51C0149D2823674FCC162CF8B', line: 6 },
      { region: 'DCDA2845177F4D59A0F2DCD8DE507CC3', line: 10 },
      { region: 'BBA1DBD0F73F449384CE75197D9B7098', line: 14 },
    ]);
    expect(c?.nodes.map((n) => n.line)).toEqual([18, 25, 32]);
  });

  it('rewrites 02 in the canonical layout of the guide', () => {
    expect(serializeClusterConf(parseClusterConf(fixture('golden/02-ovm-2node-local.conf')))).toBe(
      'node:\n\tip_port = 7777\n\tip_address = 192.168.1.11\n\tnumber = 0\n\tname = ovs1\n\tcluster = ocfs2\n\n' +
        'node:\n\tip_port = 7777\n\tip_address = 192.168.1.12\n\tnumber = 1\n\tname = ovs2\n\tcluster = ocfs2\n\n' +
        'cluster:\n\tnode_count = 2\n\tname = ocfs2\n\n',
    );
  });

  it.each([' ovs1', 'ovs1 ', '', 'a\nb', 'ovs1\\'])('refuses to write a value that would read back differently (%j)', (name) => {
    const c = { ...newCluster('ocfs2'), nodeCount: 1, nodes: [{ name, number: 0, ipAddress: '10.0.0.1', ipPort: 7777 }] };
    expect(() => serializeClusterConf({ clusters: [c] })).toThrow(/cannot write name = /);
  });

  it('writes nodes by number, then the cluster (global mode last), then the heartbeats', () => {
    const text = serializeClusterConf(parseClusterConf(fixture('golden/05-webcluster-global.conf')));
    const headers = text.split('\n').filter((l) => l.endsWith(':'));
    expect(headers).toEqual(['node:', 'node:', 'node:', 'cluster:', 'heartbeat:', 'heartbeat:', 'heartbeat:']);
    expect(text).toContain('number = 6\n\tname = node6');
    expect(text.indexOf('node6')).toBeLessThan(text.indexOf('node7'));
    expect(text).toContain('cluster:\n\tnode_count = 3\n\tname = webcluster\n\theartbeat_mode = global\n\n');
    expect(text).toContain('heartbeat:\n\tregion = 77D95EF51C0149D2823674FCC162CF8B\n\tcluster = webcluster\n\n');
    expect(text.endsWith('\n\n')).toBe(true);
  });
});

describe('other real layouts', () => {
  it('reads the Debian example file (cluster first, other key order, no final blank line)', () => {
    const file = parseClusterConf(fixture('cluster-conf/debian-example.conf'));
    expect(summary(file)).toEqual(['7 node7 192.168.0.107:7777', '6 node6 192.168.0.106:7777', '10 node10 192.168.0.110:7777', 'cluster: 3 global webcluster']);
    expect(file.clusters[0]?.heartbeats).toHaveLength(3);
    expect(validateCluster(file.clusters[0] as Cluster)).toEqual([]);
  });

  it("reads the guide's sample, which already is the canonical layout, byte for byte", () => {
    const text = fixture('cluster-conf/guide-sample.conf');
    const file = parseClusterConf(text);
    expect(summary(file)).toEqual(['0 vmserver1.example.com 192.168.100.100:7777', '1 vmserver2.example.com 192.168.100.101:7777', 'cluster: 2 local ocfs2']);
    expect(serializeClusterConf(file)).toBe(text);
  });
});

type Expect = { ok: string[] } | { line: number; reason: RegExp };
const GOOD = ['0 ovs1 192.168.1.1:7777', 'cluster: 1 local ocfs2'];
const ONLY_CLUSTER = ['cluster: 1 local ocfs2'];

// The 38 variants of scripts/o2cb-malformed.sh; each expectation matches what the real
// o2cb 1.8.7 did with the file (fixtures/cluster-conf/malformed/o2cb-results.txt).
const MALFORMED: [string, Expect][] = [
  ['00-good', { ok: GOOD }],
  ['01-space-indent', { ok: GOOD }],
  ['02-mixed-indent', { ok: GOOD }],
  ['03-no-spaces-around-eq', { ok: GOOD }],
  ['04-aligned-eq', { ok: GOOD }],
  ['05-header-missing-colon', { line: 1, reason: /stanza header "cluster" lacks its colon/ }],
  ['06-header-trailing-garbage', { line: 1, reason: /unexpected text after "cluster:"/ }],
  ['07-header-trailing-space', { ok: GOOD }],
  ['08-header-indented', { line: 1, reason: /"cluster:" must start in column 1/ }],
  ['09-attr-missing-eq', { line: 3, reason: /attribute "name" has no "="/ }],
  ['10-blank-after-header', { line: 3, reason: /belongs to no stanza: a blank line ends a stanza/ }],
  ['11-indented-comment', { line: 4, reason: /comments must start in column 1/ }],
  ['12-col0-comment', { ok: GOOD }],
  ['13-node-missing-ip_port', { line: 5, reason: /node "ovs1" lacks "ip_port"/ }],
  ['14-node-number-nonnumeric', { line: 8, reason: /number "zero" is not a number/ }],
  ['15-cluster-missing-node_count', { line: 1, reason: /cluster "ocfs2" lacks "node_count"/ }],
  ['16-cluster-missing-name', { line: 1, reason: /cluster stanza has no "name"/ }],
  ['17-node_count-mismatch', { ok: ['0 ovs1 192.168.1.1:7777', 'cluster: 5 local ocfs2'] }],
  ['18-node-other-cluster', { ok: ONLY_CLUSTER }],
  ['19-duplicate-node-number', { ok: ['0 ovs1 192.168.1.1:7777', '0 ovs2 192.168.1.2:7777', 'cluster: 1 local ocfs2'] }],
  ['20-bad-ip', { line: 7, reason: /ip_address "999.1.1.1" is not an IPv4 address/ }],
  ['21-trailing-space-value', { ok: GOOD }],
  ['22-crlf', { line: 1, reason: /DOS \(CRLF\) line endings/ }],
  ['23-no-final-newline', { ok: GOOD }],
  ['24-bad-heartbeat-mode', { line: 4, reason: /heartbeat_mode "bogus" must be local or global/ }],
  ['25-node-before-cluster', { ok: GOOD }],
  ['26-unknown-stanza-and-attr', { ok: GOOD }],
  ['27-empty', { ok: [] }],
  ['28-value-with-space', { ok: ['0 my node 192.168.1.1:7777', 'cluster: 1 local ocfs2'] }],
  ['29-heartbeat-missing-region', { line: 12, reason: /heartbeat stanza of cluster "ocfs2" lacks "region"/ }],
  ['30-duplicate-attr', { ok: ['7 ovs1 192.168.1.1:7777', 'cluster: 1 local ocfs2'] }],
  ['31-port-out-of-range', { ok: ['0 ovs1 192.168.1.1:99999', 'cluster: 1 local ocfs2'] }],
  ['32-node-number-300', { ok: ['300 ovs1 192.168.1.1:7777', 'cluster: 1 local ocfs2'] }],
  ['33-cluster-name-dash', { ok: ['0 ovs1 192.168.1.1:7777', 'cluster: 1 local bad-name'] }],
  ['34-duplicate-cluster', { line: 5, reason: /cluster "ocfs2" is defined twice \(first at line 1\)/ }],
  ['35-header-capitalised', { ok: ONLY_CLUSTER }],
  ['36-backslash-continuation', { ok: ['0 ovs1 \n\tcontinued 192.168.1.1:7777', 'cluster: 1 local ocfs2'] }],
  ['37-no-blank-between-stanzas', { ok: GOOD }],
];

// Further cases measured against the real o2cb for this module (fixtures/cluster-conf/edge).
const EDGE: [string, Expect][] = [
  ['40-cr-at-attribute-end', { ok: GOOD }],
  ['41-number-plus-sign', { ok: ['5 ovs1 192.168.1.1:7777', 'cluster: 1 local ocfs2'] }],
  ['42-number-leading-zero', { ok: ['5 ovs1 192.168.1.1:7777', 'cluster: 1 local ocfs2'] }],
  ['43-number-negative', { line: 8, reason: /number -1 is out of range/ }],
  ['44-number-int-max', { line: 8, reason: /number 2147483647 is out of range/ }],
  ['45-number-int-max-minus-1', { ok: ['2147483646 ovs1 192.168.1.1:7777', 'cluster: 1 local ocfs2'] }],
  ['46-port-uint-max', { ok: ['0 ovs1 192.168.1.1:4294967295', 'cluster: 1 local ocfs2'] }],
  ['47-port-above-uint-max', { line: 6, reason: /ip_port 4294967296 is out of range/ }],
  ['48-port-zero', { ok: ['0 ovs1 192.168.1.1:0', 'cluster: 1 local ocfs2'] }],
  ['49-duplicate-node-name', { line: 12, reason: /node "ovs1" appears twice/ }],
  ['50-ip-leading-zero', { line: 7, reason: /"192.168.01.1" is not an IPv4 address/ }],
  ['51-ip-three-octets', { line: 7, reason: /"192.168.1" is not an IPv4 address/ }],
  ['52-ipv6', { line: 7, reason: /"::1" is not an IPv4 address/ }],
  ['53-node-count-not-number', { line: 2, reason: /node_count "abc" is not a number/ }],
  ['54-heartbeat-mode-uppercase', { ok: ['cluster: 0 global ocfs2'] }],
  ['55-heartbeat-mode-empty', { line: 4, reason: /heartbeat_mode "" must be local or global/ }],
  ['56-node-without-cluster-key', { ok: ONLY_CLUSTER }],
  ['57-node-name-empty', { line: 9, reason: /"name" is empty/ }],
  ['58-heartbeat-without-cluster-key', { ok: ['cluster: 0 local ocfs2'] }],
  ['59-heartbeat-region-empty', { line: 6, reason: /"region" is empty/ }],
  ['60-heartbeat-duplicate-region', { line: 10, reason: /region A1 appears twice/ }],
  ['61-bad-node-of-other-cluster', { ok: GOOD }],
  ['62-comment-inside-stanza', { ok: ['cluster: 0 local ocfs2'] }],
  ['63-space-before-colon', { line: 1, reason: /must be followed directly by ":"/ }],
  ['64-numeric-header', { ok: ['cluster: 0 local ocfs2'] }],
  ['65-dash-in-key', { line: 4, reason: /"foo" is followed by "-" instead of "="/ }],
  ['66-attribute-before-header', { line: 1, reason: /before the first stanza header/ }],
  ['67-whitespace-line-ends-stanza', { line: 4, reason: /a blank line ends a stanza/ }],
  ['68-backslash-inside-value', { ok: ['cluster: 0 local oc\\fs2'] }],
  ['69-backslash-at-eof', { ok: ['cluster: 0 local ocfs2'] }],
  ['70-backslashes-then-continuation', { ok: ['cluster: 0 local a\\\\\nb'] }],
  ['71-two-clusters-case-differs', { ok: ['cluster: 0 local ocfs2', 'cluster: 0 local OCFS2'] }],
  ['72-bad-node-in-second-cluster', { line: 9, reason: /node "x" lacks "number"/ }],
  ['73-empty-cluster-name', { ok: ['cluster: 0 local '] }],
  ['74-utf8-node-name', { ok: ['0 é 192.168.1.1:7777', 'cluster: 1 local ocfs2'] }],
  ['75-non-ascii-header', { line: 1, reason: /found "é"/ }],
  ['76-whitespace-only-file', { ok: [] }],
  ['77-crlf-blank-line', { line: 4, reason: /CRLF/ }],
  ['78-crlf-no-blank-lines', { line: 1, reason: /DOS \(CRLF\) line endings/ }],
];

describe.each([
  ['malformed', MALFORMED],
  ['edge', EDGE],
] as const)('the %s variants', (dir, table) => {
  it.each(table)('%s', (name, expected) => {
    const text = fixture(`cluster-conf/${dir}/${name}.conf`);
    if ('ok' in expected) {
      expect(summary(parseClusterConf(text))).toEqual(expected.ok);
    } else {
      const e = parseError(text);
      expect(e.line).toBe(expected.line);
      expect(e.reason).toMatch(expected.reason);
    }
  });
});

describe('validateCluster: the documented rules o2cb lets through', () => {
  const text = (nodes: string, count = 1, name = 'ocfs2'): string =>
    `cluster:\n\tnode_count = ${count}\n\tname = ${name}\n\n${nodes}`;
  const node = (name: string, ip: string, num: number | string, port: number | string = 7777, cluster = 'ocfs2'): string =>
    `node:\n\tip_port = ${port}\n\tip_address = ${ip}\n\tnumber = ${num}\n\tname = ${name}\n\tcluster = ${cluster}\n\n`;
  const problems = (t: string) => validateCluster(parseClusterConf(t).clusters[0] as Cluster);

  it('accepts a sound two-node pool', () => {
    expect(problems(text(node('ovs1', '10.0.0.1', 0) + node('ovs2.example.com', '10.0.0.2', 1), 2))).toEqual([]);
  });
  it.each([
    ['duplicate numbers', text(node('a', '10.0.0.1', 0) + node('b', '10.0.0.2', 0), 2), 12, /node "b": number 0 is also used by node "a"/],
    ['number 300', text(node('a', '10.0.0.1', 300)), 5, /node "a": number 300 is outside 0–254/],
    ['number 255', text(node('a', '10.0.0.1', 255)), 5, /outside 0–254/],
    ['loopback address', text(node('a', '127.0.0.1', 0)), 5, /node "a": ip_address 127.0.0.1 is a loopback address/],
    ['loopback 127.1.2.3', text(node('a', '127.1.2.3', 0)), 5, /loopback/],
    ['0.0.0.0', text(node('a', '0.0.0.0', 0)), 5, /0.0.0.0 is not a usable address/],
    ['duplicate address', text(node('a', '10.0.0.1', 0) + node('b', '10.0.0.1', 1), 2), 12, /node "b": ip_address 10.0.0.1 is also used by node "a"/],
    ['port 99999', text(node('a', '10.0.0.1', 0, 99999)), 5, /ip_port 99999 is outside 1–65535/],
    ['port 0', text(node('a', '10.0.0.1', 0, 0)), 5, /ip_port 0 is outside/],
    ['name with a space', text(node('my node', '10.0.0.1', 0)), 5, /node "my node": the name must be a host name/],
    ['name with an underscore', text(node('ovs_1', '10.0.0.1', 0)), 5, /host name/],
    ['name of 65 characters', text(node('a'.repeat(65), '10.0.0.1', 0)), 5, /host name of 1–64/],
    ['names differing in case', text(node('OVS1', '10.0.0.1', 0) + node('ovs1', '10.0.0.2', 1), 2), 12, /also used by node "OVS1"/],
    ['node_count 5 for 1 node', text(node('a', '10.0.0.1', 0), 5), 1, /node_count is 5 but there are 1 node stanzas/],
    ['cluster name with a dash', text('', 0, 'bad-name'), 1, /cluster name "bad-name" must be 1–16 letters or digits/],
    ['cluster name of 17 characters', text('', 0, 'abcdefghijklmnopq'), 1, /1–16/],
  ])('rejects %s, with the line', (_what, t, line, message) => {
    const [first] = problems(t);
    expect(first?.line).toBe(line);
    expect(first?.message).toMatch(message);
  });
  it('accepts a 64-character name (labels of at most 63) and a 16-character cluster name', () => {
    expect(problems(text(node(`${'a'.repeat(31)}.${'b'.repeat(32)}`, '10.0.0.1', 0, 7777, 'abcdefghijklmnop'), 1, 'abcdefghijklmnop'))).toEqual([]);
  });
  it('assertValidCluster throws the first problem as a FormatError with the line and the count', () => {
    const c = parseClusterConf(text(node('a', '127.0.0.1', 300), 3)).clusters[0] as Cluster;
    expect(() => assertValidCluster(c)).toThrow(FormatError);
    expect(() => assertValidCluster(c)).toThrow(/^line 5: node "a": number 300 is outside 0–254 \(and 2 more problems\)$/);
  });
  it('flags the single-node golden file (the guide\'s most common failure: 127.0.0.1)', () => {
    const c = parseClusterConf(fixture('golden/07-single-node.conf')).clusters[0] as Cluster;
    expect(validateCluster(c)).toEqual([{ message: expect.stringMatching(/loopback/), line: 6 }]);
  });
});

describe('node list edits keep every number stable', () => {
  const ip = (n: number) => `192.168.1.${n}`;
  it('replays golden 04 (add three, remove ovs2, add ovs4) to the numbers o2cb chose', () => {
    let c = addNodes(newCluster('ocfs2'), [1, 2, 3].map((n) => ({ name: `ovs${n}`, ipAddress: ip(10 + n) })));
    c = addNodes(removeNodes(c, ['ovs2']), [{ name: 'ovs4', ipAddress: ip(14) }]);
    const golden = parseClusterConf(fixture('golden/04-remove-then-add.conf'));
    expect(stripLines({ clusters: [c] })).toEqual(stripLines(golden));
  });
  it('gives automatic numbers around explicit ones, whatever the order of the request', () => {
    const c = addNodes(newCluster('ocfs2'), [
      { name: 'a', ipAddress: ip(1) },
      { name: 'b', ipAddress: ip(2), number: 0 },
      { name: 'c', ipAddress: ip(3) },
    ]);
    expect(c.nodes.map((n) => [n.name, n.number])).toEqual([['a', 1], ['b', 0], ['c', 2]]);
    expect(c.nodeCount).toBe(3);
  });
  it('updates the address of a node already present (matched without case) and keeps its number', () => {
    const c0 = parseClusterConf(fixture('golden/05-webcluster-global.conf')).clusters[0] as Cluster;
    const c = addNodes(c0, [{ name: 'NODE6', ipAddress: '10.0.0.6' }]);
    expect(findNode(c, 'node6')).toMatchObject({ name: 'node6', number: 6, ipAddress: '10.0.0.6', ipPort: 7777 });
    expect(c.nodes).toHaveLength(3);
  });
  it('refuses to renumber a node, to reuse a number, to repeat a name, and past 255 nodes', () => {
    const c = addNodes(newCluster('ocfs2'), [{ name: 'a', ipAddress: ip(1) }]);
    expect(() => addNodes(c, [{ name: 'a', ipAddress: ip(1), number: 4 }])).toThrow(/already has number 0; a node's number never changes/);
    expect(() => addNodes(c, [{ name: 'b', ipAddress: ip(2), number: 0 }])).toThrow(/number 0 is already used by node "a"/);
    expect(() => addNodes(c, [{ name: 'b', ipAddress: ip(2) }, { name: 'B', ipAddress: ip(3) }])).toThrow(/given twice/);
    const full = addNodes(newCluster('big'), Array.from({ length: 255 }, (_, i) => ({ name: `n${i}`, ipAddress: `10.0.${i >> 8}.${i & 255}` })));
    expect(() => addNodes(full, [{ name: 'one-more', ipAddress: '10.1.0.1' }])).toThrow(/no free node number/);
  });
  it('setNodes drops the absent, keeps the present at their numbers, fills the lowest free number', () => {
    const c0 = parseClusterConf(fixture('golden/03-auto-number.conf')).clusters[0] as Cluster;
    const c = setNodes(c0, [
      { name: 'ovs3', ipAddress: '192.168.1.13' },
      { name: 'ovs5', ipAddress: '192.168.1.15' },
      { name: 'ovs1', ipAddress: '192.168.1.11' },
    ]);
    expect(c.nodes.map((n) => `${n.number} ${n.name}:${n.ipPort}`)).toEqual(['0 ovs1:7777', '2 ovs3:7778', '1 ovs5:7777']);
    expect(c.nodeCount).toBe(3);
    expect(removeNodes(c, ['nosuch'])).toEqual(c);
  });
  it('putCluster replaces a cluster by name or appends it', () => {
    const file = parseClusterConf(fixture('golden/06-two-clusters.conf'));
    const changed = putCluster(file, newCluster('pool2'));
    expect(changed.clusters.map((c) => [c.name, c.nodes.length])).toEqual([['ocfs2', 1], ['pool2', 0]]);
    expect(putCluster(file, newCluster('pool3')).clusters).toHaveLength(3);
  });
});

describe('properties', () => {
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
  const nodeArb = fc.record({
    name: fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join('.')),
    ipAddress: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.')),
    ipPort: fc.integer({ min: 1, max: 65535 }),
  });
  const clusterArb = fc
    .record({
      name: fc.stringMatching(/^[A-Za-z0-9]{1,16}$/),
      heartbeatMode: fc.constantFrom('local' as const, 'global' as const),
      nodes: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 254 }), nodeArb), { selector: ([n]) => `${n}`, maxLength: 20 }),
      heartbeats: fc.uniqueArray(fc.stringMatching(/^[0-9A-F]{32}$/), { maxLength: 3 }),
    })
    .filter((c) => new Set(c.nodes.map(([, n]) => n.name)).size === c.nodes.length)
    .map((c) => ({
      name: c.name,
      heartbeatMode: c.heartbeatMode,
      nodeCount: c.nodes.length,
      nodes: c.nodes.map(([number, n]) => ({ ...n, number })).sort((a, b) => a.number - b.number),
      heartbeats: c.heartbeats.map((region) => ({ region })),
    }));
  const fileArb = fc.uniqueArray(clusterArb, { selector: (c) => c.name, maxLength: 3 }).map((clusters) => ({ clusters }));

  it('serialize then parse gives the same data', () => {
    fc.assert(
      fc.property(fileArb, (file) => {
        expect(stripLines(parseClusterConf(serializeClusterConf(file)))).toEqual(file);
      }),
    );
  });

  it('serialize is a fixed point of parse∘serialize', () => {
    fc.assert(
      fc.property(fileArb, (file) => {
        const text = serializeClusterConf(file);
        expect(serializeClusterConf(parseClusterConf(text))).toBe(text);
      }),
    );
  });

  it('arbitrary text either parses or fails with a FormatError carrying a line', () => {
    const chunk = fc.constantFrom('cluster:', 'node:', '\tname = x', '\tnumber = 1', ' ', '\n', '\\', '#', '=', ':', '\r', 'a', '\t');
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 40 }).map((a) => a.join('')), (text) => {
        try {
          parseClusterConf(text);
        } catch (e) {
          expect(e).toBeInstanceOf(FormatError);
          expect((e as FormatError).line).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('isNodeName, one regex', () => {
  // The rule as documented: 1-64 characters, dot-separated labels of 1-63 letters, digits and inner hyphens.
  const rule = (name: string) => name.length >= 1 && name.length <= 64 && name.split('.').every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(l) && l.length <= 63);
  it('agrees with the rule as documented on random names', () => {
    const chars = fc.constantFrom(...'ab9-.-.Z_ '.split(''));
    fc.assert(fc.property(fc.array(chars, { maxLength: 70 }).map((a) => a.join('')), (n) => isNodeName(n) === rule(n)), { numRuns: 20000 });
    for (const n of ['a'.repeat(63), 'a'.repeat(64), `${'a'.repeat(63)}.b`, `${'a'.repeat(62)}.b`, 'a-b.c-d', '-a', 'a-', 'a..b']) expect(isNodeName(n), n).toBe(rule(n));
  });
});

describe('parseUnsigned, by character', () => {
  // strtoul's reading as a regex: leading white space, a sign, digits to the end.
  const rule = (v: string, max: number) => {
    const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(v);
    if (!m) return 'invalid';
    const n = Number(m[2]);
    if (m[1] === '-' && n !== 0) return 'range';
    return n > max ? 'range' : n;
  };
  it('agrees with the regex on random values', () => {
    const chars = fc.constantFrom(...'0123456789+- \tx\r'.split(''));
    fc.assert(fc.property(fc.array(chars, { maxLength: 14 }).map((a) => a.join('')), fc.constantFrom(254, 65535, 4294967295), (v, max) => parseUnsigned(v, max) === rule(v, max)), { numRuns: 20000 });
  });
});
