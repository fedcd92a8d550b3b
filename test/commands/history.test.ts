import { describe, expect, it } from 'vitest';
import { journalLine } from '../../src/lib/journal.js';
import { memoryHost } from '../../src/lib/doubles/memory-host.js';
import { CONF, JOURNAL_LOG, O2CB, poolMember, runIds, runLater } from '../helpers/history.js';
import { runOvs } from '../helpers/run.js';

async function threeRuns() {
  const h = poolMember();
  expect((await runLater(['cluster-configure', '--add-node', 'ovs3.example.com=192.168.100.102'], h)).exit).toBe(0);
  expect((await runLater(['cluster-configure', '--add-node', 'ovs4.example.com=192.168.100.103'], h)).exit).toBe(0);
  expect((await runLater(['cluster-configure', '--remove-node', 'ovs4.example.com'], h)).exit).toBe(0);
  return { h, ids: await runIds(h) };
}

describe('ovs history: the run list', () => {
  it('lists every run newest last, with its command, status and what it changed', async () => {
    const { h, ids } = await threeRuns();
    expect(ids).toHaveLength(3);
    expect([...ids].sort()).toEqual(ids);
    const r = await runOvs(['history'], h);
    expect(r.exit).toBe(0);
    const lines = r.stdout.split('\n');
    // The user: '-' when the journal has no begin record (older journals), else who ran it.
    expect(lines[0]).toMatch(new RegExp(`^${ids[0]}  2026-11-25T12:01:00Z  \\S+  ok  ovs cluster-configure --add-node ovs3\\.example\\.com=192\\.168\\.100\\.102$`));
    expect(lines[1]).toBe('    2 written, 1 service action');
    expect(lines[4]).toContain('ovs cluster-configure --remove-node ovs4.example.com');
    expect(lines[5]).toBe('    1 written, 1 service action');
  });

  it('--last N keeps the newest N; --json gives the common envelope', async () => {
    const { h, ids } = await threeRuns();
    const r = await runOvs(['--json', 'history', '--last', '2'], h);
    expect(r.exit).toBe(0);
    expect(r.json).toMatchObject({ ok: true, command: 'history', exit: 0, changes: [] });
    expect(r.json.result.total).toBe(3);
    expect(r.json.result.runs.map((x: { run: string }) => x.run)).toEqual(ids.slice(1));
    expect(r.json.result.runs[0].counts).toMatchObject({ written: 1, created: 0, services: 1 });
  });

  it('without a journal says ovs changed nothing here', async () => {
    const r = await runOvs(['history'], memoryHost());
    expect(r.exit).toBe(0);
    expect(r.stdout).toBe('no runs: /var/log/ovs/journal.log does not exist (ovs has changed nothing here)\n');
  });

  it('a truncated last line is reported with its run; the other runs are still listed', async () => {
    const { h, ids } = await threeRuns();
    const before = h.readText(JOURNAL_LOG).split('\n').length - 1;
    h.vol.appendFileSync(JOURNAL_LOG, `{"time":"2026-11-25T13:00:00.000Z","run":"${ids[2]}","kind":"wri`);
    h.vol.appendFileSync(JOURNAL_LOG, '\nnot json at all\n');
    const r = await runOvs(['history'], h);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain(`    ! journal line ${before + 1}: not a complete JSON record (truncated or edited)\n`);
    expect(r.stdout.indexOf(`! journal line ${before + 1}`)).toBeGreaterThan(r.stdout.indexOf(ids[2] as string));
    expect(r.stdout).toContain(`\n! journal line ${before + 2}: not a complete JSON record (truncated or edited)\n`);
    expect(r.stdout).toContain(ids[0]);
  });

  it('a run whose backups were pruned says so in one line', async () => {
    const { h, ids } = await threeRuns();
    h.vol.rmSync(`/var/lib/ovs/backups/${ids[0]}`, { recursive: true });
    const list = await runOvs(['history'], h);
    expect(list.exit).toBe(0);
    expect(list.stdout).toContain(`    ! the backups of this run are gone (/var/lib/ovs/backups/${ids[0]}: pruned by the backup retention, or deleted)\n`);
  });

  it('a backup deleted by hand is reported for its run, and history RUN still shows what it can', async () => {
    const { h, ids } = await threeRuns();
    h.vol.unlinkSync(`/var/lib/ovs/backups/${ids[1]}${CONF}`);
    const list = await runOvs(['history'], h);
    expect(list.exit).toBe(0);
    expect(list.stdout).toContain(`    ! backup of ${CONF} missing (/var/lib/ovs/backups/${ids[1]}${CONF})`);
    const one = await runOvs(['history', ids[1] as string], h);
    expect(one.exit).toBe(0);
    expect(one.stdout).toContain(`written ${CONF}  (backup /var/lib/ovs/backups/${ids[1]}${CONF} is missing: the previous content is unknown)`);
  });
});

