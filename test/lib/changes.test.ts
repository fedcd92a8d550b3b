import { describe, expect, it } from 'vitest';
import { Changes, JOURNAL, type Change } from '../../src/lib/changes.js';
import { sha256Hex } from '../../src/lib/sha256.js';
import { EXIT } from '../../src/lib/errors.js';
import type { HostFs } from '../../src/lib/host.js';
import { memoryHost, type MemoryHost } from '../../src/lib/doubles/memory-host.js';
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
    expect(r.planned).toBe('dry-run');
    expect(host.readText('/etc/fstab')).toBe('a\nb\n');
    expect(host.calls).toEqual([]);
    expect(host.exists(JOURNAL)).toBe(false);
    expect(c.applied.map((x) => x.result)).toEqual(['planned', 'planned', 'planned']);
    expect(c.applied[0]?.diff).toBe('--- /etc/fstab\n+++ /etc/fstab\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n');
  });

  it('a planned write sums what was there when read (JSON, a spread, the field): the same value, in the same place', async () => {
    const host = memoryHost({ files: { '/etc/fstab': 'a\nb\n' } });
    const c = changes(host, { dryRun: true });
    await c.writeFile('/etc/fstab', 'a\nc\n');
    await c.writeFile('/etc/new', 'x\n');
    const [old, fresh] = c.applied as [Change, Change];
    const json = JSON.parse(JSON.stringify(old)) as Record<string, unknown>;
    expect(Object.keys(json).slice(0, 5)).toEqual(['kind', 'path', 'result', 'before', 'after']);
    expect(json.before).toBe(sha256Hex('a\nb\n'));
    expect({ ...old }.before).toBe(sha256Hex('a\nb\n'));
    expect([old.before, old.after, fresh.before]).toEqual([sha256Hex('a\nb\n'), sha256Hex('a\nc\n'), null]);
    old.before = 'replaced'; // a plain value once read
    expect(old.before).toBe('replaced');
  });

  it('under --root, live actions are skipped (offline) and the rest runs', async () => {
    const host = memoryHost({ expect: [{ argv: ['mkfs.ocfs2', 'img'] }] });
    const c = changes(host, { offline: true });
    expect((await c.run(['mount', '/OVS'])).planned).toBe('offline');
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

  it('a file removed between its stat and its read (a --root image changed under ovs) is 72 in one line, not an internal error; nothing written', async () => {
    // The race the --root swap torture found: stat saw the file, then its directory was replaced.
    const host = memoryHost({ files: { '/etc/ocfs2/cluster.conf': 'old\n', '/etc/hosts': 'a\n' } });
    const gone = async (): Promise<never> => { throw Object.assign(new Error("ENOENT: no such file or directory, open '/img/etc/ocfs2/cluster.conf'"), { code: 'ENOENT' }); };
    const racing: HostFs = { ...host.fs, readFile: gone };
    const write = await changes(host, { fs: racing }).writeFile('/etc/ocfs2/cluster.conf', 'new\n').catch((e) => e);
    expect([write.exit, write.text]).toEqual([EXIT.OSFILE, '/etc/ocfs2/cluster.conf: no such file or directory while reading /etc/ocfs2/cluster.conf before changing it']);
    const remove = await changes(host, { fs: racing }).remove('/etc/hosts').catch((e) => e);
    expect([remove.exit, remove.text]).toEqual([EXIT.OSFILE, '/etc/hosts: no such file or directory while reading /etc/hosts before changing it']);
    expect([host.readText('/etc/ocfs2/cluster.conf'), host.readText('/etc/hosts'), host.exists(JOURNAL)]).toEqual(['old\n', 'a\n', false]);
  });
});

describe('write-ahead journal', () => {
  it('begin, then a durable intent before the file changes, then the change; a run that changes nothing writes nothing', async () => {
    const host = memoryHost({ files: { '/etc/fstab': 'old\n' } });
    const seen: string[] = [];
    const watching: HostFs = {
      ...host.fs,
      rename: async (a, b) => {
        seen.push(host.readText(JOURNAL)); // what the journal said when the file changed
        return host.fs.rename(a, b);
      },
    };
    const c = changes(host, { fs: watching });
    expect(await c.writeFile('/etc/fstab', 'old\n')).toBe(false);
    expect(host.exists(JOURNAL)).toBe(false);
    await c.writeFile('/etc/fstab', 'new\n');
    const [atRename] = seen.map((t) => t.trim().split('\n').map((l) => JSON.parse(l)));
    expect(atRename?.map((l) => l.type)).toEqual(['begin', 'intent']);
    expect(atRename?.[1]).toMatchObject({ seq: 1, kind: 'write', path: '/etc/fstab', backup: `/var/lib/ovs/backups/${RUN}/etc/fstab`, temp: '/etc/.fstab.ovs-4242-1.tmp' }); // pid and count, not the random source kept for generated values
    expect(journal(host).map((l) => [l.type, l.seq])).toEqual([['begin', undefined], ['intent', 1], ['change', 1]]);
    await c.end('ok', 0);
    expect(journal(host).at(-1)).toMatchObject({ type: 'end', run: RUN, status: 'ok', exit: 0 });
  });

  it('under --root a skipped (offline) action is reported, not journaled', async () => {
    const host = memoryHost();
    const c = changes(host, { offline: true });
    await c.run(['service', 'o2cb', 'start'], { service: { name: 'o2cb', action: 'start' } });
    await c.end('ok', 0);
    expect(c.applied.map((x) => x.result)).toEqual(['skipped (offline)']);
    expect(host.exists(JOURNAL)).toBe(false);
  });
});

