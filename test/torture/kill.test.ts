/**
 * SIGKILL at seeded random points of real write runs (`node bin/ovs --root IMG …` on scratch
 * images on the real disk), one kill loop per scenario (kill-scenarios.ts: cluster-configure
 * twice, cluster-configure --import, makerepo / offlinerepo -d, cluster-check --alter-fstab),
 * in parallel.
 *
 * After each kill: every managed file is byte for byte its old or its new content (never torn),
 * and a changed file has its backup. Then a run goes to the end: it takes over the stale lock,
 * takes the interrupted run back (it says so, nothing left as is), and ends in the new state
 * with no temporary file, no lock and no unfinished run left. After a quarter of the kills, a
 * locked run that changes nothing itself (offlinerepo -d of a repository never registered)
 * comes first: the image must then be exactly as before the interrupted run, every file of a
 * pair, link and directory included. The flipping loops chain their runs (three killed runs,
 * each recovering the one before, then one complete run: a run killed in the middle of
 * recovering is covered too); the --alter-fstab loop resets its image before each kill and
 * runs the command again to the end after it.
 * OVS_TORTURE_KILLS=N sets the number of kills (default 300; every scenario gets at least a
 * tenth of them), OVS_TORTURE_SEED the seed, OVS_TORTURE_BUDGET_S the time limit.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';
import { groupRuns, parseJournal } from '../../src/lib/journal.js';
import { build, lockLeft, ovs, read, seeded, tempFiles, unfinished, type Exited, type KillAt } from './helpers.js';
import { clusterScenario, entryOf, fstabScenario, importScenario, isFileContent, repositoryScenario, type Scenario, type State } from './kill-scenarios.js';

const KILLS = Number(process.env.OVS_TORTURE_KILLS ?? 300);
/** Each scenario's share at least: the faster loops make up the rest of KILLS. */
const KILLS_EACH = Math.ceil(KILLS / 10);
const SEED = Number(process.env.OVS_TORTURE_SEED ?? 20261203);
/** Stop killing after this long (the figures are printed either way; too few kills fails). */
const BUDGET_MS = Number(process.env.OVS_TORTURE_BUDGET_S ?? 480) * 1000;

/** After this share of the kills, a run that changes nothing checks recovery's work alone. */
const PROBE_SHARE = 0.25;
const NEVER_REGISTERED = '0123456789ABCDEF0123456789ABCDEF';

const figures = { kills: 0, finishedFirst: 0, interrupted: 0, split: 0, probes: 0, torn: 0, noBackup: 0, lost: 0, notTakenBack: 0, staleTakenOver: 0, leftovers: 0, problems: [] as string[] };
/** Per scenario (the two cluster-configure loops count apart): kills, runs a kill left interrupted, files split. */
const tally = new Map<Scenario, { kills: number; interrupted: number; split: number }>();
function tallyOf(s: Scenario): { kills: number; interrupted: number; split: number } {
  let t = tally.get(s);
  if (!t) tally.set(s, (t = { kills: 0, interrupted: 0, split: 0 }));
  return t;
}

function problem(text: string): void {
  if (figures.problems.length < 20) figures.problems.push(text);
}

/** The newest run of the process `pid` in the journal: its id, whether it ended ok, and how long it changed files. */
function runOf(root: string, pid: number | undefined): { id?: string; ended: boolean; changingMs?: number } {
  const runs = groupRuns(parseJournal(read(root, '/var/log/ovs/journal.log') ?? '').records);
  const run = runs.filter((r) => r.begin?.pid === pid).at(-1);
  if (!run?.begin) return { ended: false };
  return { id: run.run, ended: run.end?.status === 'ok', changingMs: run.end ? Date.parse(run.end.time) - Date.parse(run.begin.time) : undefined };
}

/**
 * When to kill. Half the kills land anywhere from late in Node's start-up (most of a run) to
 * the end of a typical run; the other half in the few milliseconds after the run's first
 * journal write, while it takes back runs killed before it and changes files: where a kill
 * can split a pair. Both spans follow the machine's load, learnt from the runs that finish.
 */
