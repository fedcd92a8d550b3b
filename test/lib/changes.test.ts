import { describe, expect, it } from 'vitest';
import { Changes, JOURNAL } from '../../src/lib/changes.js';
import { EXIT } from '../../src/lib/errors.js';
import type { HostFs } from '../../src/lib/host.js';
import { memoryHost, type MemoryHost } from '../../src/lib/memory-host.js';
import { silentReporter } from '../../src/lib/output.js';
import { OverlayFs } from '../../src/lib/overlay-fs.js';

const RUN = '20261125T120000Z-4242';

function changes(host: MemoryHost, o: { dryRun?: boolean; offline?: boolean; fs?: HostFs } = {}) {
  return new Changes({
    host,
    fs: o.fs ?? (o.dryRun ? new OverlayFs(host.fs) : host.fs),
    dryRun: Boolean(o.dryRun),
    offline: Boolean(o.offline),
    runId: RUN,
    commandLine: 'ovs test',
    report: silentReporter(),
  });
}

const journal = (host: MemoryHost) => host.readText(JOURNAL).trim().split('\n').map((l) => JSON.parse(l));
const changeLines = (host: MemoryHost) => journal(host).filter((l) => l.type === 'change');

describe('atomic writes', () => {
  it('replaces the content, keeps mode and owner, and leaves no temporary file', async () => {
    const host = memoryHost({ files: { '/etc/o2cb': 'A=1\n' } });
    host.vol.chmodSync('/etc/o2cb', 0o604);
    host.vol.chownSync('/etc/o2cb', 1000, 1001);
    expect(await changes(host).writeFile('/etc/o2cb', 'A=2\n')).toBe(true);
    expect(host.readText('/etc/o2cb')).toBe('A=2\n');
    const st = host.vol.statSync('/etc/o2cb');
    expect([Number(st.mode) & 0o777, Number(st.uid), Number(st.gid)]).toEqual([0o604, 1000, 1001]);
    expect(host.vol.readdirSync('/etc')).toEqual(['o2cb']);
  });

  it('does not touch a file that already holds the content (no mtime change, no journal, no backup)', async () => {
    const host = memoryHost({ files: { '/etc/o2cb': 'A=1\n' } });
    const before = host.vol.statSync('/etc/o2cb').mtimeMs;
    expect(await changes(host).writeFile('/etc/o2cb', 'A=1\n')).toBe(false);
    expect(host.vol.statSync('/etc/o2cb').mtimeMs).toBe(before);
    expect(host.exists(JOURNAL)).toBe(false);
    expect(host.exists('/var/lib/ovs')).toBe(false);
  });

  it('backs the previous content up (0600 in 0700 directories) and journals the change with both hashes', async () => {
    const host = memoryHost({ files: { '/etc/fstab': 'old\n' } });
    await changes(host).writeFile('/etc/fstab', 'new\n');
    const backup = `/var/lib/ovs/backups/${RUN}/etc/fstab`;
    expect(host.readText(backup)).toBe('old\n');
    expect(Number(host.vol.statSync(backup).mode) & 0o777).toBe(0o600);
    expect(Number(host.vol.statSync(`/var/lib/ovs/backups/${RUN}`).mode) & 0o777).toBe(0o700);
    const [line] = changeLines(host);
    expect(line).toMatchObject({ run: RUN, command: 'ovs test', kind: 'write', path: '/etc/fstab', result: 'applied' });
    expect(line.sha256_before).toMatch(/^[0-9a-f]{64}$/);
    expect(line.sha256_after).not.toBe(line.sha256_before);
  });

  it('keeps the first backup when a file changes twice in one run', async () => {
    const host = memoryHost({ files: { '/etc/fstab': 'v1\n' } });
    const c = changes(host);
    await c.writeFile('/etc/fstab', 'v2\n');
    await c.writeFile('/etc/fstab', 'v3\n');
    expect(host.readText(`/var/lib/ovs/backups/${RUN}/etc/fstab`)).toBe('v1\n');
  });

  it('a crash between the temporary write and the rename leaves the old content intact', async () => {
    const host = memoryHost({ files: { '/etc/ocfs2/cluster.conf': 'old\n' } });
    const crashing: HostFs = { ...host.fs, rename: async () => { throw Object.assign(new Error('crash'), { code: 'EIO' }); } };
    await expect(changes(host, { fs: crashing }).writeFile('/etc/ocfs2/cluster.conf', 'new\n')).rejects.toMatchObject({ exit: EXIT.IOERR });
    expect(host.readText('/etc/ocfs2/cluster.conf')).toBe('old\n');
    expect(host.vol.readdirSync('/etc/ocfs2')).toEqual(['cluster.conf']);
  });

  it('maps ENOSPC to exit 74 with the path and a hint', async () => {
    const host = memoryHost({ files: { '/etc/fstab': 'old\n' } });
    const full: HostFs = {
      ...host.fs,
      writeFile: async (p, d, o) => {
        if (p.includes('.ovs-')) throw Object.assign(new Error('full'), { code: 'ENOSPC' });
        return host.fs.writeFile(p, d, o);
      },
    };
    const err = await changes(host, { fs: full }).writeFile('/etc/fstab', 'new\n').catch((e) => e);
    expect(err.exit).toBe(EXIT.IOERR);
    expect(err.text).toBe('/etc/fstab: no space left on device while writing /etc/fstab');
    expect(host.readText('/etc/fstab')).toBe('old\n');
  });

  it('writes through a symbolic link to the file it points at', async () => {
    const host = memoryHost({ files: { '/var/ovs/mount/X/.ovsrepo': 'a\n' } });
    host.vol.symlinkSync('/var/ovs/mount/X', '/OVS');
    await changes(host).writeFile('/OVS/.ovsrepo', 'b\n');
    expect(host.readText('/var/ovs/mount/X/.ovsrepo')).toBe('b\n');
    expect(host.vol.lstatSync('/OVS').isSymbolicLink()).toBe(true);
  });
});

