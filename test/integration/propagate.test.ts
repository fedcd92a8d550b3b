/**
 * `ovs cluster-check --master --propagate` and `--all-nodes` over real OpenSSH: ten test
 * hosts (test/helpers/test-hosts.sh), each with its own network namespace, host name,
 * address, /etc (overlay), /etc/ocfs2, /var and a real sshd; every host runs this
 * repository's built ovs (`npm run build` first). The master is vmserver1, run inside its
 * host; vmserver2..4 make the pool of three-then-four, all ten serve the failure cases.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotBuild, startTestHosts, TEST_HOSTS_TOOLS, type TestPool } from '../helpers/test-hosts.js';
import { describeWithTools } from '../helpers/tools.js';

const REPO = join(import.meta.dirname, '..', '..');
const CLUSTER = 'ovsprop';
const CONF_PATH = '/etc/ocfs2/cluster.conf';

/** cluster.conf in ovs's canonical layout for vmserver1..n (K at 10.254.0.(10+K)). */
function clusterConf(hosts: number[], port = 7777): string {
  const nodes = hosts.flatMap((k, i) => ['node:', `\tip_port = ${port}`, `\tip_address = 10.254.0.${10 + k}`, `\tnumber = ${i}`, `\tname = vmserver${k}`, `\tcluster = ${CLUSTER}`, '']);
  return [...nodes, 'cluster:', `\tnode_count = ${hosts.length}`, `\tname = ${CLUSTER}`, '', ''].join('\n');
}
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describeWithTools(TEST_HOSTS_TOOLS, 'propagation over real OpenSSH (test hosts in namespaces)', () => {
  let pool: TestPool;

  /** The master's run, inside vmserver1, with the test key; --json document + exit. */
  function master(args: string[], extra: string[] = []) {
    const r = pool.ovs(1, ['--json', ...args, '--ssh-identity', pool.key, '--connect-timeout', '2', ...extra]);
    return { ...r, json: JSON.parse(r.stdout) };
  }
  const propagate = (extra: string[] = []) => master(['cluster-check', '--master', '--propagate'], extra);
  const rows = (json: any) => (json.result.propagation.members as any[]).map((m) => [m.node, m.result]);
  const member = (json: any, node: string) => (json.result.propagation.members as any[]).find((m) => m.node === node);
  /** The master's cluster.conf, written from outside (its /etc/ocfs2 is a plain bind-mounted directory). */
  const setMasterConf = (hosts: number[], port?: number) => writeFileSync(join(pool.host(1).dir, 'etc-ocfs2', 'cluster.conf'), clusterConf(hosts, port));
  const poolChecks = (json: any) => (json.result.checks as any[]).filter((c) => c.id.startsWith('pool.same-config')).map((c) => [c.id, c.status]);

  beforeAll(() => {
    const statedir = join(REPO, '.scratch', 'test-hosts-propagate');
    const ovs = snapshotBuild(REPO, join(REPO, '.scratch', 'test-hosts-propagate-ovs'));
    pool = startTestHosts({ n: 10, prefix: 'ovsprop', statedir, repo: ovs });
    pool.writeFile(1, '/etc/default/o2cb', `O2CB_ENABLED=true\nO2CB_STACK=o2cb\nO2CB_BOOTCLUSTER=${CLUSTER}\nO2CB_IDLE_TIMEOUT_MS=30000\n`);
  });
  afterAll(() => {
    pool?.stop();
    rmSync(join(REPO, '.scratch', 'test-hosts-propagate-ovs'), { recursive: true, force: true });
  });

  describe('a pool of three, then four', () => {
    it('propagates from the master: every host holds a cluster.conf byte-identical to the master’s', () => {
      setMasterConf([1, 2, 3]);
      const r = propagate();
      expect(rows(r.json)).toEqual([
        ['vmserver2', 'updated'],
        ['vmserver3', 'updated'],
      ]);
      const mine = pool.clusterConf(1);
      for (const k of [2, 3]) expect(pool.clusterConf(k)?.equals(mine as Buffer)).toBe(true);
      // The O2CB settings came along (Debian: /etc/default/o2cb, edited in place).
      for (const k of [2, 3]) expect(pool.readFile(k, '/etc/default/o2cb')).toMatch(/^O2CB_BOOTCLUSTER=ovsprop$/m);
      expect(member(r.json, 'vmserver2').answer).toMatchObject({ hostname: 'vmserver2', o2cbSettingsPath: '/etc/default/o2cb' });
      expect(r.json.result.propagation.failed).toBe(0);
    });

    it('a second run reports unchanged everywhere', () => {
      const r = propagate();
      expect(rows(r.json)).toEqual([
        ['vmserver2', 'unchanged'],
        ['vmserver3', 'unchanged'],
      ]);
    });

    it('adding a fourth node and propagating updates all', () => {
      setMasterConf([1, 2, 3, 4]);
      const r = propagate();
      expect(rows(r.json)).toEqual([
        ['vmserver2', 'updated'],
        ['vmserver3', 'updated'],
        ['vmserver4', 'updated'],
      ]);
      for (const k of [2, 3, 4]) expect(pool.clusterConf(k)?.equals(pool.clusterConf(1) as Buffer)).toBe(true);
      // each member kept a backup of what it held before (its own /var)
      expect(pool.exec(2, ['find', '/var/lib/ovs/backups', '-name', 'cluster.conf']).stdout).toMatch(/\/etc\/ocfs2\/cluster.conf\n/);
    });

    it('--dry-run shows each member’s diff (fetched read-only over ssh) and changes nothing', () => {
      const before = [2, 3, 4].map((k) => pool.clusterConf(k));
      setMasterConf([1, 2, 3, 4], 7778);
      const r = pool.ovs(1, ['--dry-run', 'cluster-check', '--master', '--propagate', '--ssh-identity', pool.key]);
      const table = r.stdout.slice(r.stdout.indexOf('Propagation plan'));
      expect(table).toMatch(/vmserver2 +10\.254\.0\.12 +would update \/etc\/ocfs2\/cluster.conf\n/);
      expect(table).toContain('-\tip_port = 7777');
      expect(table).toContain('+\tip_port = 7778');
      expect(table).toMatch(/run +ssh -o BatchMode=yes .* -- vmserver4 ovs --json cluster-configure --import -/);
      [2, 3, 4].forEach((k, i) => expect(pool.clusterConf(k)?.equals(before[i] as Buffer)).toBe(true));
      setMasterConf([1, 2, 3, 4]);
    });

    it('--all-nodes reports the member whose configuration differs; with --propagate, after the copy all agree', () => {
      pool.writeFile(3, CONF_PATH, `${clusterConf([1, 2, 3, 4])}# edited by hand on vmserver3\n`);
      const r = master(['cluster-check', '--all-nodes']);
      expect(poolChecks(r.json)).toEqual([
        ['pool.same-config:vmserver2', 'PASS'],
        ['pool.same-config:vmserver3', 'FAIL'],
        ['pool.same-config:vmserver4', 'PASS'],
      ]);
      expect(r.exitCode).toBe(1);
      expect(pool.readFile(3, CONF_PATH)).toContain('# edited by hand'); // read-only
      const both = master(['cluster-check', '--master', '--propagate', '--all-nodes']);
      expect(rows(both.json)).toEqual([
        ['vmserver2', 'unchanged'],
        ['vmserver3', 'updated'],
        ['vmserver4', 'unchanged'],
      ]);
      expect(poolChecks(both.json).map((c) => c[1])).toEqual(['PASS', 'PASS', 'PASS']);
    });

    it('unknown host keys fail strict checking; --accept-new-host-keys records them (--ssh-option reaches ssh)', () => {
      const empty = join(pool.statedir, 'known_hosts.empty');
      pool.writeFile(1, empty, '');
      const opts = ['--ssh-option', `UserKnownHostsFile=${empty}`, '--ssh-option', 'GlobalKnownHostsFile=/dev/null'];
      const strict = propagate(opts);
      expect((strict.json.result.propagation.members as any[]).map((m) => m.failure)).toEqual(['host-key-unknown', 'host-key-unknown', 'host-key-unknown']);
      const accepted = propagate([...opts, '--accept-new-host-keys']);
      expect(rows(accepted.json).map((r) => r[1])).toEqual(['unchanged', 'unchanged', 'unchanged']);
      expect(pool.readFile(1, empty)?.split('\n').filter(Boolean)).toHaveLength(3);
    });
  });

  describe('failures, each with its own reason, while the others still update', () => {
    let r: ReturnType<typeof master>;
    const broken = { 4: 'sshd-down', 5: 'unreachable', 6: 'hostkey', 7: 'auth', 8: 'rename' } as const;
    let wrapper: string | undefined;

    beforeAll(() => {
      setMasterConf(range(1, 10));
      for (const [k, mode] of Object.entries(broken)) pool.fail(Number(k), mode);
      // vmserver9 runs an ovs that reads another bundle version than the master sends
      wrapper = pool.readFile(9, '/usr/local/sbin/ovs');
      pool.writeFile(9, '/usr/local/sbin/ovs', `#!/bin/sh\nsed '1s/ v1$/ v2/' | ${(wrapper ?? '').match(/exec (.*) "\$@"/)?.[1]} "$@"\n`);
      r = propagate(['--concurrency', '8']);
    });
    afterAll(() => {
      for (const k of Object.keys(broken)) pool.heal(Number(k));
      if (wrapper) pool.writeFile(9, '/usr/local/sbin/ovs', wrapper);
    });

    it('the healthy members are updated, byte-identical to the master', () => {
      for (const k of [2, 3, 10]) {
        expect(member(r.json, `vmserver${k}`).result).toBe('updated');
        expect(pool.clusterConf(k)?.equals(pool.clusterConf(1) as Buffer)).toBe(true);
      }
      expect(r.json.result.propagation).toMatchObject({ updated: 3, failed: 6 });
      expect(r.exitCode).toBe(1);
    });

    it('sshd stopped: connection refused, and the reported ssh command reproduces it', () => {
      const m = member(r.json, 'vmserver4');
      expect([m.result, m.failure, m.reason]).toEqual(['failed', 'connection-refused', 'connection refused (nothing listens on port 22: sshd is not running)']);
      const again = pool.exec(1, m.ssh);
      expect([again.exitCode, again.stderr.trim()]).toEqual([255, 'ssh: connect to host vmserver4 port 22: Connection refused']);
    });

    it('link down: unreachable, after the connect timeout (2 s)', () => {
      const m = member(r.json, 'vmserver5');
      expect([m.failure, m.reason]).toEqual(['unreachable', 'unreachable: connection timed out (the member is down or its network link is cut)']);
      expect(m.durationMs).toBeGreaterThanOrEqual(1900);
      expect(m.durationMs).toBeLessThan(8000);
    });

    it('a changed host key: host key changed, with the ssh-keygen -R fix', () => {
      const m = member(r.json, 'vmserver6');
      expect(m.failure).toBe('host-key-changed');
      expect(m.reason).toMatch(/^host key changed/);
      expect(m.hint).toContain('-R "vmserver6"');
    });

    it('the key not authorized: permission denied (publickey)', () => {
      expect(member(r.json, 'vmserver7')).toMatchObject({ failure: 'permission-denied', reason: 'permission denied (publickey): the key was not accepted' });
    });

    it('a host whose hostname is not the node name: hostname mismatch, and nothing written there', () => {
      expect(member(r.json, 'vmserver8')).toMatchObject({ failure: 'hostname-mismatch', reason: "hostname mismatch: vmserver8 answered as 'vmserver8-renamed' (the name leads to another machine)" });
      expect(pool.clusterConf(8)).toBeUndefined();
    });

    it('a host whose ovs rejects the bundle: its own message', () => {
      expect(member(r.json, 'vmserver9')).toMatchObject({ failure: 'remote-rejected', reason: expect.stringMatching(/^remote ovs rejected the bundle: .*unsupported bundle version "2"/) });
      expect(pool.clusterConf(9)).toBeUndefined();
    });

    it('the human report: one row per member, the reason in words, the ssh command under each failure; exit 1', () => {
      const h = pool.ovs(1, ['cluster-check', '--master', '--propagate', '--ssh-identity', pool.key, '--connect-timeout', '2']);
      expect(h.exitCode).toBe(1);
      const table = h.stdout.slice(h.stdout.indexOf('Propagation of'));
      expect(table).toMatch(/\n  vmserver2 +10\.254\.0\.12 +unchanged\n/);
      expect(table).toMatch(/\n  vmserver4 +10\.254\.0\.14 +failed: connection refused .*\n +reproduce: ssh -o BatchMode=yes -o ConnectTimeout=2 -o StrictHostKeyChecking=yes -i \S+ -o IdentitiesOnly=yes -- vmserver4 ovs --json cluster-configure --import -/);
      expect(table).toMatch(/\n  vmserver7 +10\.254\.0\.17 +failed: permission denied \(publickey\)/);
      expect(table).toContain('9 members: 0 updated, 3 unchanged, 6 failed');
    });
  });
});
