/**
 * Propagation and --all-nodes on the memory host: the ssh argument vector, the concurrency
 * limit, the report, and the mapping of every ssh failure text to words. The ssh stderr
 * texts are replayed from docs/tools.md (OpenSSH pools) (OpenSSH 9.2p1 against real sshds);
 * each such test says so in its name, with the case number of that table.
 */
import { describe, expect, it } from 'vitest';
import { parseBundle, sha256Hex } from '../../src/lib/formats/bundle.js';
import type { RunResult } from '../../src/lib/host.js';
import type { MemoryHostOptions, ProgramCall } from '../../src/lib/doubles/memory-host.js';
import { mapLimit } from '../../src/lib/pool/concurrency.js';
import { renderPropagation } from '../../src/lib/pool/report.js';
import { sshFailure } from '../../src/lib/pool/ssh-failure.js';
import { importCommand, sshArgv, type SshSettings } from '../../src/lib/pool/ssh.js';
import { runOvs } from '../helpers/run.js';

const CONF = (nodes: string[]) =>
  [
    ...nodes.flatMap((n, i) => ['node:', '\tip_port = 7777', `\tip_address = 192.168.1.${11 + i}`, `\tnumber = ${i}`, `\tname = ${n}`, '\tcluster = ocfs2', '']),
    'cluster:',
    `\tnode_count = ${nodes.length}`,
    '\tname = ocfs2',
    '',
    '',
  ].join('\n');
const NODES = ['ovs1.example.com', 'ovs2.example.com', 'ovs3.example.com'];
const O2CB = 'O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=ocfs2\n';
const SSH: SshSettings = { options: [], acceptNewHostKeys: false, connectTimeoutSeconds: 10 };
const importArgv = (node: string, s: SshSettings = SSH, dry = false) => sshArgv(s, node, importCommand('ovs', dry));

/** What a real member's `ovs --json cluster-configure --import -` prints on success. */
function answer(call: ProgramCall, o: { hostname?: string; status?: 'updated' | 'unchanged'; changes?: unknown[] } = {}): Partial<RunResult> {
  const bundle = parseBundle(call.input);
  const node = call.argv[call.argv.indexOf('--') + 1] as string;
  const result = {
    hostname: o.hostname ?? node,
    status: o.status ?? 'updated',
    clusterName: 'ocfs2',
    clusterConfPath: '/etc/ocfs2/cluster.conf',
    clusterConfSha256: sha256Hex(bundle.clusterConf),
    o2cbSettingsPath: '/etc/sysconfig/o2cb',
    o2cbSettingsSha256: 'f'.repeat(64),
    registered: [],
    restartNeeded: false,
  };
  return { exitCode: 0, stdout: `${JSON.stringify({ ok: true, command: 'cluster-configure', exit: 0, result, changes: o.changes ?? [] })}\n` };
}

/** What a member's `ovs --json pool-identity` prints: no cluster root, the default timeouts unless overridden. */
function identityAnswer(hostname: string, timeouts: Record<string, string> = {}): Partial<RunResult> {
  const result = { hostname, timeouts: { O2CB_HEARTBEAT_THRESHOLD: '31', O2CB_IDLE_TIMEOUT_MS: '30000', O2CB_KEEPALIVE_DELAY_MS: '2000', O2CB_RECONNECT_DELAY_MS: '2000', ...timeouts } };
  return { exitCode: 0, stdout: `${JSON.stringify({ ok: true, command: 'pool-identity', exit: 0, result, changes: [] })}\n` };
}

function rejection(message: string, exit: number, hint = 'fix it'): Partial<RunResult> {
  return { exitCode: exit, stdout: `${JSON.stringify({ ok: false, command: 'cluster-configure', exit, error: { exit, message, hint }, changes: [] })}\n` };
}

function pool(extra: Partial<MemoryHostOptions> = {}, nodes = NODES): MemoryHostOptions {
  return {
    hostname: 'ovs1.example.com',
    files: { '/etc/ocfs2/cluster.conf': CONF(nodes), '/etc/sysconfig/o2cb': O2CB, '/root/.ssh/id_ovs': 'KEY' },
    ...extra,
  };
}

const propagateArgs = ['--json', 'cluster-check', '--master', '--propagate'];
const members = (json: any) => json.result.propagation.members as any[];
const byNode = (json: any, node: string) => members(json).find((m) => m.node === node);

// ---------------------------------------------------------------------------------------

