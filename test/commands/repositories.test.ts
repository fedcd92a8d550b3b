/**
 * `ovs repositories start|stop|status|reload` (the ovsrepositories service) on the memory
 * host: a server after a reboot with an NFS cluster root, a shared OCFS2 and a local ext4
 * repository; the cluster root mounted first and unmounted last; one failing repository
 * not stopping the others; reload; --root; and the shipped SysV script's LSB mapping.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { volumeImage } from '../../src/lib/doubles/ocfs2-tools.js';
import { repoHost, storageDir, type RepoHostOptions } from '../helpers/repo-doubles.js';
import { runOvs } from '../helpers/run.js';
import { scratchDir } from '../helpers/sandbox.js';

const POOL = 'F4135C096045458195057412169071E5';
const VOL = '60D0985974CA425AAF5D01A1F161CC8B';
const LOCAL = '3C0D6F1A2B4E4C8D9E0F1A2B3C4D5E6F';
const NFS = 'fileserver.example.com:/OVS';
const mp = (uuid: string) => `/var/ovs/mount/${uuid}`;
const card = (uuid: string, type: string, role: string, source: string) =>
  `OVS_REPO_UUID=${uuid}\nOVS_REPO_VERSION=1\nOVS_REPO_TYPE=${type}\nOVS_REPO_ROLE=${role}\nOVS_REPO_SOURCE=${source}\nOVS_REPO_DESCRIPTION=x\nOVS_REPO_CREATED=2026-11-20T10:00:00Z\n`;
const POOL_DIRS = { running_pool: null, seed_pool: null, iso_pool: null, publish_pool: null, sharedDisk: null };
// The cluster root is listed last on purpose: it is still mounted first.
const REGISTRY = [
  `${VOL}  ocfs2  S     /dev/sdb1                      data`,
  `${LOCAL}  ext4   L     /dev/sdc1                      local`,
  `${POOL}  nfs    C     ${NFS}    Cluster Root`,
  '',
].join('\n');

/** A pool server just rebooted: everything registered, nothing mounted, /OVS absent. */
function rebooted(o: RepoHostOptions = {}) {
  return repoHost({
    o2cbOnline: 'ocfs2',
    devices: { '/dev/sdb1': { type: 'ocfs2', uuid: VOL }, '/dev/sdc1': { type: 'ext4' } },
    ...o,
    storage: {
      [NFS]: { '.ovsrepo': card(POOL, 'nfs', 'C', NFS), '.server_pool_hb': volumeImage(), ...POOL_DIRS },
      '/dev/sdb1': { '.ovsrepo': card(VOL, 'ocfs2', 'S', '/dev/sdb1'), ...POOL_DIRS },
      '/dev/sdc1': { '.ovsrepo': card(LOCAL, 'ext4', 'L', '/dev/sdc1'), ...POOL_DIRS },
      ...o.storage,
    },
    files: { '/etc/ovs/repositories': REGISTRY, '/var/log': null, [mp(POOL)]: null, [mp(VOL)]: null, [mp(LOCAL)]: null, ...o.files },
  });
}

const mounts = (h: { calls: { argv: string[] }[] }) => h.calls.filter((c) => c.argv[0] === 'mount' || c.argv[0] === 'umount').map((c) => c.argv);

