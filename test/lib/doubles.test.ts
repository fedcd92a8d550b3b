/** The simulations as a CI user reaches them: through the library API (src/index.ts). */
import { describe, expect, it } from 'vitest';
import { doubles, main, memoryHost, testContext } from '../../src/index.js';
import { readRequired } from '../../src/lib/files.js';

describe('library doubles', () => {
  it('hb-create on a memory host whose tools are the shipped ocfs2-tools double', async () => {
    const host = memoryHost({
      files: { '/OVS': null, '/proc/mounts': 'fileserver:/OVS /OVS nfs rw,vers=3 0 0\n' },
      programs: ['fallocate', 'dd', 'mkfs.ocfs2', 'tunefs.ocfs2', 'debugfs.ocfs2', 'blkid', 'modprobe'],
      tools: doubles.ocfs2Tools(),
    });
    const exit = await main(['hb-create'], host);
    expect(exit, host.err).toBe(0);
    expect(host.calls.map((c) => c.argv[0])).toContain('mkfs.ocfs2');
    expect(host.readText('/OVS/.server_pool_hb')).toContain('server_pool_hb');
  });

  it('a simulated tool is never required; an unlimited expectation that never matched is left unmatched', () => {
    const host = memoryHost({ tools: doubles.mountTools(), expect: [{ argv: ['blkid'], times: Infinity }] });
    expect(host.unusedExpectations().map((e) => e.argv)).toEqual([['blkid']]);
  });

  it('an undeclared service is refused like an unknown program; a declared absent one answers as the system does', async () => {
    const host = memoryHost({ services: { gone: { installed: false } } });
    await expect(host.run(['service', 'o2cb', 'status'])).rejects.toThrow(/service o2cb was not declared/);
    expect(await host.run(['service', 'gone', 'status'])).toMatchObject({ exitCode: 1, stderr: 'gone: unrecognized service\n' });
  });

  it('testContext: the --root view and the dry-run overlay, as a command gets them', async () => {
    const host = memoryHost({ files: { '/img/etc/hostname': 'ovs9.example.com\n' } });
    const ctx = await testContext(host, { root: '/img', dryRun: true });
    expect(ctx.offline).toBe(true);
    expect(await readRequired(ctx.fs, '/etc/hostname')).toBe('ovs9.example.com\n');
    await ctx.changes.writeFile('/etc/hostname', 'changed\n');
    expect(host.readText('/img/etc/hostname')).toBe('ovs9.example.com\n');
    await expect(ctx.program.main(['status'], host)).rejects.toThrow(/no program given/);
  });
});