describe('ovs history RUN', () => {
  it('shows every change and the diff of each file from its backup to what the run wrote', async () => {
    const { h, ids } = await threeRuns();
    const r = await runOvs(['history', ids[0] as string], h);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain(`run ${ids[0]}: ok\n`);
    expect(r.stdout).toContain(`  applied   write    ${CONF}\n  applied   write    ${O2CB}\n  applied   service  start o2cb\n`);
    expect(r.stdout).toContain(`written ${O2CB}\n  --- ${O2CB}\n  +++ ${O2CB}\n`);
    expect(r.stdout).toContain('  -O2CB_ENABLED=false\n  +O2CB_ENABLED=true\n');
    // The third run put cluster.conf back to what the first wrote: no note. A hand edit is one.
    expect(r.stdout).toContain(`written ${CONF}\n`);
    h.vol.appendFileSync(CONF, '# edited\n');
    const edited = await runOvs(['history', ids[0] as string], h);
    expect(edited.stdout).toContain(`written ${CONF}  (changed since this run: the diff is against the file as it is now)\n`);
    expect(edited.stdout).toContain('  +# edited\n');
  });

  it('takes a unique prefix of the run id; an unknown or ambiguous one is exit 66', async () => {
    const { h, ids } = await threeRuns();
    expect((await runOvs(['history', (ids[2] as string).slice(0, 13)], h)).stdout).toContain(`run ${ids[2]}: ok`);
    const none = await runOvs(['history', '1999'], h);
    expect(none.exit).toBe(66);
    expect(none.stderr).toBe("ovs: history: no run '1999' in /var/log/ovs/journal.log while looking up the run\novs: hint: `ovs history` lists the runs and their ids\novs: nothing was changed\n");
    const many = await runOvs(['history', '2026'], h);
    expect(many.exit).toBe(66);
    expect(many.stderr).toContain(`ovs: history: '2026' names 3 runs (${ids.join(', ')}) while looking up the run`);
  });

  it('-n is the global --dry-run: `history -n 5` says to use --last', async () => {
    const r = await runOvs(['history', '-n', '5'], memoryHost());
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain('ovs: history: -n is the global --dry-run, not a count of runs while reading the arguments\novs: hint: for the last 5 runs: ovs history --last 5\n');
  });

  it('--last takes a positive number', async () => {
    const r = await runOvs(['history', '--last', 'x'], memoryHost());
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain("ovs: history: --last takes a number of runs (1 or more), not 'x' while reading --last");
  });

  it('reads the write-ahead format: user, interrupted runs, unfinished changes, the intent backup path', async () => {
    const run = '20261125T110000Z-777';
    const t = '2026-11-25T11:00:00.000Z';
    const journal = [
      journalLine({ type: 'begin', time: t, run, command: 'ovs cluster-configure --add-node ovs3', user: 'root', pid: 777 }),
      journalLine({ type: 'intent', time: t, run, seq: 1, kind: 'write', path: CONF, sha256_before: 'x', sha256_after: 'y', backup: '/var/lib/ovs/backups/elsewhere/cluster.conf' }),
      journalLine({ type: 'change', time: t, run, seq: 1, kind: 'write', path: CONF, sha256_before: 'x', sha256_after: 'y', result: 'applied' }),
      journalLine({ type: 'intent', time: t, run, seq: 2, kind: 'write', path: O2CB, sha256_before: 'p', sha256_after: 'q' }),
    ].join('');
    const h = memoryHost({ files: { [JOURNAL_LOG]: journal, [CONF]: 'now\n', '/var/lib/ovs/backups/elsewhere/cluster.conf': 'before\n' } });
    const r = await runOvs(['history', run], h);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain(`run ${run}: interrupted\n  started  2026-11-25T11:00:00Z by root\n`);
    expect(r.stdout).toContain(`  ! interrupted during: write ${O2CB}\n`);
    expect(r.stdout).toContain(`written ${CONF}  (changed since this run: the diff is against the file as it is now)\n  --- ${CONF}\n  +++ ${CONF}\n  @@ -1 +1 @@\n  -before\n  +now\n`);
  });
});