describe('repositories start', () => {
  it('mounts every entry, the cluster root first, and sets /OVS and the /OVS/<UUID> links', async () => {
    const host = rebooted();
    const r = await runOvs(['repositories', 'start'], host);
    expect(r.exit).toBe(0);
    expect(mounts(host)).toEqual([
      ['mount', '-t', 'nfs', '-o', 'rw,hard,tcp,nfsvers=3,timeo=600', '--', NFS, mp(POOL)],
      ['mount', '-t', 'ocfs2', '-o', '_netdev', '--', '/dev/sdb1', mp(VOL)],
      ['mount', '-t', 'ext4', '-o', 'defaults', '--', '/dev/sdc1', mp(LOCAL)],
    ]);
    expect(String(host.vol.readlinkSync('/OVS'))).toBe(mp(POOL));
    expect(String(host.vol.readlinkSync(`${mp(POOL)}/${VOL}`))).toBe(mp(VOL));
    expect(String(host.vol.readlinkSync(`${mp(POOL)}/${LOCAL}`))).toBe(mp(LOCAL));
    expect(host.readText('/etc/ovs/repositories')).toBe(REGISTRY);
    expect(r.stdout).toBe(
      [`${POOL}  nfs    C  ${NFS}: mounted`, `${VOL}  ocfs2  S  /dev/sdb1: mounted`, `${LOCAL}  ext4   L  /dev/sdc1: mounted`, ''].join('\n'),
    );
    const again = await runOvs(['--json', 'repositories', 'start'], host);
    expect(again.exit).toBe(0);
    expect(again.json.changes).toEqual([]);
    expect(again.json.result.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['already mounted', 'already mounted', 'already mounted']);
  });

  it('one repository failing does not stop the others; the run exits 69 and says which and why', async () => {
    const host = rebooted({ o2cbOnline: undefined });
    const r = await runOvs(['repositories', 'start'], host);
    expect(r.exit).toBe(69);
    expect(mounts(host).map((a) => a[6])).toEqual([NFS, '/dev/sdc1']);
    expect(r.stdout).toContain(`${VOL}  ocfs2  S  /dev/sdb1: failed\n  the O2CB cluster 'ocfs2' is not online while checking the O2CB cluster for an OCFS2 repository\n  hint: run \`ovs cluster-configure\``);
  });

  it("a repository whose storage's .ovsrepo names another UUID is not left mounted (failed, 69)", async () => {
    const host = rebooted({ storage: { '/dev/sdc1': { '.ovsrepo': card(VOL, 'ext4', 'L', '/dev/sdc1') } } });
    const r = await runOvs(['repositories', 'start'], host);
    expect(r.exit).toBe(69);
    expect(r.stdout).toContain(`/dev/sdc1 is registered under uuid ${LOCAL}, but the .ovsrepo on its storage says ${VOL}`);
    expect(host.readText('/proc/mounts')).not.toContain('/dev/sdc1');
    expect(mounts(host).at(-1)).toEqual(['umount', '--', mp(LOCAL)]);
  });

  it('an empty registry: nothing to do, exit 0', async () => {
    const r = await runOvs(['repositories', 'start'], repoHost());
    expect(r.exit).toBe(0);
    expect(r.stdout).toBe('no repositories in /etc/ovs/repositories: nothing to start\n');
  });
});

describe('repositories stop, status, reload', () => {
  it('stop unmounts in reverse order, the cluster root last, and removes /OVS', async () => {
    const host = rebooted();
    await runOvs(['repositories', 'start'], host);
    host.calls.length = 0;
    const r = await runOvs(['repositories', 'stop'], host);
    expect(r.exit).toBe(0);
    expect(mounts(host)).toEqual([
      ['umount', '--', mp(LOCAL)],
      ['umount', '--', mp(VOL)],
      ['umount', '--', mp(POOL)],
    ]);
    expect(host.exists('/OVS')).toBe(false);
    expect(host.readText('/proc/mounts')).toBe('/dev/vda1 / ext4 rw,relatime 0 0\n');
  });

  it('stop leaves a repository with a running guest mounted and says so (69); the others are unmounted', async () => {
    const host = rebooted();
    await runOvs(['repositories', 'start'], host);
    host.vol.mkdirSync('/proc/900/fd', { recursive: true });
    host.vol.symlinkSync(`${mp(VOL)}/running_pool/vm2/System.img`, '/proc/900/fd/3');
    const r = await runOvs(['repositories', 'stop'], host);
    expect(r.exit).toBe(69);
    expect(r.stdout).toContain(`${VOL}  ocfs2  S  /dev/sdb1: failed\n  guests are running from /dev/sdb1 (${VOL})`);
    expect(host.readText('/proc/mounts')).toContain(mp(VOL));
    expect(host.readText('/proc/mounts')).not.toContain(mp(POOL));
  });

  it('status lists every repository with its mount state; exit 3 (LSB not running) while one is not mounted', async () => {
    const host = rebooted();
    const down = await runOvs(['repositories', 'status'], host);
    expect(down.exit).toBe(3);
    await runOvs(['repositories', 'start'], host);
    const up = await runOvs(['repositories', 'status'], host);
    expect(up.exit).toBe(0);
    expect(up.stdout).toBe(
      [
        'UUID                              TYPE   ROLE  MOUNTED  SOURCE',
        `${POOL}  nfs    C     yes      ${NFS}`,
        `${VOL}  ocfs2  S     yes      /dev/sdb1`,
        `${LOCAL}  ext4   L     yes      /dev/sdc1`,
        `/OVS -> ${mp(POOL)}`,
        '',
      ].join('\n'),
    );
    const json = await runOvs(['--json', 'repositories', 'status'], host);
    expect(json.json.result.repositories[0]).toEqual({ uuid: POOL, type: 'nfs', role: 'C', source: NFS, description: 'Cluster Root', mountPoint: mp(POOL), mounted: true });
  });

  it('reload unmounts what is no longer registered and mounts new entries', async () => {
    const host = rebooted();
    await runOvs(['repositories', 'start'], host);
    host.vol.writeFileSync('/etc/ovs/repositories', REGISTRY.replace(/^.*\/dev\/sdc1.*\n/m, '') + `00000000000000000000000000000009  nfs    S     nas2:/data                     more\n`);
    host.vol.mkdirSync(storageDir('nas2:/data'));
    host.calls.length = 0;
    const r = await runOvs(['repositories', 'reload'], host);
    expect(r.exit).toBe(0);
    expect(mounts(host)).toEqual([
      ['umount', '--', mp(LOCAL)],
      ['mount', '-t', 'nfs', '-o', 'rw,hard,tcp,nfsvers=3,timeo=600', '--', 'nas2:/data', mp('00000000000000000000000000000009')],
    ]);
    expect(r.stdout).toContain(`${LOCAL}  ext4   -  /dev/sdc1: unmounted\n`);
  });

  it('status works under --root (offline); start, stop and reload need the live machine (64)', async () => {
    const host = repoHost({ files: { '/img/etc/ovs/repositories': REGISTRY } });
    const st = await runOvs(['--root', '/img', 'repositories', 'status'], host);
    expect(st.exit).toBe(0);
    expect(st.stdout).toContain(`${POOL}  nfs    C     offline  ${NFS}\n`);
    const start = await runOvs(['--root', '/img', 'repositories', 'start'], host);
    expect(start.exit).toBe(64);
    expect(start.stderr.split('\n')[0]).toBe('ovs: repositories: repositories start needs the live machine and cannot run under --root /img');
    const bad = await runOvs(['repositories', 'restart'], host);
    expect(bad.exit).toBe(64);
    expect(bad.stderr).toContain("ovs: repositories: unknown action 'restart' (one of: start, stop, status, reload)");
  });
});