interface Timing {
  ms: number;
  changingMs: number;
}

function learn(t: Timing, r: Exited, root: string): void {
  t.ms = 0.7 * t.ms + 0.3 * r.ms;
  const changing = runOf(root, r.pid).changingMs;
  if (changing !== undefined) t.changingMs = 0.7 * t.changingMs + 0.3 * changing;
}

function killPoint(t: Timing, root: string, rnd: () => number): KillAt {
  if (rnd() < 0.5) return Math.round(t.ms * (0.45 + 0.5 * rnd()));
  return { journalDir: join(root, 'var/log/ovs'), afterMs: Math.round((t.changingMs + 2) * rnd()) };
}

/** One kill, then (unchained, or every fourth step of a chain) a run to the end that must recover it. */
async function killOnce(s: Scenario, rnd: () => number, timing: Timing, step: number): Promise<void> {
  const { from, argv, to } = s.next();
  const before = { lock: lockLeft(s.root), open: unfinished(s.root) };
  const complete = s.chained && step % 4 === 3;
  const r = await ovs(argv, complete ? undefined : killPoint(timing, s.root, rnd));
  if (r.signal !== 'SIGKILL') {
    learn(timing, r, s.root);
    if (!complete) figures.finishedFirst++;
    s.settle(true);
    checkRecovery(s, r, { ...before, state: to, exits: s.okExits });
    return;
  }
  figures.kills++;
  tallyOf(s).kills++;
  const run = runOf(s.root, r.pid);
  checkAfterKill(s, from, to, before.open.length === 0 ? run.id : undefined);
  s.settle(run.ended);
  const open = unfinished(s.root);
  if (open.length) {
    figures.interrupted++;
    tallyOf(s).interrupted++;
  }
  if (rnd() < PROBE_SHARE) {
    // A locked run that changes nothing itself: what it leaves is recovery's work alone.
    const probe = await ovs(['--root', s.root, 'offlinerepo', '-d', NEVER_REGISTERED]);
    figures.probes++;
    checkRecovery(s, probe, { lock: lockLeft(s.root), open, state: s.current(), exits: [0], taken: true });
  }
  if (s.chained) return;
  const again = await ovs(argv);
  checkRecovery(s, again, { lock: lockLeft(s.root), open: unfinished(s.root), state: to, exits: s.okExits });
}

/** Every file old or new; a changed one backed up by `run` (checked when no earlier run was left open). */
function checkAfterKill(s: Scenario, from: State, to: State, run: string | undefined): void {
  let changed = 0;
  for (const path of Object.keys(from)) {
    const now = entryOf(s.root, path);
    if (s.same(path, now, from[path])) continue;
    if (!s.same(path, now, to[path])) {
      figures.torn++;
      problem(`${s.name}: ${path} is neither old nor new after a kill`);
      continue;
    }
    changed++;
    if (run !== undefined && isFileContent(from[path]) && read(s.root, `/var/lib/ovs/backups/${run}${path}`) !== from[path]) {
      figures.noBackup++;
      problem(`${s.name}: ${path} changed by run ${run} without its backup`);
    }
  }
  if (changed > 0 && changed < Object.keys(from).length) {
    figures.split++;
    tallyOf(s).split++;
  }
}

interface Expected {
  /** A lock was left by a killed run. */
  lock: boolean;
  /** The runs left unfinished, which this run must report and take back. */
  open: string[];
  /** Where the image must be afterwards, and the run's exit. */
  state: State;
  exits: number[];
  /** The run changes nothing itself: a path out of `state` was not taken back (else: lost). */
  taken?: boolean;
}

