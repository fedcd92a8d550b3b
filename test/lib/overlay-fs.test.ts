import { describe, expect, it } from 'vitest';
import { memoryHost } from '../../src/lib/doubles/memory-host.js';
import { OverlayFs } from '../../src/lib/overlay-fs.js';

function setup() {
  const host = memoryHost({ files: { '/etc/fstab': 'lower\n', '/etc/hosts': 'h\n', '/var/ovs/mount': null } });
  const before = JSON.stringify(host.vol.toJSON());
  return { host, fs: new OverlayFs(host.fs), lowerUnchanged: () => JSON.stringify(host.vol.toJSON()) === before };
}

describe('the dry-run overlay', () => {
  it('reads its own writes and leaves the lower layer alone', async () => {
    const { fs, lowerUnchanged } = setup();
    await fs.writeFile('/etc/fstab', 'upper\n');
    expect((await fs.readFile('/etc/fstab')).toString()).toBe('upper\n');
    expect(lowerUnchanged()).toBe(true);
  });

  it('merges directory listings and hides removed entries', async () => {
    const { fs } = setup();
    await fs.writeFile('/etc/new.conf', 'n');
    await fs.unlink('/etc/hosts');
    expect(await fs.readdir('/etc')).toEqual(['fstab', 'new.conf']);
    await expect(fs.readFile('/etc/hosts')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('follows a symbolic link made earlier in the run', async () => {
    const { fs } = setup();
    await fs.mkdir('/var/ovs/mount/ABC');
    await fs.symlink('/var/ovs/mount/ABC', '/OVS');
    await fs.writeFile('/OVS/.ovsrepo', 'OVS_REPO_UUID=ABC\n');
    expect((await fs.readFile('/var/ovs/mount/ABC/.ovsrepo')).toString()).toBe('OVS_REPO_UUID=ABC\n');
    expect((await fs.lstat('/OVS')).kind).toBe('symlink');
    expect((await fs.stat('/OVS')).kind).toBe('dir');
  });

  it('refuses a write into a missing directory like the real file system', async () => {
    const { fs } = setup();
    await expect(fs.writeFile('/no/such/dir/file', 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.mkdir('/etc')).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(fs.writeFile('/etc/fstab', 'x', { exclusive: true })).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('renames a lower file into the upper layer', async () => {
    const { fs, lowerUnchanged } = setup();
    await fs.rename('/etc/fstab', '/etc/fstab.moved');
    expect((await fs.readFile('/etc/fstab.moved')).toString()).toBe('lower\n');
    await expect(fs.stat('/etc/fstab')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(lowerUnchanged()).toBe(true);
  });

  it('a directory removed then made again does not show the old entries', async () => {
    const { fs } = setup();
    await fs.unlink('/etc/fstab');
    await fs.unlink('/etc/hosts');
    await fs.rmdir('/etc');
    await fs.mkdir('/etc');
    expect(await fs.readdir('/etc')).toEqual([]);
  });

  it('asks the lower layer once per path (lstat, readlink), and its own changes still win', async () => {
    const host = memoryHost({ files: { '/etc/ocfs2/cluster.conf': 'c\n', '/etc/default/o2cb': 'o\n' } });
    await host.fs.symlink('/etc/ocfs2', '/conf');
    const asked: string[] = [];
    const lower = { ...host.fs, lstat: (p: string) => (asked.push(`lstat ${p}`), host.fs.lstat(p)), readlink: (p: string) => (asked.push(`readlink ${p}`), host.fs.readlink(p)) };
    const fs = new OverlayFs(lower);
    for (let i = 0; i < 3; i++) {
      expect((await fs.readFile('/conf/cluster.conf')).toString()).toBe('c\n');
      expect((await fs.stat('/etc/default/o2cb')).kind).toBe('file');
      await expect(fs.stat('/etc/missing')).rejects.toMatchObject({ code: 'ENOENT' });
    }
    expect(asked.length).toBe(new Set(asked).size);
    expect(asked).toContain('readlink /conf');
    await fs.unlink('/etc/default/o2cb');
    await expect(fs.stat('/etc/default/o2cb')).rejects.toMatchObject({ code: 'ENOENT' });
    await fs.writeFile('/etc/missing', 'now\n');
    expect((await fs.readFile('/etc/missing')).toString()).toBe('now\n');
    await fs.unlink('/conf');
    await fs.symlink('/etc/default', '/conf');
    await expect(fs.readFile('/conf/cluster.conf')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
