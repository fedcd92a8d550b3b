import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { journalLine, type JournalRecord } from '../../src/lib/journal.js';
import { memoryHost, type MemoryHost } from '../../src/lib/doubles/memory-host.js';
import { CONF, JOURNAL_LOG, O2CB, poolMember, runIds, runLater } from '../helpers/history.js';
import { runOvs } from '../helpers/run.js';

const ADD = ['cluster-configure', '--add-node', 'ovs3.example.com=192.168.100.102'];

/** Every file of the host but the journal and the backups (what an undo must put back). */
function systemFiles(h: MemoryHost): Record<string, string | null> {
  const all = h.vol.toJSON() as Record<string, string | null>;
  return Object.fromEntries(Object.entries(all).filter(([p]) => !p.startsWith('/var/log/ovs') && !p.startsWith('/var/lib/ovs') && p !== '/run/lock'));
}

async function added() {
  const h = poolMember();
  h.vol.chmodSync(O2CB, 0o640); // a mode of its own, which the run keeps and the undo must too
  const before = systemFiles(h);
  const r = await runLater(ADD, h);
  expect(r.exit).toBe(0);
  const [run] = await runIds(h);
  return { h, before, run: run as string };
}

describe('ovs undo', () => {
  it('undo of cluster-configure --add-node puts cluster.conf and the O2CB settings back byte for byte, and runs nothing', async () => {
    const { h, before, run } = await added();
    expect(h.readText(CONF)).not.toBe(before[CONF]);
    expect(h.readText(O2CB)).not.toBe(before[O2CB]);
    const calls = h.calls.length;
    const r = await runLater(['undo', run], h);
    expect(r.exit).toBe(0);
    expect(systemFiles(h)).toEqual(before);
    expect(h.vol.statSync(O2CB).mode & 0o777).toBe(0o640);
    expect(h.calls.length).toBe(calls);
    expect(r.stdout).toBe(
      [
        `Undo of run ${run} (ovs cluster-configure --add-node ovs3.example.com=192.168.100.102):`,
        `  restored           ${O2CB}`,
        `  restored           ${CONF}`,
        'Programs and service actions are never run by undo; to reverse them by hand:',
        '  service o2cb start  ->  service o2cb stop',
        '',
      ].join('\n'),
    );
  });

  it('refuses with 65 naming the file when it was edited by hand since, and changes nothing', async () => {
    const { h, run } = await added();
    h.vol.appendFileSync(CONF, '# by hand\n');
    const files = systemFiles(h);
    const journal = h.readText(JOURNAL_LOG);
    const r = await runLater(['undo', run], h);
    expect(r.exit).toBe(65);
    expect(r.stderr).toBe(
      `ovs: undo: 1 file was changed since run ${run}: ${CONF} (it no longer holds what the run wrote (changed since)) while checking what run ${run} left\n` +
        `ovs: hint: nothing was undone; \`ovs history ${run}\` shows what the run wrote; --force puts back the previous content anyway (asks first)\n` +
        'ovs: nothing was changed\n',
    );
    expect(systemFiles(h)).toEqual(files);
    expect(h.readText(JOURNAL_LOG)).toBe(journal);
  });

  it('--force asks first: without a terminal it needs --yes (64), with --yes it puts the previous content back', async () => {
    const { h, before, run } = await added();
    h.vol.appendFileSync(CONF, '# by hand\n');
    const asked = await runLater(['undo', '--force', run], h);
    expect(asked.exit).toBe(64);
    expect(asked.stderr).toContain(`ovs: undo: confirmation needed: overwrite ${CONF} (changed since run ${run}) with what the run found?\n`);
    const forced = await runLater(['--yes', 'undo', '--force', run], h);
    expect(forced.exit).toBe(0);
    expect(systemFiles(h)).toEqual(before);
  });

  it('an undone run says so with 65; the undo of the undo applies the run again', async () => {
    const { h, before, run } = await added();
    const afterRun = systemFiles(h);
    expect((await runLater(['undo', run], h)).exit).toBe(0);
    const again = await runLater(['undo', run], h);
    expect(again.exit).toBe(65);
    const [, undo] = await runIds(h);
    expect(again.stderr).toContain(`ovs: undo: run ${run} has nothing left to undo: every path it changed already holds what it held before (undone by run ${undo})`);
    const redo = await runLater(['undo', undo as string], h);
    expect(redo.exit).toBe(0);
    expect(systemFiles(h)).toEqual(afterRun);
    // The history says who undid what: the first run is in force again, its undo is undone.
    const ids = await runIds(h);
    const list = await runOvs(['history'], h);
    expect(list.stdout).toContain(`${run}  2026-11-25T12:`);
    // (The user column: '-' in journals without a begin record, the writer's user in others.)
    expect(list.stdout).toMatch(/^\S+ {2}\S+ {2}\S+ {2}ok {2}ovs cluster-configure --add-node/m);
    expect(list.stdout).toMatch(new RegExp(`  undone \\(by ${ids[2]}\\)  ovs undo ${run}\n`));
    // The first run is in force again: it can be undone once more.
    expect((await runLater(['undo', run], h)).exit).toBe(0);
    expect(systemFiles(h)).toEqual(before);
  });

  it('removes the files and empty directories a run created; undoing that undo creates them again', async () => {
    const h = memoryHost({ hostname: 'ovs1', services: { o2cb: {} }, files: { '/etc/hosts': '192.168.1.11 ovs1\n', '/etc/sysconfig': null } });
    const before = systemFiles(h);
    expect((await runLater(['cluster-configure', '--node', 'ovs1'], h)).exit).toBe(0);
    const made = systemFiles(h);
    const [run] = await runIds(h);
    const r = await runLater(['undo', run as string], h);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain(`  removed            ${O2CB}\n  removed            ${CONF}\n  removed dir        /etc/ocfs2\n`);
    expect(systemFiles(h)).toEqual(before);
    const [, undo] = await runIds(h);
    expect((await runLater(['undo', undo as string], h)).exit).toBe(0);
    expect(systemFiles(h)).toEqual(made);
  });

  it('a directory the run created that holds something else now is left, and said so', async () => {
    const h = memoryHost({ hostname: 'ovs1', services: { o2cb: {} }, files: { '/etc/hosts': '192.168.1.11 ovs1\n', '/etc/sysconfig': null } });
    expect((await runLater(['cluster-configure', '--node', 'ovs1'], h)).exit).toBe(0);
    h.vol.writeFileSync('/etc/ocfs2/notes', 'mine\n');
    const [run] = await runIds(h);
    const r = await runLater(['--json', 'undo', run as string], h);
    expect(r.exit).toBe(0);
    expect(r.json.result.steps).toEqual([
      { path: O2CB, action: 'remove', state: 'todo', outcome: 'undone' },
      { path: CONF, action: 'remove', state: 'todo', outcome: 'undone' },
      { path: '/etc/ocfs2', action: 'rmdir', state: 'todo', outcome: 'left (not empty)' },
    ]);
    expect(r.json.result.programs).toEqual([{ ran: 'service o2cb start', inverse: 'service o2cb stop' }]);
    expect(h.readText('/etc/ocfs2/notes')).toBe('mine\n');
  });

  it('a missing backup: exit 66 naming it; --force undoes the rest and leaves that file', async () => {
    const { h, before, run } = await added();
    h.vol.unlinkSync(`/var/lib/ovs/backups/${run}${CONF}`);
    const r = await runLater(['undo', run], h);
    expect(r.exit).toBe(66);
    expect(r.stderr).toContain(`ovs: undo: cannot restore ${CONF} (its backup /var/lib/ovs/backups/${run}${CONF} is missing) while loading the backups of run ${run}\n`);
    const forced = await runLater(['undo', '--force', run], h);
    expect(forced.exit).toBe(0);
    expect(forced.stdout).toContain(`  not undone (unrestorable) ${CONF}`);
    expect(h.readText(O2CB)).toBe(before[O2CB]);
    expect(h.readText(CONF)).not.toBe(before[CONF]);
  });

  it('--dry-run shows the diffs it would apply and changes nothing', async () => {
    const { h, run } = await added();
    const files = systemFiles(h);
    const r = await runLater(['--dry-run', 'undo', run], h);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain(`  would restore      ${CONF}\n`);
    expect(r.stdout).toContain(`Plan (dry run: nothing was changed):\n  write    ${O2CB}\n    --- ${O2CB}\n    +++ ${O2CB}\n`);
    expect(r.stdout).toContain('    -O2CB_ENABLED=true\n    +O2CB_ENABLED=false\n');
    expect(systemFiles(h)).toEqual(files);
    expect(await runIds(h)).toEqual([run]);
  });

  it('links: put back the recorded previous target, or removed when the run created it; mode from the journal', async () => {
    const run = '20261125T110000Z-777';
    const t = '2026-11-25T11:00:00.000Z';
    const sha = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'; // empty file
    const journal = [
      journalLine({ type: 'begin', time: t, run, command: 'ovs makerepo x', user: 'root', pid: 777 }),
      // link_before: what the write-ahead writer records for a link it replaces.
      journalLine({ type: 'intent', time: t, run, seq: 1, kind: 'symlink', path: '/OVS', target: '/var/ovs/mount/B', link_before: '/var/ovs/mount/A' } as JournalRecord),
      journalLine({ type: 'change', time: t, run, seq: 1, kind: 'symlink', path: '/OVS', target: '/var/ovs/mount/B', result: 'applied' }),
      journalLine({ type: 'change', time: t, run, seq: 2, kind: 'symlink', path: '/var/ovs/x', target: '/y', result: 'applied' }),
      journalLine({ type: 'intent', time: t, run, seq: 3, kind: 'write', path: '/etc/ovs/repositories', sha256_before: sha, sha256_after: null, mode: 0o640, backup: '/var/lib/ovs/backups/b/repositories' }),
      journalLine({ type: 'change', time: t, run, seq: 3, kind: 'remove', path: '/etc/ovs/repositories', sha256_before: sha, sha256_after: null, result: 'applied' }),
      journalLine({ type: 'end', time: t, run, status: 'ok' }),
    ].join('');
    const h = memoryHost({ files: { [JOURNAL_LOG]: journal, '/var/lib/ovs/backups/b/repositories': '', '/etc/ovs': null, '/var/ovs/mount': null } });
    h.vol.symlinkSync('/var/ovs/mount/B', '/OVS');
    h.vol.symlinkSync('/y', '/var/ovs/x');
    const r = await runOvs(['undo', run], h);
    expect(r.exit).toBe(0);
    expect(h.vol.readlinkSync('/OVS')).toBe('/var/ovs/mount/A');
    expect(h.exists('/var/ovs/x')).toBe(false);
    expect(h.readText('/etc/ovs/repositories')).toBe('');
    expect(h.vol.statSync('/etc/ovs/repositories').mode & 0o777).toBe(0o640);
    // Newest change first.
    expect(r.stdout).toContain('  restored           /etc/ovs/repositories\n  removed            /var/ovs/x\n  relinked           /OVS -> /var/ovs/mount/A\n');
  });

  it('a link the run removed (offlinerepo -d\'s /OVS) is linked again to its recorded target; one made and removed in the run stays absent', async () => {
    const run = '20261125T110000Z-778';
    const t = '2026-11-25T11:00:00.000Z';
    const journal = [
      journalLine({ type: 'begin', time: t, run, command: 'ovs offlinerepo -d X', user: 'root', pid: 778 }),
      journalLine({ type: 'intent', time: t, run, seq: 1, kind: 'remove', path: '/OVS', sha256_after: null, link_before: '/var/ovs/mount/A' } as JournalRecord),
      journalLine({ type: 'change', time: t, run, seq: 1, kind: 'remove', path: '/OVS', sha256_before: null, sha256_after: null, result: 'applied' }),
      journalLine({ type: 'intent', time: t, run, seq: 2, kind: 'symlink', path: '/var/ovs/x', target: '/y', link_before: null } as JournalRecord),
      journalLine({ type: 'change', time: t, run, seq: 2, kind: 'symlink', path: '/var/ovs/x', target: '/y', result: 'applied' }),
      journalLine({ type: 'intent', time: t, run, seq: 3, kind: 'remove', path: '/var/ovs/x', sha256_after: null, link_before: '/y' } as JournalRecord),
      journalLine({ type: 'change', time: t, run, seq: 3, kind: 'remove', path: '/var/ovs/x', sha256_before: null, sha256_after: null, result: 'applied' }),
      journalLine({ type: 'end', time: t, run, status: 'ok' }),
    ].join('');
    const h = memoryHost({ files: { [JOURNAL_LOG]: journal, '/var/ovs/mount/A': null } });
    const r = await runOvs(['undo', run], h);
    expect(r.exit, r.stderr).toBe(0);
    expect(h.vol.readlinkSync('/OVS')).toBe('/var/ovs/mount/A');
    expect(h.exists('/var/ovs/x')).toBe(false);
    expect(r.stdout).toContain('  relinked           /OVS -> /var/ovs/mount/A\n');
  });

  it('a link replaced by a regular file since the run is left to the operator, even with --force', async () => {
    const run = '20261125T110000Z-782';
    const journal = journalLine({ type: 'change', time: '2026-11-25T11:00:00.000Z', run, seq: 1, kind: 'symlink', path: '/OVS', target: '/var/ovs/mount/B', result: 'applied' });
    const h = memoryHost({ files: { [JOURNAL_LOG]: journal, '/OVS': 'a file now\n' } });
    const r = await runOvs(['--yes', 'undo', '--force', run], h);
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain(`ovs: undo: run ${run} changed no file, link or directory that undo can put back`);
    expect(h.readText('/OVS')).toBe('a file now\n');
  });

  it('the write-ahead format: hashes and the backup path from the intent, the change record bare', async () => {
    const run = '20261125T110000Z-781';
    const t = '2026-11-25T11:00:00.000Z';
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const journal = [
      journalLine({ type: 'begin', time: t, run, command: 'ovs cluster-configure --add-node ovs3', user: 'root', pid: 781 }),
      journalLine({ type: 'intent', time: t, run, seq: 1, kind: 'write', path: CONF, sha256_before: sha('old\n'), sha256_after: sha('new\n'), backup: '/var/lib/ovs/backups/w/cluster.conf' }),
      journalLine({ type: 'change', time: t, run, seq: 1, kind: 'write', path: CONF, result: 'applied' }),
      journalLine({ type: 'end', time: t, run, status: 'ok', exit: 0 }),
    ].join('');
    const h = memoryHost({ files: { [JOURNAL_LOG]: journal, [CONF]: 'new\n', '/var/lib/ovs/backups/w/cluster.conf': 'old\n' } });
    const list = await runOvs(['history'], h);
    expect(list.stdout).toBe(`${run}  2026-11-25T11:00:00Z  root  ok  ovs cluster-configure --add-node ovs3\n    1 written\n`);
    const r = await runOvs(['undo', run], h);
    expect(r.exit).toBe(0);
    expect(h.readText(CONF)).toBe('old\n');
  });

  it('lists programs and service actions with their inverse, never running them', async () => {
    const run = '20261125T110000Z-778';
    const t = '2026-11-25T11:00:00.000Z';
    const change = (seq: number, argv: string[], service?: { name: string; action: string }) =>
      journalLine({ type: 'change', time: t, run, seq, kind: service ? 'service' : 'run', argv, ...(service ? { service } : {}), exit: 0, result: 'applied' });
    const journal = [
      change(1, ['iscsiadm', '-m', 'discovery', '-t', 'sendtargets', '-p', '192.168.1.5:3260']),
      change(2, ['iscsiadm', '-m', 'node', '-T', 'iqn.x', '-p', '192.168.1.5:3260', '--login']),
      change(3, ['mkfs.ocfs2', '-L', 'ovs', '/dev/sdb']),
      change(4, ['chkconfig', 'o2cb', 'on'], { name: 'o2cb', action: 'enable' }),
      change(5, ['mount', '-t', 'nfs', '-o', 'rw', '--', 'f:/OVS', '/var/ovs/mount/U']),
      journalLine({ type: 'change', time: t, run, seq: 6, kind: 'mkdir', path: '/var/ovs/mount/U', result: 'applied' }),
    ].join('');
    const h = memoryHost({ files: { [JOURNAL_LOG]: journal, '/var/ovs/mount/U': null } });
    const r = await runOvs(['undo', run], h);
    expect(r.exit).toBe(0);
    expect(h.calls).toEqual([]);
    expect(r.stdout.split('\n').slice(3)).toEqual([
      '  iscsiadm -m discovery -t sendtargets -p 192.168.1.5:3260  ->  iscsiadm -m node -p 192.168.1.5:3260 -o delete',
      '  iscsiadm -m node -T iqn.x -p 192.168.1.5:3260 --login  ->  iscsiadm -m node -T iqn.x -p 192.168.1.5:3260 --logout',
      '  mkfs.ocfs2 -L ovs /dev/sdb  ->  (nothing: formatting destroyed what the device held: restore it from a backup of the device)',
      '  chkconfig o2cb on  ->  chkconfig o2cb off',
      '  mount -t nfs -o rw -- f:/OVS /var/ovs/mount/U  ->  umount -- /var/ovs/mount/U',
      '',
    ]);
  });

  it('a run that only ran programs has nothing undo can put back: 65, the inverses in the hint', async () => {
    const run = '20261125T110000Z-779';
    const journal = journalLine({ type: 'change', time: '2026-11-25T11:00:00.000Z', run, seq: 1, kind: 'service', argv: ['service', 'o2cb', 'start'], service: { name: 'o2cb', action: 'start' }, exit: 0, result: 'applied' });
    const h = memoryHost({ files: { [JOURNAL_LOG]: journal } });
    const r = await runOvs(['undo', run], h);
    expect(r.exit).toBe(65);
    expect(r.stderr).toBe(
      `ovs: undo: run ${run} changed no file, link or directory that undo can put back while reading what the run changed\n` +
        'ovs: hint: undo never runs programs; to reverse them by hand: service o2cb start -> service o2cb stop\n' +
        'ovs: nothing was changed\n',
    );
    expect(h.calls).toEqual([]);
  });

  it('a change rolled back by its own run is not undone again', async () => {
    const run = '20261125T110000Z-780';
    const t = '2026-11-25T11:00:00.000Z';
    const journal = [
      journalLine({ type: 'change', time: t, run, seq: 1, kind: 'mkdir', path: '/etc/a', result: 'applied' }),
      journalLine({ type: 'change', time: t, run, seq: 2, kind: 'mkdir', path: '/etc/b', result: 'applied' }),
      journalLine({ type: 'change', time: t, run, seq: 2, kind: 'mkdir', path: '/etc/b', result: 'rolled back' }),
    ].join('');
    const h = memoryHost({ files: { [JOURNAL_LOG]: journal, '/etc/a': null, '/etc/b': null } });
    const r = await runOvs(['undo', run], h);
    expect(r.exit).toBe(0);
    expect(r.stdout).toBe(`Undo of run ${run} (command line not recorded):\n  removed dir        /etc/a\n`);
    expect(h.exists('/etc/b')).toBe(true);
  });

  it('an unknown run is exit 66 and changes nothing', async () => {
    const r = await runOvs(['undo', 'nope'], memoryHost());
    expect(r.exit).toBe(66);
    expect(r.stderr).toBe("ovs: undo: no run 'nope': /var/log/ovs/journal.log does not exist while looking up the run\novs: hint: `ovs history` lists the runs and their ids\novs: nothing was changed\n");
  });
});
