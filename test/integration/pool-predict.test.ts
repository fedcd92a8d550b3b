/**
 * cluster-check's failure predictors on the simulated pool (test/helpers/test-hosts.sh):
 * four hosts in their own network namespaces, real TCP and real OpenSSH.
 * o2net.reachable from vmserver1: vmserver2 has nothing on 7777 (refused: the path is open,
 * PASS); vmserver3 is unplugged (its link down: no answer, FAIL naming it); vmserver4's
 * "o2net port" is its sshd's 22 (accepted, PASS).
 * --all-nodes: each member reports its cluster root and O2CB timeouts over ssh (ovs
 * pool-identity); vmserver3 registered with another cluster root, vmserver4 with another
 * idle timeout, each FAILs by name.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { snapshotBuild, startTestHosts, TEST_HOSTS_TOOLS, type TestPool } from '../helpers/test-hosts.js';
import { describeWithTools } from '../helpers/tools.js';

const REPO = join(import.meta.dirname, '..', '..');
const CLUSTER = 'ovspred';

function clusterConf(ports: number[]): string {
  const nodes = ports.flatMap((port, i) => ['node:', `\tip_port = ${port}`, `\tip_address = 10.254.0.${11 + i}`, `\tnumber = ${i}`, `\tname = vmserver${i + 1}`, `\tcluster = ${CLUSTER}`, '']);
  return [...nodes, 'cluster:', `\tnode_count = ${ports.length}`, `\tname = ${CLUSTER}`, '', ''].join('\n');
}

const ROOT = '0004FB00000500003E2D7C9A1B2C3D4E';
const OTHER = '0004FB0000050000AAAABBBBCCCCDDDD';
const registry = (uuid: string, source: string) => `${uuid} nfs C ${source} cluster root\n`;

describeWithTools(TEST_HOSTS_TOOLS, 'o2net reachability and --all-nodes identity (test hosts in namespaces)', () => {
  let pool: TestPool;
  const SNAPSHOT = join(REPO, '.scratch', 'test-hosts-ovspred-ovs');

  beforeAll(() => {
    const ovs = snapshotBuild(REPO, SNAPSHOT);
    pool = startTestHosts({ n: 4, prefix: 'ovspred', statedir: join(REPO, '.scratch', 'test-hosts-ovspred'), repo: ovs });
    writeFileSync(join(pool.host(1).dir, 'etc-ocfs2', 'cluster.conf'), clusterConf([7777, 7777, 7777, 22]));
    pool.writeFile(1, '/etc/default/o2cb', `O2CB_ENABLED=true\nO2CB_STACK=o2cb\nO2CB_BOOTCLUSTER=${CLUSTER}\n`);
  });
  afterAll(() => {
    pool?.stop();
    rmSync(SNAPSHOT, { recursive: true, force: true });
  });

  const o2net = () => {
    const r = pool.ovs(1, ['--json', 'cluster-check']);
    const checks = (JSON.parse(r.stdout).result.checks as { id: string; status: string; message: string; hint: string }[]).filter((c) => c.id.startsWith('o2net.'));
    return { checks, ms: r.ms };
  };

  it('every node answers: refused (nothing on 7777) and accepted (port 22) both PASS', () => {
    const { checks } = o2net();
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['o2net.reachable:vmserver2', 'PASS'],
      ['o2net.reachable:vmserver3', 'PASS'],
      ['o2net.reachable:vmserver4', 'PASS'],
    ]);
    expect(checks[0]?.message).toBe('vmserver2 answers on 10.254.0.12:7777 (refused: o2cb not running there, but the network path is open)');
    expect(checks[2]?.message).toBe('vmserver4 accepts o2net connections on 10.254.0.14:22');
  });

  it('vmserver3 unplugged: FAIL naming the node, its address and port and the likely cause; the others still PASS', () => {
    pool.fail(3, 'unreachable');
    try {
      const { checks, ms } = o2net();
      console.log(`cluster-check with vmserver3 unplugged: ${Math.round(ms)} ms; ${JSON.stringify(checks[1])}`);
      expect(checks.map((c) => [c.id, c.status])).toEqual([
        ['o2net.reachable:vmserver2', 'PASS'],
        ['o2net.reachable:vmserver3', 'FAIL'],
        ['o2net.reachable:vmserver4', 'PASS'],
      ]);
      expect(checks[1]?.message).toMatch(/^o2net cannot reach vmserver3 at 10\.254\.0\.13:7777: (no answer within 3 s \(a firewall dropping TCP port 7777, or the node is down\)|network unreachable \(no route to 10\.254\.0\.13\))$/);
      expect(checks[1]?.hint).toMatch(/vmserver3 is up|ip route get 10\.254\.0\.13/);
    } finally {
      pool.heal(3);
    }
  });

  it('--all-nodes over real OpenSSH: a member with another cluster root and one with another idle timeout FAIL by name', () => {
    const conf = clusterConf([7777, 7777, 7777, 7777]);
    const o2cb = (idle: number) => `O2CB_ENABLED=true\nO2CB_STACK=o2cb\nO2CB_BOOTCLUSTER=${CLUSTER}\nO2CB_IDLE_TIMEOUT_MS=${idle}\n`;
    for (const k of [1, 2, 3, 4]) {
      writeFileSync(join(pool.host(k).dir, 'etc-ocfs2', 'cluster.conf'), conf);
      pool.writeFile(k, '/etc/default/o2cb', o2cb(k === 4 ? 60000 : 30000));
      pool.writeFile(k, '/etc/ovs/repositories', k === 3 ? registry(OTHER, 'filer2:/OVS') : registry(ROOT, 'filer:/OVS'));
    }
    const r = pool.ovs(1, ['--json', 'cluster-check', '--all-nodes', '--ssh-identity', pool.key, '--connect-timeout', '2']);
    const checks = (JSON.parse(r.stdout).result.checks as { id: string; status: string; message: string; hint: string }[]).filter((c) => /^pool\.same-(root|timeouts)/.test(c.id));
    console.log(`--all-nodes with pool-identity over ssh: ${Math.round(r.ms)} ms`);
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['pool.same-root:vmserver2', 'PASS'],
      ['pool.same-timeouts:vmserver2', 'PASS'],
      ['pool.same-root:vmserver3', 'FAIL'],
      ['pool.same-timeouts:vmserver3', 'PASS'],
      ['pool.same-root:vmserver4', 'PASS'],
      ['pool.same-timeouts:vmserver4', 'FAIL'],
    ]);
    expect(checks[2]?.message).toBe(`vmserver3 uses another cluster root than vmserver1: cluster root uuid ${ROOT} here, ${OTHER} there; cluster root source filer:/OVS here, filer2:/OVS there`);
    expect(checks[2]?.hint).toMatch(/^on vmserver3: ovs offlinerepo -d 0004FB0000050000AAAABBBBCCCCDDDD if it has another, then ovs makerepo filer:\/OVS C "cluster root"/);
    expect(checks[5]?.message).toBe("vmserver4's O2CB timeouts differ (nodes with different timeouts refuse each other): O2CB_IDLE_TIMEOUT_MS 30000 here, 60000 there");
  });
});
