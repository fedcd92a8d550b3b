/**
 * The --root rules of issue 13: a dry run under --root shows a live action exactly as the
 * run records it (`skipped (offline)` with its reason), and offline name resolution reads
 * the image's /etc/hosts only, never the DNS of the machine running ovs.
 */
import { describe, expect, it } from 'vitest';
import { runOvs } from '../helpers/run.js';

const IMAGE = {
  '/img/etc/hostname': 'ovs1.example.com\n',
  '/img/etc/hosts': '127.0.0.1 localhost\n192.168.1.11 ovs1.example.com ovs1\n',
  '/img/etc/init.d/o2cb': '#!/bin/sh\n',
  '/img/etc/sysconfig': null,
};
type Change = { kind: string; argv?: string[]; service?: { action: string }; result: string; reason?: string };

describe('--dry-run under --root: live actions are skipped (offline), as the run records them', () => {
  it('cluster-configure: start o2cb is skipped (offline) in the plan, with the reason, never planned', async () => {
    const argv = ['--root', '/img', 'cluster-configure', '--node', 'ovs1.example.com'];
    const plan = await runOvs(['--json', '--dry-run', ...argv], { files: IMAGE });
    const run = await runOvs(['--json', ...argv], { files: IMAGE });
    const start = (r: typeof plan) => (r.json.changes as Change[]).find((c) => c.service?.action === 'start');
    expect(start(plan)).toEqual({ kind: 'service', service: { name: 'o2cb', action: 'start' }, argv: ['service', 'o2cb', 'start'], result: 'skipped (offline)', reason: 'needs the running server; --root changes only the image' });
    expect(start(plan)).toEqual(start(run));
    expect(plan.json.result.o2cb).toBe('skipped (offline)');
    const human = await runOvs(['--dry-run', ...argv], { files: IMAGE });
    expect(human.stdout).toContain('  service  start o2cb   (service o2cb start)   skipped (offline): needs the running server; --root changes only the image');
    expect(human.stdout).toContain('o2cb: skipped (offline)');
    expect(human.stderr).not.toContain('would run service o2cb start');
  });

  it('makerepo of an NFS cluster root: the mount is skipped (offline), left to the service at boot', async () => {
    const r = await runOvs(['--json', '--dry-run', '--root', '/img', 'makerepo', 'nfs.example.com:/OVS', 'C', 'cluster root'], { files: IMAGE });
    expect(r.exit).toBe(0);
    const mount = (r.json.changes as Change[]).find((c) => c.argv?.[0] === 'mount');
    expect(mount).toMatchObject({ kind: 'run', result: 'skipped (offline)', reason: 'the ovsrepositories service mounts it at boot' });
    expect((r.json.changes as Change[]).filter((c) => c.result === 'planned').every((c) => c.kind !== 'run')).toBe(true);
  });

  it('live, a dry run still plans the same action (planned, not skipped)', async () => {
    const r = await runOvs(['--json', '--dry-run', 'cluster-configure', '--node', 'ovs1.example.com'], { hostname: 'ovs1.example.com', services: { o2cb: {} }, files: { '/etc/hosts': IMAGE['/img/etc/hosts'] } });
    expect((r.json.changes as Change[]).find((c) => c.service?.action === 'start')).toMatchObject({ result: 'planned' });
    expect(r.json.result.o2cb).toBe('planned');
  });
});

describe('offline name resolution: the image\'s /etc/hosts only', () => {
  const dns = { 'ovs2.example.com': ['192.168.1.12'], 'ovs1.example.com': ['10.9.9.9'] };

  it('cluster-configure under --root: a name only DNS knows is exit 65 naming the image file, DNS never asked', async () => {
    const r = await runOvs(['--root', '/img', 'cluster-configure', '--node', 'ovs1.example.com', '--node', 'ovs2.example.com'], { files: IMAGE, dns });
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain("ovs: cluster-configure: cannot resolve node 'ovs2.example.com': it is not in /img/etc/hosts, and under --root DNS is not asked while resolving the address of node ovs2.example.com");
    expect(r.stderr).toContain('ovs: hint: give the address: --node ovs2.example.com=IPV4, or add "IPV4 ovs2.example.com" to /img/etc/hosts');
    expect(r.host.exists('/img/etc/ocfs2/cluster.conf')).toBe(false);
  });

  it('cluster-configure under --root: the image\'s address wins and DNS disagreeing is not even asked (no warning)', async () => {
    const r = await runOvs(['--json', '--root', '/img', 'cluster-configure', '--node', 'ovs1.example.com'], { files: IMAGE, dns });
    expect(r.exit).toBe(0);
    expect(r.json.result.nodes[0]).toMatchObject({ ipAddress: '192.168.1.11', origin: 'hosts' });
    expect(r.json.warnings.filter((w: string) => /DNS|10\.9\.9\.9/.test(w))).toEqual([]);
  });

  it('live, the same name is found through DNS (the rule is for --root only)', async () => {
    const r = await runOvs(['--json', '--dry-run', 'cluster-configure', '--node', 'ovs2.example.com'], { hostname: 'ovs2.example.com', services: { o2cb: {} }, dns });
    expect(r.exit).toBe(0);
    expect(r.json.result.nodes[0]).toMatchObject({ ipAddress: '192.168.1.12', origin: 'dns' });
  });

  it('cluster-check under --root reports a name not in the image as skipped (offline), same rule', async () => {
    const files = { ...IMAGE, '/img/etc/hostname': 'ovs2.example.com\n' };
    const r = await runOvs(['--json', '--root', '/img', 'cluster-check'], { files, dns });
    const check = r.json.result.checks.find((c: { id: string }) => c.id === 'hostname.address');
    expect(check.message).toBe("skipped (offline): 'ovs2.example.com' is not in the image's /etc/hosts and DNS is not asked under --root");
  });
});

describe('joining a pool offline: makerepo of a cluster root without --uuid warns', () => {
  const argv = ['--json', '--root', '/img', 'makerepo', 'nfs.example.com:/OVS', 'C', 'cluster root'];

  it('warns that the pool\'s uuid must be given, and how to read it on the master', async () => {
    const r = await runOvs(argv, { files: IMAGE });
    expect(r.exit).toBe(0);
    const uuid = r.json.result.uuid as string;
    expect(r.json.warnings).toContain(
      `new cluster root uuid ${uuid}: under --root the storage's own uuid cannot be read. A server joining an existing pool must be given the pool's: --uuid UUID (on the master: \`ovs repositories status\`, or the first field of the C line of its /etc/ovs/repositories)`,
    );
  });

  it('no warning with --uuid, for a shared repository, or live', async () => {
    const withUuid = await runOvs([...argv, '--uuid', 'F4135C096045458195057412169071E5'], { files: IMAGE });
    expect(withUuid.json.warnings.filter((w: string) => w.includes('--uuid'))).toEqual([]);
    const shared = await runOvs(['--json', '--root', '/img', 'makerepo', 'nfs.example.com:/data', 'S', 'shared'], { files: IMAGE });
    expect(shared.json.warnings.filter((w: string) => w.includes('--uuid'))).toEqual([]);
  });
});
