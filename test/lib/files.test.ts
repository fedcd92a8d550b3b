/**
 * files.ts, the one reader, on the memory host and through the --dry-run overlay: missing is
 * undefined, a directory or device is refused with 72 (66 for a file the operator named),
 * a file above its limit is refused without being returned, bytes decode losslessly.
 * (The real kernel's FIFOs, sockets, devices and loops: test/torture/bad-input.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { OvsError } from '../../src/lib/errors.js';
import { MAX_CONFIG_BYTES, MAX_TABLE_BYTES, limitOf, readNamed, readOptional, readRequired } from '../../src/lib/files.js';
import { memoryHost } from '../../src/lib/doubles/memory-host.js';
import { OverlayFs } from '../../src/lib/overlay-fs.js';

const big = (n: number) => Buffer.alloc(n, 0x61);

async function failure(p: Promise<unknown>): Promise<OvsError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(OvsError);
  return e as OvsError;
}

describe('readOptional / readRequired / readNamed', () => {
  const host = memoryHost({
    files: { '/etc/ocfs2/cluster.conf': big(MAX_CONFIG_BYTES + 1), '/etc/fstab': big(MAX_CONFIG_BYTES + 1), '/etc/ocfs2/dir': null, '/dev/sdb': '', '/etc/latin1': Buffer.from([0x23, 0xe9, 0x0a]) },
    blockDevices: ['/dev/sdb'],
  });

  it('a missing file is undefined; a required one is 72', async () => {
    expect(await readOptional(host.fs, '/etc/nothing')).toBeUndefined();
    const e = await failure(readRequired(host.fs, '/etc/nothing', 'create it'));
    expect([e.exit, e.text, e.hint]).toEqual([72, '/etc/nothing is missing while reading /etc/nothing', 'create it']);
  });

  it('a configuration file above 4 MiB is 72; a table of the same size is read', async () => {
    const e = await failure(readOptional(host.fs, '/etc/ocfs2/cluster.conf'));
    expect([e.exit, e.message]).toEqual([72, '/etc/ocfs2/cluster.conf is larger than 4 MiB, the limit for this file']);
    expect((await readOptional(host.fs, '/etc/fstab'))?.length).toBe(MAX_CONFIG_BYTES + 1);
    expect([limitOf('/etc/fstab'), limitOf('/etc/ocfs2/cluster.conf')]).toEqual([MAX_TABLE_BYTES, MAX_CONFIG_BYTES]);
  });

  it('a directory or a block device is refused: 72 for a system file, 66 when named', async () => {
    const dir = await failure(readOptional(host.fs, '/etc/ocfs2/dir'));
    expect([dir.exit, dir.message]).toEqual([72, '/etc/ocfs2/dir is a directory']);
    const dev = await failure(readOptional(host.fs, '/dev/sdb'));
    expect([dev.exit, dev.message]).toEqual([72, '/dev/sdb is a block device, not a regular file']);
    expect((await failure(readNamed(host.fs, '/etc/ocfs2/dir'))).exit).toBe(66);
    expect((await failure(readNamed(host.fs, '/nowhere'))).text).toBe('/nowhere: no such file while reading /nowhere');
  });

  it('a named file above its limit is 65', async () => {
    const e = await failure(readNamed(host.fs, '/etc/fstab', { maxBytes: 10 }));
    expect(e.exit).toBe(65);
    expect(e.message).toMatch(/^\/etc\/fstab is larger than [\d.e-]+ MiB, the limit for this file$/);
  });

  it('decodes bytes that are not UTF-8 losslessly', async () => {
    expect(await readOptional(host.fs, '/etc/latin1')).toBe('#\udce9\n');
  });

  it('the --dry-run overlay refuses a planned file above the limit as the host does', async () => {
    const overlay = new OverlayFs(host.fs);
    await overlay.writeFile('/etc/ocfs2/new.conf', big(MAX_CONFIG_BYTES + 1));
    const e = await failure(readOptional(overlay, '/etc/ocfs2/new.conf'));
    expect(e.exit).toBe(72);
    await overlay.writeFile('/etc/ocfs2/small.conf', 'x\n');
    expect(await readOptional(overlay, '/etc/ocfs2/small.conf')).toBe('x\n');
  });
});