describe('the ssh argument vector', () => {
  it('carries BatchMode, ConnectTimeout and strict host-key checking, then -- and the node name', () => {
    expect(importArgv('ovs2.example.com')).toEqual([
      'ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'StrictHostKeyChecking=yes',
      '--', 'ovs2.example.com', 'ovs', '--json', 'cluster-configure', '--import', '-',
    ]);
  });

  it('adds the user, the identity (IdentitiesOnly) and every --ssh-option in order; accept-new only on request', () => {
    const s: SshSettings = { user: 'root', identity: '/root/.ssh/id_ovs', options: ['Port=2222', 'UserKnownHostsFile=/etc/ovs/known_hosts'], acceptNewHostKeys: true, connectTimeoutSeconds: 3 };
    expect(sshArgv(s, '10.0.0.2', ['uname', '-n'])).toEqual([
      'ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=3', '-o', 'StrictHostKeyChecking=accept-new',
      '-l', 'root', '-i', '/root/.ssh/id_ovs', '-o', 'IdentitiesOnly=yes',
      '-o', 'Port=2222', '-o', 'UserKnownHostsFile=/etc/ovs/known_hosts', '--', '10.0.0.2', 'uname', '-n',
    ]);
  });

  it('refuses a destination that could be read as an option, or is no host name', () => {
    for (const bad of ['-oProxyCommand=sh', 'ovs2;reboot', 'a b', '']) expect(() => sshArgv(SSH, bad, ['true'])).toThrow(/is not a host name or IPv4 address/);
  });

  it('the dry-run variant asks the member for its own --dry-run', () => {
    expect(importArgv('ovs2', SSH, true).slice(-6)).toEqual(['ovs', '--json', '--dry-run', 'cluster-configure', '--import', '-']);
  });

  it('refuses --ssh-option values ssh would silently ignore, a bad user and an unsafe --remote-ovs (64/65)', async () => {
    const cases: [string[], number, RegExp][] = [
      [['--ssh-option', 'StrictHostKeyChecking=no'], 64, /cannot be changed/],
      [['--ssh-option', 'connecttimeout=1'], 64, /cannot be changed/],
      [['--ssh-option', 'Port'], 64, /KEY=VALUE/],
      [['--ssh-user', '-oProxyCommand=x'], 65, /not a user name/],
      [['--remote-ovs', '/opt/ovs;reboot'], 65, /not a plain program name/],
      [['--concurrency', '0'], 65, /whole number from 1 to 64/],
    ];
    for (const [extra, exit, message] of cases) {
      const r = await runOvs([...propagateArgs, ...extra], pool());
      expect([r.exit, r.json.error.message]).toEqual([exit, expect.stringMatching(message)]);
      expect(r.host.calls).toEqual([]);
    }
  });

  it('--propagate needs --master, and the live machine', async () => {
    expect((await runOvs(['cluster-check', '--propagate'], pool())).exit).toBe(64);
    const offline = await runOvs(['--root', '/img', '--json', 'cluster-check', '--all-nodes'], pool({ files: { '/img/etc/hostname': 'x\n' } }));
    expect([offline.exit, offline.json.error.message]).toEqual([64, '--all-nodes needs the live machine and cannot run under --root /img']);
    // Declared once (cluster-check's live), refused by the CLI before anything is read or run.
    const propagating = await runOvs(['--root', '/img', 'cluster-check', '--master', '--propagate'], pool({ files: { '/img/etc/hostname': 'x\n' } }));
    expect([propagating.exit, propagating.stderr.split('\n')[0]]).toEqual([64, 'ovs: cluster-check: --propagate needs the live machine and cannot run under --root /img']);
    expect(propagating.host.calls).toEqual([]);
  });
});

describe('the concurrency limit', () => {
  it('never runs more than the limit at once, and keeps the order of the input', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([...Array(20).keys()], 3, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5 + (i % 4)));
      running--;
      return i * 2;
    });
    expect(peak).toBe(3);
    expect(out).toEqual([...Array(20).keys()].map((i) => i * 2));
  });

  it('propagation talks to at most --concurrency members at the same time', async () => {
    const nodes = Array.from({ length: 12 }, (_, i) => `ovs${i + 1}.example.com`);
    let running = 0;
    let peak = 0;
    const expect_ = nodes.slice(1).map((n) => ({
      argv: importArgv(n),
      respond: async (call: ProgramCall) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 10));
        running--;
        return answer(call);
      },
    }));
    const r = await runOvs([...propagateArgs, '--concurrency', '4'], pool({ expect: expect_ }, nodes));
    expect(peak).toBe(4);
    expect(r.json.result.propagation.updated).toBe(11);
  });
});

