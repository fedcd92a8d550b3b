/**
 * Recovery of interrupted runs (memory host): a run with a `begin` and no `end` whose
 * process is gone is taken back by the next run that takes the lock — every file as its
 * first intent found it, temporary files named in its intents removed — and closed in the
 * journal; read-only commands and dry runs only warn; a live run is left alone.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JOURNAL, journalLine, type JournalRecord } from '../../src/lib/journal.js';
import { BOOT_ID_PATH } from '../../src/lib/system-paths.js';
import { runProbe } from '../helpers/probe-command.js';


const T = '2026-11-25T11:00:00.000Z';
const R1 = '20261125T110000Z-999';
const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const CONF = '/etc/ocfs2/cluster.conf';
const O2CB = '/etc/default/o2cb';
const [OLD_CONF, NEW_CONF, NEW_O2CB, OLD_HOSTS, NEW_HOSTS] = ['cluster: old\n', 'cluster: new\n', 'O2CB_ENABLED=true\n', '127.0.0.1 localhost\n', '10.0.0.2 ovs2\n'];
const HOSTS_TMP = '/etc/.hosts.ovs-beef.tmp';

/** A cluster-configure killed after renaming cluster.conf and O2CB, and after writing the temporary hosts file. */
function interrupted(begin: Partial<JournalRecord> = {}): JournalRecord[] {
  return [
    { type: 'begin', time: T, run: R1, command: 'ovs cluster-configure --add-node ovs2=10.0.0.2', user: 'root', pid: 999, ...begin } as JournalRecord,
    { type: 'intent', time: T, run: R1, seq: 1, kind: 'write', path: CONF, sha256_before: sha(OLD_CONF), sha256_after: sha(NEW_CONF), temp: '/etc/ocfs2/.cluster.conf.ovs-0001.tmp', backup: `/var/lib/ovs/backups/${R1}${CONF}`, mode: 0o644, uid: 0, gid: 0 },
    { type: 'change', time: T, run: R1, seq: 1, kind: 'write', path: CONF, result: 'applied' },
    { type: 'intent', time: T, run: R1, seq: 2, kind: 'mkdir', path: '/etc/default', mode: 0o755 },
    { type: 'change', time: T, run: R1, seq: 2, kind: 'mkdir', path: '/etc/default', result: 'applied' },
    { type: 'intent', time: T, run: R1, seq: 3, kind: 'write', path: O2CB, sha256_before: null, sha256_after: sha(NEW_O2CB), temp: '/etc/default/.o2cb.ovs-0002.tmp' },
    { type: 'intent', time: T, run: R1, seq: 4, kind: 'write', path: '/etc/hosts', sha256_before: sha(OLD_HOSTS), sha256_after: sha(NEW_HOSTS), temp: HOSTS_TMP, backup: `/var/lib/ovs/backups/${R1}/etc/hosts`, mode: 0o644, uid: 0, gid: 0 },
  ];
}

function files(records: JournalRecord[], conf = NEW_CONF): Record<string, string | null> {
  return {
    [CONF]: conf,
    [`/var/lib/ovs/backups/${R1}${CONF}`]: OLD_CONF,
    [O2CB]: NEW_O2CB, // renamed into place; the kill came before its change record
    '/etc/hosts': OLD_HOSTS,
    [`/var/lib/ovs/backups/${R1}/etc/hosts`]: OLD_HOSTS,
    [HOSTS_TMP]: NEW_HOSTS, // written, not yet renamed
    '/etc/probe/probe.conf': 'old\n',
    [JOURNAL]: records.map(journalLine).join(''),
  };
}

const probe = { expect: [{ argv: ['probe-tool', '--apply', 'new'] }], services: { probe: {} } };
const records = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l));

