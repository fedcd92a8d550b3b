import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realHost } from '../../src/lib/real-host.js';
import { memoryHost } from '../../src/lib/doubles/memory-host.js';
import { RootedFs, resolveInRoot } from '../../src/lib/paths.js';
import { scratchDir } from '../helpers/sandbox.js';

describe('--root resolution on the memory host', () => {
  const host = memoryHost({
    files: {
      '/img/etc/ocfs2/cluster.conf': 'inside\n',
      '/etc/ocfs2/cluster.conf': 'OUTSIDE\n',
      '/img/var': null,
    },
  });
  host.vol.symlinkSync('/etc/ocfs2', '/img/etc/abs-link'); // absolute: must mean <root>/etc/ocfs2
  host.vol.symlinkSync('../../../../../etc/ocfs2', '/img/var/rel-link'); // climbs above the root
  host.vol.symlinkSync('/loop-b', '/img/loop-a');
  host.vol.symlinkSync('/loop-a', '/img/loop-b');
  const fs = new RootedFs(host.fs, '/img');

  it('keeps `..` at the root', async () => {
    expect(await resolveInRoot(host.fs, '/img', '/../../etc/ocfs2/cluster.conf', true)).toBe('/img/etc/ocfs2/cluster.conf');
    expect((await fs.readFile('/../../../etc/ocfs2/cluster.conf')).toString()).toBe('inside\n');
  });

  it('follows an absolute symbolic link inside the root', async () => {
    expect((await fs.readFile('/etc/abs-link/cluster.conf')).toString()).toBe('inside\n');
  });

  it('clamps a relative link that climbs above the root', async () => {
    expect((await fs.readFile('/var/rel-link/cluster.conf')).toString()).toBe('inside\n');
  });

  it('writes through a link land inside the root', async () => {
    await fs.writeFile('/etc/abs-link/new.conf', 'x');
    expect(host.exists('/img/etc/ocfs2/new.conf')).toBe(true);
    expect(host.exists('/etc/ocfs2/new.conf')).toBe(false);
  });

  it('reports a symbolic link loop as ELOOP', async () => {
    await expect(fs.readFile('/loop-a/x')).rejects.toMatchObject({ code: 'ELOOP' });
  });

  it('treats `..` after a missing directory lexically, still inside the root', async () => {
    expect(await resolveInRoot(host.fs, '/img', '/nope/../../../etc/x', true)).toBe('/img/etc/x');
  });

  it('lstat and readlink do not follow the last component', async () => {
    expect((await fs.lstat('/etc/abs-link')).kind).toBe('symlink');
    expect(await fs.readlink('/etc/abs-link')).toBe('/etc/ocfs2');
  });
});

describe('--root resolution on a real directory', () => {
  const scratch = scratchDir('paths');
  afterAll(() => scratch.remove());
  const root = join(scratch.path, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc', 'hostname'), 'inside\n');
  symlinkSync('/etc/hostname', join(root, 'hn-abs'));
  symlinkSync('../../../../../../../../etc/hostname', join(root, 'etc', 'hn-rel'));
  const fs = new RootedFs(realHost().fs, root);

  it('an absolute link to /etc/hostname reads the image, not the machine', async () => {
    expect((await fs.readFile('/hn-abs')).toString()).toBe('inside\n');
    expect((await fs.readFile('/etc/hn-rel')).toString()).toBe('inside\n');
  });

  it('a write through `..` stays inside', async () => {
    await fs.writeFile('/../../../escaped.txt', 'x');
    expect(existsSync(join(root, 'escaped.txt'))).toBe(true);
    expect(readFileSync(join(root, 'escaped.txt'), 'utf8')).toBe('x');
  });
});