describe('propagation on the memory host', () => {
  it('sends the bundle (cluster.conf byte for byte, the effective O2CB values) to every other node; exit 0', async () => {
    const host = pool({ expect: [{ argv: importArgv('ovs2.example.com'), respond: (c) => answer(c) }, { argv: importArgv('ovs3.example.com'), respond: (c) => answer(c, { status: 'unchanged' }) }] });
    const r = await runOvs([...propagateArgs], host);
    expect(members(r.json).map((m) => [m.node, m.address, m.result])).toEqual([
      ['ovs2.example.com', '192.168.1.12', 'updated'],
      ['ovs3.example.com', '192.168.1.13', 'unchanged'],
    ]);
    const sent = parseBundle(r.host.calls[0]?.input ?? '');
    expect(sent.clusterConf).toBe(CONF(NODES));
    expect(sent.o2cb).toMatchObject({ O2CB_ENABLED: 'true', O2CB_BOOTCLUSTER: 'ocfs2', O2CB_HEARTBEAT_THRESHOLD: '31', O2CB_IDLE_TIMEOUT_MS: '30000' });
    expect(r.json.result.propagation).toMatchObject({ cluster: 'ocfs2', from: 'ovs1.example.com', updated: 1, unchanged: 1, failed: 0 });
    expect(r.host.unusedExpectations()).toEqual([]);
  });

  it('exit 1 when a member fails, the others still updated; the table names the reason and the ssh command', async () => {
    const host = pool({
      expect: [
        { argv: importArgv('ovs2.example.com'), result: { exitCode: 255, stderr: 'ssh: connect to host ovs2.example.com port 22: Connection refused\r\n' } },
        { argv: importArgv('ovs3.example.com'), respond: (c) => answer(c) },
      ],
    });
    const r = await runOvs(['cluster-check', '--master', '--propagate'], host);
    expect(r.exit).toBe(1);
    const table = r.stdout.slice(r.stdout.indexOf('Propagation'));
    expect(table).toContain('  NODE              ADDRESS       RESULT\n');
    expect(table).toContain('  ovs2.example.com  192.168.1.12  failed: connection refused (nothing listens on port 22: sshd is not running)\n');
    expect(table).toContain(`reproduce: ssh -o BatchMode=yes -o ConnectTimeout=10 -o StrictHostKeyChecking=yes -- ovs2.example.com ovs --json cluster-configure --import -`);
    expect(table).toContain('  ovs3.example.com  192.168.1.13  updated\n');
    expect(table).toContain('2 members: 1 updated, 0 unchanged, 1 failed');
  });

  it('--dry-run asks each member for its own plan (read-only), shows its diff, and records the real commands', async () => {
    const diff = '--- /etc/ocfs2/cluster.conf\n+++ /etc/ocfs2/cluster.conf\n@@ -1 +1 @@\n-old\n+new\n';
    const plan = [{ kind: 'write', path: '/etc/ocfs2/cluster.conf', diff, result: 'planned' }];
    const host = pool({
      expect: [
        { argv: importArgv('ovs2.example.com', SSH, true), respond: (c) => answer(c, { changes: plan }) },
        { argv: importArgv('ovs3.example.com', SSH, true), respond: (c) => answer(c, { status: 'unchanged' }) },
      ],
    });
    const r = await runOvs(['--dry-run', 'cluster-check', '--master', '--propagate'], host);
    expect(r.host.calls.map((c) => c.argv.slice(-4).join(' '))).toEqual(['--dry-run cluster-configure --import -', '--dry-run cluster-configure --import -']);
    expect(r.stdout).toContain('ovs2.example.com  192.168.1.12  would update /etc/ocfs2/cluster.conf\n');
    expect(r.stdout).toMatch(/\n +-old\n +\+new\n/);
    expect(r.stdout).toContain('  run      ssh -o BatchMode=yes -o ConnectTimeout=10 -o StrictHostKeyChecking=yes -- ovs2.example.com ovs --json cluster-configure --import -');
  });

  it('a member that answers under another host name fails with "hostname mismatch"', async () => {
    const host = pool({ expect: [{ argv: importArgv('ovs2.example.com'), respond: (c) => answer(c, { hostname: 'ovs3.example.com' }) }, { argv: importArgv('ovs3.example.com'), respond: (c) => answer(c) }] });
    const r = await runOvs(propagateArgs, host);
    expect(byNode(r.json, 'ovs2.example.com')).toMatchObject({ result: 'failed', failure: 'hostname-mismatch', reason: expect.stringMatching(/^hostname mismatch: ovs2.example.com answered as 'ovs3.example.com'/) });
  });

  it('a member whose ovs refuses with 78 is asked its name: another name is a hostname mismatch', async () => {
    const host = pool({
      expect: [
        { argv: importArgv('ovs2.example.com'), result: rejection("this host (ovs9) is not a node of cluster 'ocfs2' in the bundle", 78) },
        { argv: sshArgv(SSH, 'ovs2.example.com', ['uname', '-n']), result: { exitCode: 0, stdout: 'ovs9\n' } },
        { argv: importArgv('ovs3.example.com'), result: rejection('the bundle: unsupported bundle version "2"; this ovs reads version 1', 65) },
      ],
    });
    const r = await runOvs(propagateArgs, host);
    expect(byNode(r.json, 'ovs2.example.com')).toMatchObject({ failure: 'hostname-mismatch', reason: "hostname mismatch: ovs2.example.com answered as 'ovs9' (the name leads to another machine)" });
    expect(byNode(r.json, 'ovs3.example.com')).toMatchObject({
      failure: 'remote-rejected',
      reason: 'remote ovs rejected the bundle: the bundle: unsupported bundle version "2"; this ovs reads version 1',
      hint: 'on ovs3.example.com: fix it',
    });
    expect(r.exit).toBe(1);
  });

  it('a member whose ovs fails for another reason (lock held: 75) is worded as a failure, not a refusal', async () => {
    const host = pool({
      expect: [
        { argv: importArgv('ovs2.example.com'), result: rejection('another ovs run holds /run/lock/ovs.lock: pid 77 (ovs services start), started 2026-11-25T12:00:00Z while waiting for the lock', 75) },
        { argv: importArgv('ovs3.example.com'), respond: (c) => answer(c) },
      ],
    });
    const r = await runOvs(propagateArgs, host);
    expect(byNode(r.json, 'ovs2.example.com')).toMatchObject({ failure: 'remote-failed', reason: expect.stringMatching(/^remote ovs failed \(exit 75\): another ovs run holds/) });
  });

  it('a member holding other bytes after the import fails (the sha256 it answers is checked)', async () => {
    const host = pool({
      expect: [
        { argv: importArgv('ovs2.example.com'), respond: (c) => ({ ...answer(c), stdout: answer(c).stdout?.replace(/"clusterConfSha256":"[0-9a-f]+"/, `"clusterConfSha256":"${'0'.repeat(64)}"`) }) },
        { argv: importArgv('ovs3.example.com'), respond: (c) => answer(c) },
      ],
    });
    const r = await runOvs(propagateArgs, host);
    expect(byNode(r.json, 'ovs2.example.com')).toMatchObject({ failure: 'content-mismatch' });
  });

  it('refuses before any connection when this host is not a node, or the master configuration is broken', async () => {
    const notNode = await runOvs(propagateArgs, pool({ hostname: 'ovs9.example.com' }));
    expect([notNode.exit, notNode.json.error.message]).toEqual([78, expect.stringMatching(/this host \(ovs9.example.com\) is not a node/)]);
    const noSettings = await runOvs(propagateArgs, { hostname: 'ovs1.example.com', files: { '/etc/ocfs2/cluster.conf': CONF(NODES), '/etc/sysconfig': null } });
    expect([noSettings.exit, noSettings.json.error.message]).toEqual([72, expect.stringMatching(/\/etc\/sysconfig\/o2cb is missing/)]);
    const boot = await runOvs(propagateArgs, pool({ files: { '/etc/ocfs2/cluster.conf': CONF(NODES), '/etc/sysconfig/o2cb': 'O2CB_BOOTCLUSTER=other\n' } }));
    expect([boot.exit, boot.json.error.message]).toEqual([78, "cannot tell which cluster to send: O2CB_BOOTCLUSTER is 'other' but cluster.conf defines only 'ocfs2': O2CB would start no cluster while reading the cluster configuration to send"]);
    const noSsh = await runOvs(propagateArgs, pool({ programs: ['o2cb'] }));
    expect([noSsh.exit, noSsh.json.error.message]).toEqual([69, 'ssh is not installed while preparing to reach the pool members']);
    const noKey = await runOvs([...propagateArgs, '--ssh-identity', '/root/.ssh/missing'], pool());
    expect([noKey.exit, noKey.json.error.message]).toEqual([66, expect.stringMatching(/--ssh-identity \/root\/.ssh\/missing: no such file/)]);
    for (const r of [notNode, noSettings, boot, noSsh, noKey]) expect(r.host.calls).toEqual([]);
  });

  it('a master cluster.conf o2cb refuses is named once, as "<path> line N: <reason>" (72), and one the rules refuse too (78)', async () => {
    const badNumber = CONF(NODES).replace('\tnumber = 0\n', '\tnumber = x\n');
    const r = await runOvs(['cluster-check', '--master', '--propagate'], pool({ files: { '/etc/ocfs2/cluster.conf': badNumber, '/etc/sysconfig/o2cb': O2CB } }));
    expect(r.exit).toBe(72);
    expect(r.stderr).toContain('ovs: cluster-check: /etc/ocfs2/cluster.conf line 4: node "ovs1.example.com": number "x" is not a number while reading the cluster configuration to send\n');
    const loopback = CONF(NODES).replace('192.168.1.12', '127.0.0.2');
    const rules = await runOvs(['cluster-check', '--master', '--propagate'], pool({ files: { '/etc/ocfs2/cluster.conf': loopback, '/etc/sysconfig/o2cb': O2CB } }));
    expect(rules.exit).toBe(78);
    expect(rules.stderr).toMatch(/^ovs: cluster-check: \/etc\/ocfs2\/cluster\.conf line 8: node "ovs2\.example\.com": ip_address 127\.0\.0\.2 is a loopback address/m);
    for (const x of [r, rules]) expect(x.host.calls).toEqual([]);
  });
});

