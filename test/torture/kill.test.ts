/**
 * SIGKILL at seeded random points of real write runs (`node bin/ovs --root IMG …` on scratch
 * images on the real disk), several kill loops in parallel:
 *
 * - cluster-configure flipping between two states (a node added with heartbeat threshold 61,
 *   removed with 31): cluster.conf and the O2CB settings change together in each run;
 * - cluster-check --alter-fstab: /etc/ovs/repositories and /etc/fstab change together.
 *
 * After each kill: every managed file is byte for byte its old or its new content (never torn),
 * and a changed file has its backup. Then a run goes to the end: it takes over the stale lock,
 * takes the interrupted run back (it says so, nothing left as is), and ends in the new state
 * with no temporary file, no lock and no unfinished run left. The cluster-configure loops
 * chain their runs (three killed runs, each recovering the one before, then one complete run:
 * a run killed in the middle of recovering is covered too); the --alter-fstab loop resets its
 * image before each kill and runs the command again to the end after it.
 * OVS_TORTURE_KILLS=N sets the number of kills (default 300), OVS_TORTURE_SEED the seed.
 */
import { rmSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { healthyServer, writeImage } from '../fixtures/servers/servers.js';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';
import { build, clusterImage, lockLeft, ovs, read, seeded, tempFiles, unfinished, type Exited } from './helpers.js';

const KILLS = Number(process.env.OVS_TORTURE_KILLS ?? 300);
const SEED = Number(process.env.OVS_TORTURE_SEED ?? 20261203);
/** Stop killing after this long (the figures are printed either way; too few kills fails). */
const BUDGET_MS = Number(process.env.OVS_TORTURE_BUDGET_S ?? 480) * 1000;

/** One managed state of an image: system path -> content (undefined: absent). */
type State = Record<string, string | undefined>;

interface Scenario {
  name: string;
  root: string;
  /** The old state, the argv that changes it, and the new state it must end in. */
  next(): { from: State; argv: string[]; to: State };
  /** Does this content count as this state's (exact, or modulo a generated uuid)? */
  same(path: string, content: string | undefined, expected: string | undefined): boolean;
  okExits: number[];
  /** Chained: runs follow each other without a reset; `settle` says where the last one left the image. */
  chained: boolean;
  /** After a run (killed or not) by `pid`: did it complete its change? */
  settle(completed: boolean): void;
  done(): void;
}

const uuidFree = (t: string | undefined) => t?.replace(/^[0-9A-F]{32}/gm, 'UUID');

const figures = { kills: 0, finishedFirst: 0, interrupted: 0, split: 0, torn: 0, noBackup: 0, lost: 0, staleTakenOver: 0, leftovers: 0, problems: [] as string[] };

function problem(text: string): void {
  if (figures.problems.length < 20) figures.problems.push(text);
}

async function clusterScenario(root: string): Promise<Scenario> {
  clusterImage(root);
  const files = ['/etc/ocfs2/cluster.conf', '/etc/default/o2cb'];
  const snap = (): State => Object.fromEntries(files.map((f) => [f, read(root, f)]));
  const toA = ['--root', root, 'cluster-configure', '--node', 'ovs1=10.0.0.1', '--heartbeat-threshold', '31'];
  const toB = ['--root', root, 'cluster-configure', '--add-node', 'n2=10.0.0.2', '--heartbeat-threshold', '61'];
  const back = ['--root', root, 'cluster-configure', '--remove-node', 'n2', '--heartbeat-threshold', '31'];
  for (const argv of [toA]) expect((await ovs(argv)).code).toBe(0);
  const A = snap();
  expect((await ovs(toB)).code).toBe(0);
  const B = snap();
  expect((await ovs(back)).code).toBe(0);
  expect(snap()).toEqual(A); // deterministic: each state has exactly one content
  // Where the image is once any interrupted run is taken back: A or B.
  let atA = true;
  return {
    name: 'cluster-configure',
    root,
    next: () => (atA ? { from: A, argv: toB, to: B } : { from: B, argv: back, to: A }),
    same: (_p, content, expected) => content === expected,
    okExits: [0],
    chained: true,
    settle(completed) {
      if (completed) atA = !atA;
    },
    done: () => {},
  };
}

async function fstabScenario(root: string): Promise<Scenario> {
  const s = healthyServer();
  const OLD = readFileSync(new URL('../fixtures/servers/fstab/below-ovs.fstab', import.meta.url), 'utf8');
  s.files['/etc/fstab'] = OLD;
  delete s.files['/etc/ovs/repositories'];
  writeImage(s, root);
  const argv = ['--root', root, 'cluster-check', '--alter-fstab'];
  const reset = () => {
    writeFileSync(join(root, 'etc/fstab'), OLD);
    rmSync(join(root, 'etc/ovs'), { recursive: true, force: true });
  };
  const r = await ovs(argv);
  expect([0, 1], r.stderr).toContain(r.code);
  const NEW: State = { '/etc/ovs/repositories': read(root, '/etc/ovs/repositories'), '/etc/fstab': read(root, '/etc/fstab') };
  expect(NEW['/etc/ovs/repositories']).toMatch(/^[0-9A-F]{32} {2}ocfs2 {2}C /m);
  const FROM: State = { '/etc/ovs/repositories': undefined, '/etc/fstab': OLD };
  return {
    name: 'cluster-check --alter-fstab',
    root,
    next() {
      reset();
      return { from: FROM, argv, to: NEW };
    },
    same: (_p, content, expected) => uuidFree(content) === uuidFree(expected),
    okExits: [0, 1],
    chained: false,
    settle: () => {},
    done: reset,
  };
}

/** The `begin` of the run with this pid (the newest), and whether it has an `end` saying ok. */
function runOf(root: string, pid: number | undefined): { id?: string; ended: boolean } {
  const text = read(root, '/var/log/ovs/journal.log') ?? '';
  const begins = [...text.matchAll(/^\{"type":"begin","time":"[^"]*","run":"([^"]+)".*"pid":(\d+)/gm)].filter((m) => Number(m[2]) === pid);
  const id = begins.at(-1)?.[1];
  return { id, ended: id !== undefined && text.includes(`{"type":"end","time":`) && new RegExp(`^\\{"type":"end","time":"[^"]*","run":"${id}","status":"ok"`, 'm').test(text) };
}

/** One kill, then (unchained, or every fourth step of a chain) a run to the end that must recover it. */
async function killOnce(s: Scenario, rnd: () => number, typical: { ms: number }, step: number): Promise<void> {
  const { from, argv, to } = s.next();
  const before = { lock: lockLeft(s.root), open: unfinished(s.root) };
  const complete = s.chained && step % 4 === 3;
  // Most of a run is Node starting up: kills land from late in start-up to the end.
  const r = await ovs(argv, complete ? undefined : Math.round(typical.ms * (0.45 + 0.5 * rnd())));
  if (r.signal !== 'SIGKILL') {
    typical.ms = 0.7 * typical.ms + 0.3 * r.ms; // the machine's load changes: follow it
    if (!complete) figures.finishedFirst++;
    s.settle(true);
    checkRecovery(s, r, before.lock, before.open, to);
    return;
  }
  figures.kills++;
  const run = runOf(s.root, r.pid);
  checkAfterKill(s, from, to, before.open.length === 0 ? run.id : undefined);
  s.settle(run.ended);
  const open = unfinished(s.root);
  if (open.length) figures.interrupted++;
  if (s.chained) return;
  const lock = lockLeft(s.root);
  const again = await ovs(argv);
  checkRecovery(s, again, lock, open, to);
}

/** Every file old or new; a changed one backed up by `run` (checked when no earlier run was left open). */
function checkAfterKill(s: Scenario, from: State, to: State, run: string | undefined): void {
  let changed = 0;
  for (const path of Object.keys(from)) {
    const now = read(s.root, path);
    if (s.same(path, now, from[path])) continue;
    if (!s.same(path, now, to[path])) {
      figures.torn++;
      problem(`${s.name}: ${path} is neither old nor new after a kill`);
      continue;
    }
    changed++;
    if (run !== undefined && from[path] !== undefined && read(s.root, `/var/lib/ovs/backups/${run}${path}`) !== from[path]) {
      figures.noBackup++;
      problem(`${s.name}: ${path} changed by run ${run} without its backup`);
    }
  }
  if (changed > 0 && changed < Object.keys(from).length) figures.split++;
}

function checkRecovery(s: Scenario, again: Exited, lock: boolean, open: string[], to: State): void {
  if (!s.okExits.includes(again.code ?? -1)) problem(`${s.name}: the run after a kill exited ${again.code}: ${again.stderr}`);
  if (lock) {
    if (again.stderr.includes('taking over a stale lock')) figures.staleTakenOver++;
    else problem(`${s.name}: a lock left by a killed run was not taken over: ${again.stderr}`);
  }
  for (const id of open) {
    if (!again.stderr.includes(`run ${id} (`) || !again.stderr.includes('was interrupted')) problem(`${s.name}: interrupted run ${id} not reported: ${again.stderr}`);
    if (again.stderr.includes('left as is')) problem(`${s.name}: recovery left something as is: ${again.stderr}`);
  }
  for (const path of Object.keys(to)) {
    if (!s.same(path, read(s.root, path), to[path])) {
      figures.lost++;
      problem(`${s.name}: ${path} is not in the new state after the run that recovered`);
    }
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
      await fstabScenario(join(scratch.path, 'f1')),
    ];
    const started = performance.now();
    await Promise.all(
      scenarios.map(async (s, i) => {
        const rnd = seeded(SEED + i);
        // How long a whole run takes here and now: kills land from its start-up to its end.
        const timings: number[] = [];
        for (let k = 0; k < 3; k++) {
          const { argv } = s.next();
          timings.push((await ovs(argv)).ms);
        }
        const typical = { ms: timings.sort((a, b) => a - b)[1] as number };
        for (let step = 0; figures.kills < KILLS && figures.problems.length < 20 && performance.now() - started < BUDGET_MS; step++) await killOnce(s, rnd, typical, step);
        s.done();
      }),
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(
      `torture/kill (seed ${SEED}, ${seconds} s): ${figures.kills} kills (${figures.finishedFirst} runs finished before their kill), ` +
        `${figures.interrupted} interrupted runs recovered, ${figures.split} pairs split by a kill and taken back, ${figures.staleTakenOver} stale locks taken over; ` +
        `${figures.torn} torn, ${figures.noBackup} changed without backup, ${figures.lost} lost, ${figures.leftovers} temporary files left`,
    );
    expect(figures.problems).toEqual([]);
    expect(figures.kills).toBeGreaterThanOrEqual(KILLS);
    expect([figures.torn, figures.noBackup, figures.lost, figures.leftovers]).toEqual([0, 0, 0, 0]);
  }, BUDGET_MS + 180_000);
});