describe('recovery of an interrupted run', () => {
  it('the next locked run takes every file change back, removes its temporary file, closes it, and says so in one line', async () => {
    const r = await runProbe(['probe-changes', 'new'], { ...probe, files: files(interrupted()) });
    expect(r.exit).toBe(0);
    expect(r.host.readText(CONF)).toBe(OLD_CONF);
    expect(r.host.exists(O2CB)).toBe(false);
    expect(r.host.exists('/etc/default')).toBe(false);
    expect(r.host.exists(HOSTS_TMP)).toBe(false);
    expect(r.host.readText('/etc/hosts')).toBe(OLD_HOSTS);
    expect(r.host.readText('/etc/probe/probe.conf')).toBe('new\n');
    const warnings = r.stderr.split('\n').filter((l) => l.includes('warning'));
    expect(warnings).toEqual([`ovs: warning: run ${R1} (ovs cluster-configure --add-node ovs2=10.0.0.2) was interrupted; rolled back 4 of 4 file changes`]);
    const mine = records(r.host.readText(JOURNAL)).filter((x) => x.run === R1).slice(interrupted().length);
    expect(mine.map((x) => [x.type, x.seq, x.result])).toEqual([
      ['change', 1, 'rolled back'], ['change', 2, 'rolled back'], ['change', 3, 'rolled back'], ['change', 4, 'rolled back'], ['end', undefined, undefined],
    ]);
    expect(mine.at(-1)).toMatchObject({ status: 'interrupted', recovery: 'rolled back', recovered_by: expect.stringMatching(/-4242$/) });
    // Recovered once: the run after it has nothing to say.
    const again = await runProbe(['probe-changes', 'new'], r.host);
    expect(again.stderr).not.toContain('interrupted');
  });

  it('a dry run and a read-only command only warn and change nothing', async () => {
    const opts = { files: files(interrupted()) };
    const dry = await runProbe(['--dry-run', 'probe-changes', 'new'], opts);
    expect(dry.exit).toBe(0);
    expect(dry.stderr).toContain(`ovs: warning: run ${R1} (ovs cluster-configure --add-node ovs2=10.0.0.2) was interrupted; the next ovs run that changes something rolls it back first\n`);
    const before = JSON.stringify(dry.host.vol.toJSON());
    const again = await runProbe(['--dry-run', 'probe-changes', 'new'], dry.host);
    expect(JSON.stringify(again.host.vol.toJSON())).toBe(before);
    expect(dry.host.readText(CONF)).toBe(NEW_CONF);
  });

  it('leaves a run whose process is alive alone', async () => {
    const r = await runProbe(['probe-changes', 'new'], { ...probe, files: files(interrupted()), alivePids: [999] });
    expect(r.exit).toBe(0);
    expect(r.stderr).not.toContain('interrupted');
    expect(r.host.readText(CONF)).toBe(NEW_CONF);
    expect(r.host.exists(HOSTS_TMP)).toBe(true);
  });

  it('a pid alive now but from another boot is gone: recovered', async () => {
    const r = await runProbe(['probe-changes', 'new'], { ...probe, files: { ...files(interrupted({ boot: 'boot-1' } as Partial<JournalRecord>)), [BOOT_ID_PATH]: 'boot-2\n' }, alivePids: [999] });
    expect(r.stderr).toContain(`run ${R1} (ovs cluster-configure --add-node ovs2=10.0.0.2) was interrupted; rolled back 4 of 4 file changes`);
    expect(r.host.readText(CONF)).toBe(OLD_CONF);
  });

  it('a file changed since by something else is left as is and named; the rest goes back', async () => {
    const r = await runProbe(['probe-changes', 'new'], { ...probe, files: files(interrupted(), 'cluster: edited by hand\n') });
    expect(r.exit).toBe(0);
    expect(r.host.readText(CONF)).toBe('cluster: edited by hand\n');
    expect(r.host.exists(O2CB)).toBe(false);
    expect(r.stderr).toContain(`rolled back 3 of 4 file changes, left as is: ${CONF} (it was changed since by something else)`);
    expect(records(r.host.readText(JOURNAL)).find((x) => x.type === 'end' && x.run === R1)).toMatchObject({ recovery: 'partly rolled back' });
  });

  it('a journal cut short in the middle of a line still reads, and the recovery starts on a line of its own', async () => {
    const f = files(interrupted());
    f[JOURNAL] = `${f[JOURNAL]}{"type":"intent","time":"${T}","run":"${R1}","se`;
    const r = await runProbe(['probe-changes', 'new'], { ...probe, files: f });
    expect(r.exit).toBe(0);
    const lines = r.host.readText(JOURNAL).split('\n');
    expect(lines.filter((l) => l.startsWith('{"type":"end"')).map((l) => JSON.parse(l).run)).toEqual([R1, expect.stringMatching(/-4242$/)]);
  });

  it('a program the interrupted run started cannot be taken back: said so', async () => {
    const recs: JournalRecord[] = [
      { type: 'begin', time: T, run: R1, command: 'ovs services start', user: 'root', pid: 999 },
      { type: 'intent', time: T, run: R1, seq: 1, kind: 'service', argv: ['service', 'o2cb', 'start'], service: { name: 'o2cb', action: 'start' } },
    ];
    const r = await runProbe(['probe-changes', 'new'], { ...probe, files: { '/etc/probe/probe.conf': 'old\n', [JOURNAL]: recs.map(journalLine).join('') } });
    expect(r.stderr).toContain(`run ${R1} (ovs services start) was interrupted; it changed no file; 1 program or service action it started cannot be taken back`);
    expect(records(r.host.readText(JOURNAL)).find((x) => x.type === 'end' && x.run === R1)).toMatchObject({ status: 'interrupted', recovery: 'nothing to roll back' });
  });
});
