import { describe, expect, it } from 'vitest';
import { groupRuns, journalLine, parseJournal, unfinishedIntents, type JournalRecord } from '../../src/lib/journal.js';

const T = '2026-12-03T12:00:00.000Z';

describe('journal records', () => {
  it('reads an old journal (change lines without type) as finished runs', () => {
    const text = [
      JSON.stringify({ time: T, run: 'r1', command: 'ovs x', kind: 'write', path: '/etc/a', result: 'applied' }),
      JSON.stringify({ time: T, run: 'r2', command: 'ovs y', kind: 'run', argv: ['false'], exit: 1, result: 'failed' }),
    ].join('\n');
    const { records, problems } = parseJournal(text);
    expect(problems).toEqual([]);
    const runs = groupRuns(records);
    expect(runs.map((r) => [r.run, r.status, r.command])).toEqual([
      ['r1', 'ok', 'ovs x'],
      ['r2', 'failed', 'ovs y'],
    ]);
  });

  it('reports a truncated last line and a foreign line by number, and keeps the rest', () => {
    const good = journalLine({ type: 'change', time: T, run: 'r1', kind: 'mkdir', path: '/x', result: 'applied' });
    const { records, problems } = parseJournal(`${good}[1,2]\n{"type":"zz","run":"r"}\n{"type":"begin","run":"r3","ti`);
    expect(records).toHaveLength(1);
    expect(problems).toEqual([
      { line: 2, reason: 'not a JSON object' },
      { line: 3, reason: 'unknown record type "zz"' },
      { line: 4, reason: 'not a complete JSON record (truncated or edited)' },
    ]);
  });

  it('a run with begin and no end is running; its intents without a change are unfinished', () => {
    const recs: JournalRecord[] = [
      { type: 'begin', time: T, run: 'r9', command: 'ovs c', user: 'root', pid: 42 },
      { type: 'intent', time: T, run: 'r9', seq: 1, kind: 'write', path: '/etc/a', sha256_before: null, sha256_after: 'aa' },
      { type: 'change', time: T, run: 'r9', seq: 1, kind: 'write', path: '/etc/a', result: 'applied' },
      { type: 'intent', time: T, run: 'r9', seq: 2, kind: 'write', path: '/etc/b', sha256_before: 'b0', sha256_after: 'b1' },
    ];
    const [run] = groupRuns(parseJournal(recs.map(journalLine).join('')).records);
    expect(run?.status).toBe('running');
    expect(unfinishedIntents(run!).map((i) => i.path)).toEqual(['/etc/b']);
    const ended = groupRuns([...recs, { type: 'end', time: T, run: 'r9', status: 'interrupted', recovered_by: 'r10', recovery: 'rolled back' }]);
    expect(ended[0]?.status).toBe('interrupted');
  });
});

describe('finding unfinished runs without parsing every record', () => {
  it('a begin without an end, in any order with other runs; a cut line or a begin inside a value is not one', async () => {
    const { unfinishedRunIds } = await import('../../src/lib/journal.js');
    const recs: JournalRecord[] = [
      { type: 'begin', time: T, run: 'a', command: 'ovs x', user: 'root', pid: 1 },
      { type: 'begin', time: T, run: 'b', command: 'ovs {"type":"begin","run":"z"}', user: 'root', pid: 2 },
      { type: 'intent', time: T, run: 'a', seq: 1, kind: 'mkdir', path: '/x' },
      { type: 'end', time: T, run: 'a', status: 'ok', exit: 0 },
      { type: 'begin', time: T, run: 'c', command: 'ovs y', user: 'root', pid: 3 },
    ];
    const text = `${recs.map(journalLine).join('')}{"type":"begin","time":"${T}","run":"d","comm`;
    expect([...unfinishedRunIds(text).keys()]).toEqual(['b', 'c']);
    expect(unfinishedRunIds(text).get('c')).toMatchObject({ pid: 3, command: 'ovs y' });
  });
});