describe('--all-nodes', () => {
  it('passes a member that would not change, fails one that differs or cannot be asked (read-only --dry-run on each)', async () => {
    const plan = [{ kind: 'write', path: '/etc/sysconfig/o2cb', diff: '-O2CB_IDLE_TIMEOUT_MS=60000\n+O2CB_IDLE_TIMEOUT_MS=30000\n' }];
    const host = pool({
      expect: [
        { argv: importArgv('ovs2.example.com', SSH, true), respond: (c) => answer(c, { status: 'unchanged' }) },
        { argv: importArgv('ovs3.example.com', SSH, true), respond: (c) => answer(c, { changes: plan }) },
        // then each member's cluster root and O2CB timeouts (ovs pool-identity)
        { argv: sshArgv(SSH, 'ovs2.example.com', ['ovs', '--json', 'pool-identity']), result: identityAnswer('ovs2.example.com') },
        { argv: sshArgv(SSH, 'ovs3.example.com', ['ovs', '--json', 'pool-identity']), result: identityAnswer('ovs3.example.com', { O2CB_IDLE_TIMEOUT_MS: '60000' }) },
      ],
    });
    const r = await runOvs(['--json', 'cluster-check', '--all-nodes'], host);
    const checks = r.json.result.checks.filter((c: any) => c.id.startsWith('pool.same-config'));
    expect(checks).toEqual([
      { id: 'pool.same-config:ovs2.example.com', status: 'PASS', message: 'ovs2.example.com holds the same cluster.conf and O2CB settings as ovs1.example.com', hint: null },
      { id: 'pool.same-config:ovs3.example.com', status: 'FAIL', message: 'ovs3.example.com differs from ovs1.example.com: /etc/sysconfig/o2cb', hint: expect.stringContaining('ovs cluster-check --master --propagate') },
    ]);
    const timeouts = r.json.result.checks.filter((c: any) => c.id.startsWith('pool.same-timeouts'));
    expect(timeouts.map((c: any) => [c.id, c.status])).toEqual([
      ['pool.same-timeouts:ovs2.example.com', 'PASS'],
      ['pool.same-timeouts:ovs3.example.com', 'FAIL'],
    ]);
    expect(timeouts[1].message).toBe("ovs3.example.com's O2CB timeouts differ (nodes with different timeouts refuse each other): O2CB_IDLE_TIMEOUT_MS 30000 here, 60000 there");
    expect(r.exit).toBe(1);
    expect(r.json.changes).toEqual([]);
  });
});