/** A run after a kill took the stale lock over, took back every interrupted run, and left the image in `e.state`. */
function checkRecovery(s: Scenario, again: Exited, e: Expected): void {
  const { lock, open } = e;
  if (!e.exits.includes(again.code ?? -1)) problem(`${s.name}: the run after a kill exited ${again.code}: ${again.stderr}`);
  if (lock) {
    if (again.stderr.includes('taking over a stale lock')) figures.staleTakenOver++;
    else problem(`${s.name}: a lock left by a killed run was not taken over: ${again.stderr}`);
  }
  for (const id of open) {
    if (!again.stderr.includes(`run ${id} (`) || !again.stderr.includes('was interrupted')) problem(`${s.name}: interrupted run ${id} not reported: ${again.stderr}`);
    if (again.stderr.includes('left as is')) problem(`${s.name}: recovery left something as is: ${again.stderr}`);
  }
  for (const path of Object.keys(e.state)) {
    if (s.same(path, entryOf(s.root, path), e.state[path])) continue;
    if (e.taken) figures.notTakenBack++;
    else figures.lost++;
    problem(`${s.name}: ${path} is not as ${e.taken ? 'it was before the interrupted run, after recovery' : 'the run that recovered left it'}`);
  }
  const left = tempFiles(s.root);
  figures.leftovers += left.length;
  if (left.length) problem(`${s.name}: temporary files left after recovery: ${left.join(' ')}`);
  if (lockLeft(s.root)) problem(`${s.name}: lock left after a complete run`);
  const still = unfinished(s.root);
  if (still.length) problem(`${s.name}: runs still unfinished after recovery: ${still.join(' ')}`);
}

describeWithTools(['node'], 'SIGKILL at random points of write runs (built CLI, real disk, --root images)', () => {
  const scratch = scratchDir('i11-kill');
  beforeAll(build);
  afterAll(() => scratch.remove());

  it(`${KILLS} kills: nothing torn, every changed file backed up, every interrupted run taken back by the next run`, async () => {
    const scenarios = [
      await clusterScenario(join(scratch.path, 'c1')),
      await clusterScenario(join(scratch.path, 'c2')),
      await importScenario(join(scratch.path, 'i1')),
      await repositoryScenario(join(scratch.path, 'r1')),
      await fstabScenario(join(scratch.path, 'f1')),
    ];
    const started = performance.now();
    await Promise.all(
      scenarios.map(async (s, i) => {
        const rnd = seeded(SEED + i);
        // How long a whole run takes here and now, and when it changes files.
        const timing: Timing = { ms: 0, changingMs: 0 };
        for (let k = 0; k < 3; k++) {
          const r = await ovs(s.next().argv);
          if (k === 0) Object.assign(timing, { ms: r.ms, changingMs: runOf(s.root, r.pid).changingMs ?? 0 });
          learn(timing, r, s.root);
          s.settle(s.okExits.includes(r.code ?? -1));
        }
        const more = () => figures.kills < KILLS || tallyOf(s).kills < KILLS_EACH;
        for (let step = 0; more() && figures.problems.length < 20 && performance.now() - started < BUDGET_MS; step++) await killOnce(s, rnd, timing, step);
        s.done();
      }),
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(
      `torture/kill (seed ${SEED}, ${seconds} s): ${figures.kills} kills (${figures.finishedFirst} runs finished before their kill), ` +
        `${figures.interrupted} interrupted runs recovered, ${figures.split} pairs split by a kill and taken back, ${figures.staleTakenOver} stale locks taken over, ` +
        `${figures.probes} recoveries checked alone; ${figures.torn} torn, ${figures.noBackup} changed without backup, ${figures.lost} lost, ` +
        `${figures.notTakenBack} not taken back, ${figures.leftovers} temporary files left; ` +
        `by scenario (kills/interrupted/split): ${scenarios.map((sc) => `${sc.name} ${Object.values(tallyOf(sc)).join('/')}`).join(', ')}`,
    );
    expect(figures.problems).toEqual([]);
    expect(figures.kills).toBeGreaterThanOrEqual(KILLS);
    for (const s of scenarios) expect(tallyOf(s).kills, s.name).toBeGreaterThanOrEqual(KILLS_EACH);
    expect([figures.torn, figures.noBackup, figures.lost, figures.notTakenBack, figures.leftovers]).toEqual([0, 0, 0, 0, 0]);
  }, BUDGET_MS + 180_000);
});
