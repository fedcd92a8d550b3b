/**
 * /OVS read after its lstat (repos/links.ts): something else can replace it in between — the
 * --root swap torture found both cases — and that is one line and 72, never an internal error.
 */
import { describe, expect, it } from 'vitest';
import { memoryHost } from '../../src/lib/doubles/memory-host.js';
import { testContext } from '../../src/lib/doubles/test-context.js';
import { EXIT } from '../../src/lib/errors.js';
import { ovsLinkState } from '../../src/lib/repos/links.js';

const errno = (code: string) => Object.assign(new Error(`${code}: replaced under us`), { code });

describe('ovsLinkState', () => {
  it('reads /OVS as a link, a directory, or absent', async () => {
    const host = memoryHost({ files: { '/var/ovs/mount/ABC/x': '' } });
    expect(await ovsLinkState(await testContext(host))).toEqual({ kind: 'absent' });
    host.vol.symlinkSync('/var/ovs/mount/ABC', '/OVS');
    expect(await ovsLinkState(await testContext(host))).toEqual({ kind: 'link', target: '/var/ovs/mount/ABC' });
  });

  it.each([
    ['a link that became a directory (readlink: EINVAL)', 'link', 'readlink', 'EINVAL'],
    ['a directory removed (readdir: ENOENT)', 'dir', 'readdir', 'ENOENT'],
  ] as const)('%s between the lstat and the read: 72 in one line with a hint', async (_what, kind, call, code) => {
    const host = memoryHost({ files: kind === 'dir' ? { '/OVS': null } : {} });
    if (kind === 'link') host.vol.symlinkSync('/var/ovs/mount/ABC', '/OVS');
    const ctx = await testContext(host);
    Object.assign(ctx.fs, { [call]: async () => { throw errno(code); } });
    const err = await ovsLinkState(ctx).catch((e) => e);
    expect([err.exit, err.text, err.hint]).toEqual([EXIT.OSFILE, `/OVS changed while ovs read it (${code}) while reading /OVS`, 'something else is changing /OVS (or the image under --root): stop it, then run the command again']);
  });
});