describe('--all-nodes: one cluster root and the same O2CB timeouts for the whole pool', () => {
  const ROOT = '0004FB00000500003E2D7C9A1B2C3D4E';
  const OTHER = '0004FB0000050000AAAABBBBCCCCDDDD';
  const OVSREPO = (uuid: string) => `OVS_REPO_UUID=${uuid}\nOVS_REPO_VERSION=1\nOVS_REPO_TYPE=nfs\nOVS_REPO_ROLE=C\nOVS_REPO_SOURCE=filer:/OVS\nOVS_REPO_DESCRIPTION=root\nOVS_REPO_CREATED=2026-11-01T10:00:00Z\n`;
  /** ovs1 with an NFS cluster root mounted (its .ovsrepo readable); two members. */
  const master = (memberAnswers: Record<string, Partial<RunResult>>) =>
    pool({
      files: {
        '/etc/ocfs2/cluster.conf': CONF(NODES), '/etc/sysconfig/o2cb': O2CB,
        '/etc/ovs/repositories': `${ROOT} nfs C filer:/OVS root\n`,
        '/proc/mounts': `filer:/OVS /var/ovs/mount/${ROOT} nfs rw 0 0\n`,
        [`/var/ovs/mount/${ROOT}/.ovsrepo`]: OVSREPO(ROOT),
      },
      expect: [
        ...['ovs2.example.com', 'ovs3.example.com'].map((n) => ({ argv: importArgv(n, SSH, true), respond: (c: ProgramCall) => answer(c, { status: 'unchanged' }) })),
        ...Object.entries(memberAnswers).map(([n, result]) => ({ argv: sshArgv(SSH, n, ['ovs', '--json', 'pool-identity']), result })),
      ],
    });
  const same = (hostname: string, o: { root?: string; source?: string; ovsrepo?: string } = {}) => {
    const result = {
      hostname,
      clusterRoot: { uuid: o.root ?? ROOT, type: 'nfs', source: o.source ?? 'filer:/OVS' },
      volume: { kind: 'nfs', export: o.source ?? 'filer:/OVS', ovsrepoUuid: o.ovsrepo ?? ROOT },
      timeouts: { O2CB_HEARTBEAT_THRESHOLD: '31', O2CB_IDLE_TIMEOUT_MS: '30000', O2CB_KEEPALIVE_DELAY_MS: '2000', O2CB_RECONNECT_DELAY_MS: '2000' },
    };
    return { exitCode: 0, stdout: `${JSON.stringify({ ok: true, command: 'pool-identity', exit: 0, result, changes: [] })}\n` };
  };
  const rootChecks = (json: any) => (json.result.checks as any[]).filter((c) => c.id.startsWith('pool.same-root'));

  it('a member registered with another cluster root FAILs by name, with what differs and the fix', async () => {
    const r = await runOvs(['--json', 'cluster-check', '--all-nodes'], master({ 'ovs2.example.com': same('ovs2.example.com'), 'ovs3.example.com': same('ovs3.example.com', { root: OTHER, source: 'filer2:/OVS', ovsrepo: OTHER }) }));
    expect(r.exit).toBe(1);
    const [two, three] = rootChecks(r.json);
    expect(two).toEqual({ id: 'pool.same-root:ovs2.example.com', status: 'PASS', hint: null, message: `ovs2.example.com uses the same cluster root as ovs1.example.com (${ROOT}, nfs filer:/OVS), the same mounted volume` });
    expect(three.status).toBe('FAIL');
    expect(three.message).toBe(`ovs3.example.com uses another cluster root than ovs1.example.com: cluster root uuid ${ROOT} here, ${OTHER} there; cluster root source filer:/OVS here, filer2:/OVS there; NFS export filer:/OVS here, filer2:/OVS there; .ovsrepo UUID ${ROOT} here, ${OTHER} there`);
    expect(three.hint).toMatch(new RegExp(`^on ovs3\\.example\\.com: ovs offlinerepo -d ${OTHER} if it has another, then ovs makerepo filer:/OVS C "cluster root" \\(the pool's ${ROOT}\\)`));
  });

  it('the same registry entry but other storage behind the export (another .ovsrepo): FAIL naming the storage', async () => {
    const r = await runOvs(['--json', 'cluster-check', '--all-nodes'], master({ 'ovs2.example.com': same('ovs2.example.com'), 'ovs3.example.com': same('ovs3.example.com', { ovsrepo: OTHER }) }));
    const three = rootChecks(r.json)[1];
    expect(three.message).toBe(`ovs3.example.com uses another cluster root than ovs1.example.com: .ovsrepo UUID ${ROOT} here, ${OTHER} there`);
    expect(three.hint).toContain("ovs3.example.com reaches other storage under the same name: check the NFS server's name resolution or the LUN it sees");
  });

  it('a member whose ovs has no pool-identity: FAIL "could not be compared" with the command to reproduce', async () => {
    const old = { exitCode: 64, stdout: `${JSON.stringify({ ok: false, command: 'pool-identity', exit: 64, error: { exit: 64, message: "unknown command 'pool-identity'" } })}\n` };
    const r = await runOvs(['--json', 'cluster-check', '--all-nodes'], master({ 'ovs2.example.com': same('ovs2.example.com'), 'ovs3.example.com': old }));
    const three = rootChecks(r.json)[1];
    expect(three).toMatchObject({ status: 'FAIL', message: "ovs3.example.com's cluster root could not be compared: remote ovs pool-identity failed (exit 64): unknown command 'pool-identity'" });
    expect(three.hint).toContain('reproduce with: ssh -o BatchMode=yes');
  });

  it('pool-identity under --root: refused, exit 64', async () => {
    const r = await runOvs(['--root', '/img', 'pool-identity'], pool({ files: { '/img': null } }));
    expect(r.exit).toBe(64);
    expect(r.stderr).toMatch(/^ovs: pool-identity: pool-identity needs the live machine/);
  });
});