describe('other changes', () => {
  it('mkdir -p records each directory it creates', async () => {
    const host = memoryHost({ files: { '/var': null } });
    const c = changes(host);
    expect(await c.mkdir('/var/ovs/mount/ABC', 0o755)).toBe(true);
    expect(await c.mkdir('/var/ovs/mount/ABC')).toBe(false);
    expect(c.applied.map((x) => x.path)).toEqual(['/var/ovs', '/var/ovs/mount', '/var/ovs/mount/ABC']);
  });

  it('re-points a symbolic link atomically, and does nothing when it already points there', async () => {
    const host = memoryHost({ files: { '/var/a': null, '/var/b': null } });
    host.vol.symlinkSync('/var/a', '/OVS');
    const c = changes(host);
    expect(await c.symlink('/var/b', '/OVS')).toBe(true);
    expect(host.vol.readlinkSync('/OVS')).toBe('/var/b');
    expect(await c.symlink('/var/b', '/OVS')).toBe(false);
  });

  it('refuses to replace a directory with a link', async () => {
    const host = memoryHost({ files: { '/OVS/running_pool': null } });
    await expect(changes(host).symlink('/var/b', '/OVS')).rejects.toMatchObject({ exit: EXIT.CANTCREAT, message: '/OVS exists and is not a symbolic link' });
  });

  it('backs a removed file up first', async () => {
    const host = memoryHost({ files: { '/etc/ovs/repositories': 'x\n' } });
    expect(await changes(host).remove('/etc/ovs/repositories')).toBe(true);
    expect(host.exists('/etc/ovs/repositories')).toBe(false);
    expect(host.readText(`/var/lib/ovs/backups/${RUN}/etc/ovs/repositories`)).toBe('x\n');
  });

  it('runs a program and journals its exit status', async () => {
    const host = memoryHost({ expect: [{ argv: ['mount', '-t', 'nfs', '--', 'fs:/OVS', '/mnt'], result: { exitCode: 32, stderr: 'mount: failed\n' } }] });
    const r = await changes(host).run(['mount', '-t', 'nfs', '--', 'fs:/OVS', '/mnt']);
    expect(r.exitCode).toBe(32);
    expect(changeLines(host)[0]).toMatchObject({ kind: 'run', exit: 32, result: 'failed' });
  });
});

describe('dry run and offline', () => {
  it('plans into the overlay: diff recorded, nothing written, no program run, no journal', async () => {
    const host = memoryHost({ files: { '/etc/fstab': 'a\nb\n' } });
    const c = changes(host, { dryRun: true });
    await c.writeFile('/etc/fstab', 'a\nc\n');
    const r = await c.run(['mkfs.ocfs2', '/dev/sdb1']);
    await c.run(['service', 'o2cb', 'start'], { service: { name: 'o2cb', action: 'start' } });
    expect(r.planned).toBe(true);
    expect(host.readText('/etc/fstab')).toBe('a\nb\n');
    expect(host.calls).toEqual([]);
    expect(host.exists(JOURNAL)).toBe(false);
    expect(c.applied.map((x) => x.result)).toEqual(['planned', 'planned', 'planned']);
    expect(c.applied[0]?.diff).toBe('--- /etc/fstab\n+++ /etc/fstab\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n');
  });

  it('under --root, live actions are skipped (offline) and the rest runs', async () => {
    const host = memoryHost({ expect: [{ argv: ['mkfs.ocfs2', 'img'] }] });
    const c = changes(host, { offline: true });
    expect((await c.run(['mount', '/OVS'])).planned).toBe(true);
    expect((await c.run(['mkfs.ocfs2', 'img'], { live: false })).planned).toBeUndefined();
    expect(c.applied.map((x) => x.result)).toEqual(['skipped (offline)', 'applied']);
    expect(host.calls.map((x) => x.argv[0])).toEqual(['mkfs.ocfs2']);
  });
});

describe('errno mapping', () => {
  it('a busy target (a bind-mounted file) is exit 75, retry later', async () => {
    const host = memoryHost({ files: { '/etc/hosts': 'a\n' } });
    const busy: HostFs = { ...host.fs, rename: async () => { throw Object.assign(new Error('busy'), { code: 'EBUSY' }); } };
    const err = await changes(host, { fs: busy }).writeFile('/etc/hosts', 'b\n').catch((e) => e);
    expect([err.exit, err.text]).toEqual([EXIT.TEMPFAIL, '/etc/hosts: device or resource busy while writing /etc/hosts']);
  });
});
