/**
 * The repository commands against real mounts, each simulated pool server in a private mount
 * namespace of its own (test/helpers/repo-server.ts): a local ext4 repository on a loop
 * device mounted for real; an "NFS" cluster root through a `mount` wrapper that bind-mounts
 * a local export directory (real mount syscalls, real files, a real heartbeat file made by
 * mkfs.ocfs2); a second server adding the same export reusing the first one's UUID and
 * leaving its heartbeat file alone; running guests seen through the real /proc and loop
 * devices; and an OCFS2 volume formatted for real on a loop device, whose mount step goes
 * through a runner replaying mount.ocfs2 (OCFS2 cannot be mounted on this kernel).
 * Nothing of the machine's own /etc/ovs, /var/ovs, /OVS or /etc/fstab is touched.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nfsMountWrapper, readInside, readLog, startRepoServer, type RepoServer } from '../helpers/repo-server.js';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools, findTool } from '../helpers/tools.js';

const NFS = 'fileserver.example.com:/OVS';
const UUID = /^[0-9A-F]{32}$/;
const TOOLS = ['unshare', 'nsenter', 'chroot', 'losetup', 'mkfs.ext4', 'debugfs', 'mkfs.ocfs2', 'tunefs.ocfs2', 'debugfs.ocfs2', 'blkid', '/sbin/modprobe', 'mount', 'umount', 'node', 'npm'];

function sh(argv: string[]): string {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

describeWithTools(TOOLS, 'repositories on real mounts (private mount namespaces)', () => {
  let scratch: { path: string; remove: () => void };
  let S: string;
  let exportDir: string;
  let mountLog: string;
  const servers: RepoServer[] = [];
  const loops: string[] = [];
  const holders: ChildProcess[] = [];
  let path: string;
  let localLoop: string;
  let ocfs2Loop: string;

  const start = (name: string, o2cbOnline?: string) => {
    const s = startRepoServer(S, name, { path, ...(o2cbOnline ? { o2cbOnline } : {}) });
    servers.push(s);
    return s;
  };
  const attach = (img: string) => {
    const dev = sh(['losetup', '-f', '--show', '--', img]).trim();
    loops.push(dev);
    return dev;
  };
  const registry = (s: RepoServer) => readFileSync(join(s.etcOvs, 'repositories'), 'utf8');
  const mountsIn = (s: RepoServer) => readInside(s, '/proc/mounts');

  beforeAll(() => {
    expect(spawnSync('npm', ['run', 'build'], { encoding: 'utf8' }).status).toBe(0);
    scratch = scratchDir('repos');
    S = scratch.path;
    exportDir = join(S, 'exports', 'fileserver.example.com', 'OVS');
    mkdirSync(exportDir, { recursive: true });
    mkdirSync(join(S, 'bin'));
    mountLog = join(S, 'mount.log');
    writeFileSync(join(S, 'bin', 'mount'), nfsMountWrapper(join(S, 'exports'), mountLog, findTool('mount') as string));
    chmodSync(join(S, 'bin', 'mount'), 0o755);
    path = [join(S, 'bin'), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');
    const local = join(S, 'local.img');
    sh(['truncate', '-s', '128M', local]);
    sh(['mkfs.ext4', '-q', '-F', local]);
    localLoop = attach(local);
    const ocfs2 = join(S, 'ocfs2.img');
    sh(['truncate', '-s', '400M', ocfs2]);
    ocfs2Loop = attach(ocfs2);
    sh(['mkfs.ocfs2', '-q', '-x', '--nodiscard', '-L', 'ovsdata', '-N', '4', ocfs2Loop]);
  });

  afterAll(async () => {
    for (const h of holders) h.kill('SIGKILL');
    for (const s of servers) await s.stop();
    for (const dev of loops) spawnSync('losetup', ['-d', dev]);
    scratch?.remove();
  });

  it('server 1: a local ext4 repository on a loop device (role L) is mounted for real, and -d leaves its data', () => {
    const s1 = start('vmserver1');
    const r = s1.ovs(['--json', 'makerepo', localLoop, 'L', 'local images']);
    expect(r.exitCode, r.stderr).toBe(0);
    const uuid = JSON.parse(r.stdout).result.uuid as string;
    expect(uuid).toMatch(UUID);
    expect(mountsIn(s1)).toContain(`${localLoop} /var/ovs/mount/${uuid} ext4 rw`);
    expect(s1.exec(['ls', '-A', `/var/ovs/mount/${uuid}`]).stdout.split('\n').filter(Boolean).sort()).toEqual(['.ovsrepo', 'iso_pool', 'lost+found', 'publish_pool', 'running_pool', 'seed_pool', 'sharedDisk']);
    expect(registry(s1)).toContain(`${uuid}  ext4   L     ${localLoop.padEnd(30)} local images\n`);

    const off = s1.ovs(['offlinerepo', '-d', uuid]);
    expect(off.exitCode, off.stderr).toBe(0);
    expect(mountsIn(s1)).not.toContain(`/var/ovs/mount/${uuid}`);
    expect(registry(s1)).not.toContain(uuid);
    expect(readdirSync(join(s1.varOvs, 'mount'))).toEqual([]);
    // The data stays on the file system: read it back without mounting.
    const listing = sh(['debugfs', '-R', 'ls', localLoop]);
    for (const name of ['.ovsrepo', 'running_pool', 'seed_pool', 'iso_pool', 'publish_pool', 'sharedDisk']) expect(listing).toContain(name);
  });

  let poolUuid = '';

  it('server 1: the NFS cluster root (mount wrapper bind-mounts the export: real mounts, real files, a real heartbeat file)', () => {
    const s1 = servers[0] as RepoServer;
    const r = s1.ovs(['--json', 'makerepo', NFS, 'C', 'Cluster Root']);
    expect(r.exitCode, r.stderr).toBe(0);
    poolUuid = JSON.parse(r.stdout).result.uuid;
    expect(readLog(mountLog)).toEqual([`mount -t nfs -o rw,hard,tcp,nfsvers=3,timeo=600 -- ${NFS} /var/ovs/mount/${poolUuid}`]);
    expect(readFileSync(join(exportDir, '.ovsrepo'), 'utf8')).toContain(`OVS_REPO_UUID=${poolUuid}\n`);
    for (const d of ['running_pool', 'seed_pool', 'iso_pool', 'publish_pool', 'sharedDisk']) expect(statSync(join(exportDir, d)).isDirectory()).toBe(true);
    expect(sh(['tunefs.ocfs2', '-Q', '%V %N\n', join(exportDir, '.server_pool_hb')])).toBe('server_pool_hb 16\n');
    expect(statSync(join(exportDir, '.server_pool_hb')).size).toBe(300 * 1024 * 1024);
    expect(s1.exec(['readlink', '/OVS']).stdout).toBe(`/var/ovs/mount/${poolUuid}\n`);
    expect(mountsIn(s1)).toMatch(new RegExp(`^\\S+ /var/ovs/mount/${poolUuid} `, 'm'));
    expect(existsSync('/OVS')).toBe(false); // the machine's own root is untouched

    const again = s1.ovs(['--json', 'makerepo', NFS, 'C', 'Cluster Root']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).changes).toEqual([]);
  });

  it("server 2 (another mount namespace) adding the same export reuses the first one's UUID and leaves its heartbeat file alone", () => {
    const hb = join(exportDir, '.server_pool_hb');
    const before = statSync(hb);
    const volume = sh(['tunefs.ocfs2', '-Q', '%U', hb]);
    const s2 = start('vmserver2');
    const r = s2.ovs(['makerepo', NFS, 'C', 'Cluster Root']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(registry(s2)).toContain(`${poolUuid}  nfs    C     ${NFS}    Cluster Root\n`);
    const log = readLog(mountLog).slice(1);
    expect(log).toHaveLength(2);
    expect(log[0]).toMatch(new RegExp(`^mount -t nfs -o rw,hard,tcp,nfsvers=3,timeo=600 -- ${NFS} /var/ovs/mount/[0-9A-F]{32}$`));
    expect(log[1]).toBe(`mount -t nfs -o rw,hard,tcp,nfsvers=3,timeo=600 -- ${NFS} /var/ovs/mount/${poolUuid}`);
    expect(readdirSync(join(s2.varOvs, 'mount'))).toEqual([poolUuid]);
    const after = statSync(hb);
    expect([after.ino, after.mtimeMs, after.size]).toEqual([before.ino, before.mtimeMs, before.size]);
    expect(sh(['tunefs.ocfs2', '-Q', '%U', hb])).toBe(volume);
    expect(readInside(s2, '/proc/mounts')).toContain(`/var/ovs/mount/${poolUuid}`);
    expect(s2.exec(['readlink', '/OVS']).stdout).toBe(`/var/ovs/mount/${poolUuid}\n`);
  });

  it('server 2: the ovsrepositories service stops and starts its repositories', () => {
    const s2 = servers[1] as RepoServer;
    expect(s2.ovs(['repositories', 'stop']).exitCode).toBe(0);
    expect(s2.exec(['test', '-e', '/OVS']).exitCode).toBe(1);
    const down = s2.ovs(['repositories', 'status']);
    expect(down.exitCode).toBe(3); // LSB: not running
    expect(down.stdout).toContain(`${poolUuid}  nfs    C     no       ${NFS}\n`);
    const up = s2.ovs(['repositories', 'start']);
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    expect(s2.ovs(['repositories', 'status']).exitCode).toBe(0);
    expect(s2.exec(['readlink', '/OVS']).stdout).toBe(`/var/ovs/mount/${poolUuid}\n`);
  });

  it('server 2: offlinerepo refuses while a process holds a running_pool file open, or a loop device is backed by one', async () => {
    const s2 = servers[1] as RepoServer;
    mkdirSync(join(exportDir, 'running_pool', 'vm1'));
    sh(['truncate', '-s', '1M', join(exportDir, 'running_pool', 'vm1', 'System.img')]);
    const img = `/var/ovs/mount/${poolUuid}/running_pool/vm1/System.img`;
    const holder = s2.spawn(['tail', '-f', img]);
    holders.push(holder);
    let r = s2.ovs(['offlinerepo', poolUuid]);
    for (let i = 0; i < 50 && r.exitCode === 0; i++) r = s2.ovs(['offlinerepo', poolUuid]); // tail opens it shortly after start
    expect(r.exitCode, r.stderr).toBe(75);
    expect(r.stderr).toMatch(new RegExp(`guests are running from ${NFS} \\(${poolUuid}\\): ${img} \\(open file, pid \\d+ \\(tail\\)\\)`));
    holder.kill('SIGKILL');
    await new Promise((done) => holder.once('exit', done));

    const loop = s2.exec(['losetup', '-f', '--show', '--', img]).stdout.trim();
    loops.push(loop);
    r = s2.ovs(['offlinerepo', poolUuid]);
    expect(r.exitCode).toBe(75);
    expect(r.stderr).toContain(`${img} (loop device, ${loop})`);
    s2.exec(['losetup', '-d', loop]);
    r = s2.ovs(['offlinerepo', poolUuid]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(s2.exec(['test', '-e', '/OVS']).exitCode).toBe(1);
    expect(existsSync(join(exportDir, '.server_pool_hb'))).toBe(true);
  });

  it('OCFS2 on a loop device formatted for real: the volume UUID from the real tools; the mount goes through a runner (replayed mount.ocfs2 1.8.7 failure, docs/tools.md; then a bind mount standing in for the volume)', () => {
    const volumeUuid = sh(['tunefs.ocfs2', '-Q', '%U', ocfs2Loop]);
    expect(volumeUuid).toMatch(UUID);
    const runner = join(S, 'ocfs2-runner.mjs');
    writeFileSync(runner, ocfs2Runner(join(process.cwd(), 'dist', 'index.js')));
    const s3 = start('vmserver3', 'ocfs2');
    s3.exec(['sh', '-c', 'printf "O2CB_ENABLED=true\\nO2CB_BOOTCLUSTER=ocfs2\\n" > /etc/default/o2cb']);
    const log = join(S, 'ocfs2-mounts.log');

    const failed = s3.exec(['node', runner, 'makerepo', ocfs2Loop, 'S', 'data'], { env: { OCFS2_MOUNT: 'fail', OCFS2_LOG: log } });
    expect(failed.exitCode).toBe(69);
    expect(failed.stderr).toContain(
      `ovs: makerepo: mount failed (exit 1): mount.ocfs2: Unable to access cluster service while trying initialize cluster while mounting ${ocfs2Loop} on /var/ovs/mount/${volumeUuid} (mount -t ocfs2 -o _netdev -- ${ocfs2Loop} /var/ovs/mount/${volumeUuid})\n`,
    );
    expect(readLog(log)).toEqual([JSON.stringify(['mount', '-t', 'ocfs2', '-o', '_netdev', '--', ocfs2Loop, `/var/ovs/mount/${volumeUuid}`])]);
    expect(existsSync(join(s3.etcOvs, 'repositories'))).toBe(false);
    expect(readdirSync(s3.varOvs)).toEqual([]);

    const volumeRoot = join(S, 'ocfs2-volume-root');
    mkdirSync(volumeRoot);
    const ok = s3.exec(['node', runner, 'makerepo', ocfs2Loop, 'S', 'data'], { env: { OCFS2_MOUNT: volumeRoot, OCFS2_LOG: log } });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(registry(s3)).toContain(`${volumeUuid}  ocfs2  S     ${ocfs2Loop.padEnd(30)} data\n`);
    expect(readFileSync(join(volumeRoot, '.ovsrepo'), 'utf8')).toContain(`OVS_REPO_UUID=${volumeUuid}\nOVS_REPO_VERSION=1\nOVS_REPO_TYPE=ocfs2\n`);
  });
});

/**
 * `ovs` on the real host, except `mount -t ocfs2`: OCFS2 cannot be mounted on this kernel
 * (docs/tools.md), so the runner answers it — with mount.ocfs2's real message, or by
 * bind-mounting a directory standing in for the volume's root — and logs the argv.
 */
function ocfs2Runner(library: string): string {
  return `import { appendFileSync } from 'node:fs';
import { main, realHost } from ${JSON.stringify(library)};
const real = realHost();
const mode = process.env.OCFS2_MOUNT;
const host = {
  ...real,
  async run(argv, opts) {
    if (argv[0] !== 'mount' || argv[2] !== 'ocfs2') return real.run(argv, opts);
    appendFileSync(process.env.OCFS2_LOG, JSON.stringify(argv) + '\\n');
    if (mode === 'fail') return { exitCode: 1, stdout: '', stderr: 'mount.ocfs2: Unable to access cluster service while trying initialize cluster\\n' };
    return real.run(['mount', '--bind', '--', mode, argv[argv.length - 1]], opts);
  },
};
process.exitCode = await main(process.argv.slice(2), host);
`;
}