describe('the report', () => {
  it('renders notes for a running cluster (registered nodes, restart needed)', () => {
    const lines = renderPropagation({
      cluster: 'ocfs2', from: 'ovs1', clusterConfSha256: 'a'.repeat(64), o2cbSettingsPath: '/etc/sysconfig/o2cb', remoteOvs: 'ovs', concurrency: 8, dryRun: false,
      updated: 1, unchanged: 0, failed: 0, durationMs: 0,
      members: [{ node: 'ovs2', address: '10.0.0.2', result: 'updated', ssh: [], command: '', durationMs: 0, answer: { hostname: 'ovs2', status: 'updated', clusterConfSha256: 'a'.repeat(64), registered: ['ovs3'], restartNeeded: true } }],
    });
    expect(lines).toEqual([
      "Propagation of cluster 'ocfs2' from ovs1 (cluster.conf sha256 aaaaaaaaaaaa…, 8 at a time):",
      '  NODE  ADDRESS   RESULT',
      '  ovs2  10.0.0.2  updated (registered in the running cluster: ovs3; restart o2cb on it to drop removed nodes)',
      '1 member: 1 updated, 0 unchanged',
    ]);
  });

  it('says when there is no other node', () => {
    const lines = renderPropagation({ cluster: 'c', from: 'ovs1', clusterConfSha256: 'b'.repeat(64), o2cbSettingsPath: '', remoteOvs: 'ovs', concurrency: 8, dryRun: false, updated: 0, unchanged: 0, failed: 0, durationMs: 0, members: [] });
    expect(lines[1]).toBe('  no other node in cluster.conf: nothing to send');
  });
});