describe('rollback of a failed run', () => {
  it('takes back every kind of file change, newest first, and ends the run rolled back; programs stay applied', async () => {
    const host = memoryHost({
      files: { '/etc/a': 'a0\n', '/etc/gone': 'g0\n', '/var/empty': null, '/var/x': null, '/var/y': null },
      expect: [{ argv: ['true'] }],
    });
    host.vol.symlinkSync('/var/x', '/OVS');
    host.vol.chmodSync('/etc/a', 0o640);
    const tree = (all: Record<string, unknown>) => Object.entries(all).filter(([p]) => !p.startsWith('/var/log/ovs') && !p.startsWith('/var/lib/ovs')).sort();
    const before = tree(host.vol.toJSON());
    const c = changes(host);
    await c.writeFile('/etc/a', 'a1\n');
    await c.writeFile('/etc/a', 'a2\n');
    await c.writeFile('/etc/new/b', 'b\n').catch(() => undefined); // parent missing: fails, nothing made
    await c.mkdir('/var/made/deep');
    await c.writeFile('/var/made/deep/f', 'f\n');
    await c.symlink('/var/y', '/OVS');
    await c.remove('/etc/gone');
    await c.rmdir('/var/empty');
    await c.run(['true']);
    await c.rollBack(69);
    expect(tree(host.vol.toJSON())).toEqual(before);
    expect(host.readText('/etc/a')).toBe('a0\n');
    expect(Number(host.vol.statSync('/etc/a').mode) & 0o777).toBe(0o640);
    expect(host.readText('/etc/gone')).toBe('g0\n');
    expect(host.vol.readlinkSync('/OVS')).toBe('/var/x');
    expect(host.exists('/var/made')).toBe(false);
    expect(host.vol.statSync('/var/empty').isDirectory()).toBe(true);
    expect(host.vol.readdirSync('/etc').sort()).toEqual(['a', 'gone']);
    expect(c.applied.map((x) => `${x.result} ${x.kind}`)).toEqual([
      'rolled back write', 'rolled back write', 'rolled back mkdir', 'rolled back mkdir', 'rolled back write', 'rolled back symlink', 'rolled back remove', 'rolled back rmdir', 'applied run',
    ]);
    const lines = journal(host);
    expect(lines.filter((l) => l.result === 'rolled back')).toHaveLength(8);
    expect(lines.at(-1)).toMatchObject({ type: 'end', status: 'rolled back', exit: 69 });
  });

  it('a file changed by something else meanwhile is left as it is, named in a warning; the run ends failed', async () => {
    const host = memoryHost({ files: { '/etc/a': 'a0\n', '/etc/b': 'b0\n' } });
    const warnings: string[] = [];
    const c = new Changes({ host, fs: host.fs, dryRun: false, offline: false, runId: RUN, commandLine: 'ovs test', report: { ...silentReporter(), warn: (t) => void warnings.push(t) } });
    await c.writeFile('/etc/a', 'a1\n');
    await c.writeFile('/etc/b', 'b1\n');
    host.vol.writeFileSync('/etc/a', 'edited\n');
    await c.rollBack(73);
    expect(host.readText('/etc/a')).toBe('edited\n');
    expect(host.readText('/etc/b')).toBe('b0\n');
    expect(c.applied.map((x) => x.result)).toEqual(['applied', 'rolled back']);
    expect(warnings).toEqual(['could not take back the change to /etc/a: it was changed since by something else']);
    expect(journal(host).at(-1)).toMatchObject({ type: 'end', status: 'failed', exit: 73 });
  });

  it("a program's file renamed into place (a heartbeat file) is removed, with its temporary name", async () => {
    const host = memoryHost({
      files: { '/OVS': null },
      expect: [{ argv: ['fallocate', '/OVS/.hb.tmp'], respond: (_c, h) => (h.vol.writeFileSync('/OVS/.hb.tmp', 'zeros'), {}) }],
    });
    const c = changes(host);
    await c.run(['fallocate', '/OVS/.hb.tmp'], { live: false, creates: '/OVS/.hb.tmp' });
    await c.rename('/OVS/.hb.tmp', '/OVS/.server_pool_hb', { backup: false });
    await c.rollBack(70);
    expect(host.vol.readdirSync('/OVS')).toEqual([]);
    expect(c.applied.map((x) => x.result)).toEqual(['applied', 'rolled back']);
  });
});
