/**
 * A heartbeat file is made only on storage really mounted there (issue 13): a pool server in
 * a private mount namespace (test/helpers/repo-server.ts) with an empty repository mount
 * point refuses with 78 and leaves it empty; with a tmpfs mounted on it (standing in for
 * the NFS export: real mount syscalls, a real /proc/mounts) the same command makes the file
 * with the real ocfs2-tools. Nothing of the machine's own /var/ovs or /OVS is touched.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRepoServer, type RepoServer } from '../helpers/repo-server.js';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

const U = 'F4135C096045458195057412169071E5';
const MP = `/var/ovs/mount/${U}`;
const TOOLS = ['unshare', 'nsenter', 'chroot', 'mount', 'mkfs.ocfs2', 'tunefs.ocfs2', 'debugfs.ocfs2', 'blkid', '/sbin/modprobe', 'node', 'npm'];

describeWithTools(TOOLS, 'hb-create never fills an empty mount point (private mount namespace)', () => {
  let scratch: { path: string; remove: () => void };
  let server: RepoServer;

  beforeAll(() => {
    expect(spawnSync('npm', ['run', 'build'], { encoding: 'utf8' }).status).toBe(0);
    scratch = scratchDir('i13hb');
    server = startRepoServer(scratch.path, 'i13hb1', { path: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' });
    mkdirSync(join(server.varOvs, 'mount', U), { recursive: true });
    expect(server.exec(['ln', '-s', '--', MP, '/OVS']).exitCode).toBe(0);
  });

  afterAll(async () => {
    await server?.stop();
    scratch?.remove();
  });

  it('live, nothing mounted on the mount point: 78, hint to mount, the mount point stays empty', () => {
    const r = server.ovs(['hb-create', '--size', '136M']);
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toBe(
      `ovs: hb-create: nothing is mounted on ${MP}: a file made there would be hidden by the repository's mount while checking that the repository of /OVS/.server_pool_hb is mounted\n` +
        'ovs: hint: mount the repositories first: ovs repositories start\novs: nothing was changed\n',
    );
    expect(readdirSync(join(server.varOvs, 'mount', U))).toEqual([]);
  });

  it('under --root, the image\'s NFS cluster root (/OVS -> its empty mount point): 64, nothing written', () => {
    const img = join(scratch.path, 'img');
    mkdirSync(join(img, 'var/ovs/mount', U), { recursive: true });
    symlinkSync(MP, join(img, 'OVS'));
    const r = spawnSync('node', ['bin/ovs', '--root', img, 'hb-create'], { encoding: 'utf8' });
    expect(r.status).toBe(64);
    expect(r.stderr).toContain(`ovs: hb-create: /OVS/.server_pool_hb is on a repository, and under --root ${img} nothing is mounted on ${MP}`);
    expect(readdirSync(join(img, 'var/ovs/mount', U))).toEqual([]);
    // The run lock's directory (/run/lock) is left by any locking run for now: that a refused
    // or no-op run leaves no trace at all is another change of issue 13.
    expect(readdirSync(img).filter((e) => e !== 'run').sort()).toEqual(['OVS', 'var']);
  });

  it('live, storage mounted there (a tmpfs): the heartbeat file is made on it with the real tools', () => {
    expect(server.exec(['mount', '-t', 'tmpfs', '-o', 'size=200m', 'tmpfs', MP]).exitCode).toBe(0);
    const r = server.ovs(['--json', 'hb-create', '--size', '136M']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, result: { path: '/OVS/.server_pool_hb', created: true } });
    expect(server.exec(['blkid', '-p', '-o', 'value', '-s', 'TYPE', '--', `${MP}/.server_pool_hb`]).stdout.trim()).toBe('ocfs2');
    // The file is on the mounted storage, not in the directory underneath it.
    expect(readdirSync(join(server.varOvs, 'mount', U))).toEqual([]);
  });
});