// ---------------------------------------------------------------------------------------
// Every failure text, replayed. Stderr texts: docs/tools.md (OpenSSH pools) (case numbers).

const run = (exitCode: number, stderr: string, more: Partial<RunResult> = {}): RunResult => ({ exitCode, stdout: '', stderr, ...more });
const CHANGED_KEY = `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Someone could be eavesdropping on you right now (man-in-the-middle attack)!
It is also possible that a host key has just been changed.
The fingerprint for the ED25519 key sent by the remote host is
SHA256:Yc2pWm0gLZy1kq7l0C0x1HqzQ9m3vC3m2sT1p7E8a0k.
Please contact your system administrator.
Add correct host key in /tmp/ovs-test-hosts/known_hosts to get rid of this message.
Offending ED25519 key in /tmp/ovs-test-hosts/known_hosts:2
  remove with:
  ssh-keygen -f "/tmp/ovs-test-hosts/known_hosts" -R "10.254.0.12"
Host key for 10.254.0.12 has changed and you have requested strict checking.
Host key verification failed.
`;

describe('ssh failure texts to words (replayed OpenSSH 9.2p1 stderr, docs/tools.md (OpenSSH pools))', () => {
  const cases: [string, RunResult, string, RegExp][] = [
    ['case 1, sshd down', run(255, 'ssh: connect to host 10.254.0.13 port 22: Connection refused\n'), 'connection-refused', /^connection refused \(nothing listens on port 22/],
    ['case 2, unreachable with ConnectTimeout', run(255, 'ssh: connect to host 10.254.0.13 port 22: Connection timed out\n'), 'unreachable', /^unreachable: connection timed out/],
    ['case 2b, unreachable by name, from inside a host', run(255, 'ssh: connect to host vmserver3 port 22: Connection timed out\n'), 'unreachable', /^unreachable: connection timed out/],
    ['case 2c, unreachable without ConnectTimeout', run(255, 'ssh: connect to host 10.254.0.13 port 22: No route to host\n'), 'unreachable', /^unreachable: no route to host/],
    ['case 3, sshd hung', run(255, 'Connection timed out during banner exchange\nConnection to 10.254.0.13 port 22 timed out\n'), 'banner-timeout', /timed out during banner exchange/],
    ['case 4, changed host key', run(255, CHANGED_KEY), 'host-key-changed', /^host key changed/],
    ['case 4b, changed host key with accept-new', run(255, CHANGED_KEY), 'host-key-changed', /^host key changed/],
    ['case 5, unknown host key', run(255, 'Host key verification failed.\n'), 'host-key-unknown', /^host key unknown/],
    ['case 5b, unknown host key, strict', run(255, 'No ED25519 host key is known for 10.254.0.12 and you have requested strict checking.\nHost key verification failed.\n'), 'host-key-unknown', /^host key unknown/],
    ['case 6, key not authorized', run(255, 'root@10.254.0.12: Permission denied (publickey).\n'), 'permission-denied', /^permission denied \(publickey\)/],
    ['case 6b, identity file missing', run(255, 'no such identity: /nonexistent: No such file or directory\nroot@10.254.0.12: Permission denied (publickey).\n'), 'permission-denied', /identity file \/nonexistent does not exist/],
    ['case 7d, remote shell killed', run(255, ''), 'ssh-failed', /killed \(exit 255, no message\)/],
    ['case 8, unknown name', run(255, 'ssh: Could not resolve hostname vmserver9: Temporary failure in name resolution\n'), 'unresolved', /^the name vmserver9 does not resolve \(Temporary failure in name resolution\)/],
    ['case 10, killed by the per-member timeout', run(143, '', { timedOut: true }), 'node-timeout', /^no answer within 60 s/],
    ['ssh missing on this host', run(127, 'ssh: command not found\n', { notFound: true }), 'ssh-missing', /^ssh is not installed/],
    ['an unknown 255 text', run(255, 'kex_exchange_identification: read: Connection reset by peer\n'), 'ssh-failed', /^ssh failed \(exit 255\): kex_exchange_identification/],
  ];
  for (const [name, r, kind, reason] of cases) {
    it(`${name}`, () => {
      const f = sshFailure(r, 60);
      expect(f?.kind).toBe(kind);
      expect(f?.reason).toMatch(reason);
    });
  }

  it('case 4: the fix names the ssh-keygen -R line ssh printed', () => {
    expect(sshFailure(run(255, CHANGED_KEY), 60)?.hint).toContain('ssh-keygen -f "/tmp/ovs-test-hosts/known_hosts" -R "10.254.0.12"');
  });

  it('case 7, 7b: a remote command status is not an ssh failure', () => {
    expect(sshFailure(run(3, ''), 60)).toBeUndefined();
    expect(sshFailure(run(1, 'oops\n', { stdout: 'partial\n' }), 60)).toBeUndefined();
  });

  it('case 7c through propagation: ovs missing on the member (exit 127)', async () => {
    const host = pool({ expect: [{ argv: importArgv('ovs2.example.com'), result: { exitCode: 127, stderr: 'bash: line 1: ovs: command not found\n' } }, { argv: importArgv('ovs3.example.com'), respond: (c) => answer(c) }] });
    const r = await runOvs(propagateArgs, host);
    expect(byNode(r.json, 'ovs2.example.com')).toMatchObject({
      failure: 'remote-ovs-missing',
      reason: 'ovs not found on the member (ovs: bash: line 1: ovs: command not found)',
      hint: expect.stringContaining('--remote-ovs PATH'),
    });
  });

  it('a member that prints something other than one JSON document', async () => {
    const host = pool({ expect: [{ argv: importArgv('ovs2.example.com'), result: { exitCode: 0, stdout: 'hello\n' } }, { argv: importArgv('ovs3.example.com'), result: { exitCode: 2, stderr: 'Usage: ...\nerror: bad\n' } }] });
    const r = await runOvs(propagateArgs, host);
    expect(byNode(r.json, 'ovs2.example.com')).toMatchObject({ failure: 'bad-answer', reason: 'remote ovs gave no readable answer (hello)' });
    expect(byNode(r.json, 'ovs3.example.com')).toMatchObject({ failure: 'remote-failed', reason: 'remote ovs failed (exit 2): error: bad' });
  });
});