describe('the shipped service files', () => {
  const init = readFileSync('contrib/ovsrepositories.init', 'utf8');
  const unit = readFileSync('contrib/ovsrepositories.service', 'utf8');

  it('are ordered after o2cb and ocfs2 and before ovs-agent', () => {
    expect(init).toMatch(/^# Required-Start: +\$network \$local_fs o2cb ocfs2$/m);
    expect(init).toMatch(/^# X-Start-Before: +ovs-agent$/m);
    expect(init).toMatch(/^# chkconfig: 2345 26 17$/m); // K17: before ocfs2 (K18 or K19) and o2cb
    expect(unit).toMatch(/^Requires=o2cb\.service ocfs2\.service$/m);
    expect(unit).toMatch(/^After=.*\bo2cb\.service ocfs2\.service\b/m);
    expect(unit).toMatch(/^Before=ovs-agent\.service$/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/env ovs repositories start$/m);
  });

  it('the SysV script calls `ovs repositories ACTION` and maps status to LSB (0 running, 3 stopped, 4 unknown)', () => {
    const dir = scratchDir('repo-init');
    try {
      const fake = join(dir.path, 'ovs');
      const log = join(dir.path, 'calls');
      writeFileSync(fake, `#!/bin/sh\necho "$*" >> ${log}\nexit \${FAKE_EXIT:-0}\n`);
      chmodSync(fake, 0o755);
      const run = (action: string, exit: number) =>
        spawnSync('sh', ['contrib/ovsrepositories.init', action], { env: { ...process.env, OVS: fake, FAKE_EXIT: String(exit) }, encoding: 'utf8' }).status;
      expect([run('status', 0), run('status', 3), run('status', 72)]).toEqual([0, 3, 4]);
      expect([run('start', 0), run('start', 69), run('bogus', 0)]).toEqual([0, 1, 2]);
      expect(run('restart', 0)).toBe(0);
      expect(readFileSync(log, 'utf8')).toBe(['repositories status', 'repositories status', 'repositories status', 'repositories start', 'repositories start', 'repositories stop', 'repositories start', ''].join('\n'));
    } finally {
      dir.remove();
    }
  });
});
