/**
 * --root confinement, attacked. Static attempts: symbolic links (absolute and relative,
 * climbing with `..`), symlinked parents, links in place of files, `..` in a path argument
 * and a bind mount in a private mount namespace, each against real `node bin/ovs --root`
 * write commands, with sentinel directories outside the root whose tree hash must not
 * change. Then the swap race: a racer process flips directories of the image between a
 * real directory and a symbolic link to a sentinel outside while real runs write; every
 * file that appears in the sentinel is an escape. Figures are printed at the end.
 * OVS_TORTURE_HB_RUNS sets the raced hb-create runs (default 6);
 * OVS_TORTURE_DEBUG=1 prints the error line of every refused run;
 * OVS_TORTURE_RACE_RUNS raises the number of raced runs (default 30); OVS_TORTURE_FLIP the directories flipped (default etc/ocfs2).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, lstatSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inNamespaces, scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

/** Every entry below `dir`: name, kind, mode, owner, content or link target. */
function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      h.update(`${relative(dir, p)}\0${st.mode}\0${st.uid}:${st.gid}\0`);
      if (st.isSymbolicLink()) h.update(`-> ${readlinkSync(p)}\0`);
      else if (st.isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

interface Run {
  status: number;
  stderr: string;
}
const ovs = (root: string, args: string[]): Run => {
  const r = spawnSync(process.execPath, ['bin/ovs', '--root', root, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? 128, stderr: r.stderr };
};
const up = (depth: number) => '../'.repeat(depth);

/** What the write commands need: a host name, an o2cb init script, an fstab with /OVS (for --alter-fstab), /OVS. */
function image(root: string): void {
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  mkdirSync(join(root, 'OVS'));
  writeFileSync(join(root, 'etc/hostname'), 'n0\n');
  writeFileSync(join(root, 'etc/init.d/o2cb'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  writeFileSync(join(root, 'etc/fstab'), 'nfs1:/OVS /OVS nfs defaults 0 0\n');
}

/** A sentinel: a small tree outside the root that must stay as it is. */
function sentinel(dir: string): void {
  mkdirSync(join(dir, 'etc/ocfs2'), { recursive: true });
  mkdirSync(join(dir, 'inner'));
  writeFileSync(join(dir, 'etc/ocfs2/cluster.conf'), 'sentinel\n');
  writeFileSync(join(dir, 'cluster.conf'), 'sentinel\n');
  writeFileSync(join(dir, 'fstab'), 'sentinel\n');
  writeFileSync(join(dir, 'journal.log'), 'sentinel\n');
}

const COMMANDS: Record<string, string[]> = {
  'cluster-configure': ['cluster-configure', '--node', 'n0=10.0.0.1', '--node', 'n1=10.0.0.2'],
  'cluster-check --alter-fstab': ['cluster-check', '--alter-fstab'],
};

/** name -> set-up of the trick inside root R against sentinel S (machine paths); `depth` is R's depth. */
type Trick = (R: string, S: string, depth: number) => void;
const TRICKS: Record<string, Trick> = {
  'absolute link for /etc/ocfs2': (R, S) => symlinkSync(join(S, 'etc/ocfs2'), mkParent(join(R, 'etc/ocfs2'))),
  'relative link climbing out for /etc/ocfs2': (R, S, d) => symlinkSync(`${up(d + 2)}${S.slice(1)}/etc/ocfs2`, mkParent(join(R, 'etc/ocfs2'))),
  'absolute link for the file cluster.conf': (R, S) => symlinkSync(join(S, 'cluster.conf'), mkParent(join(R, 'etc/ocfs2/cluster.conf'))),
  'relative link for the file /etc/default/o2cb': (R, S, d) => symlinkSync(`${up(d + 2)}${S.slice(1)}/cluster.conf`, mkParent(join(R, 'etc/default/o2cb'))),
  'absolute link for /etc/fstab': (R, S) => replaceBy(join(R, 'etc/fstab'), join(S, 'fstab')),
  'relative link for /etc/fstab': (R, S, d) => replaceBy(join(R, 'etc/fstab'), `../${up(d)}${S.slice(1)}/fstab`),
  'symlinked parent: /etc/ovs': (R, S) => symlinkSync(S, mkParent(join(R, 'etc/ovs'))),
  'symlinked parent: /var/log/ovs (journal)': (R, S) => symlinkSync(S, mkParent(join(R, 'var/log/ovs'))),
  'symlinked parent: /var/lib (backups)': (R, S, d) => symlinkSync(`${up(d + 1)}${S.slice(1)}`, mkParent(join(R, 'var/lib'))),
  'symlinked parent: /run/lock (lock)': (R, S) => symlinkSync(S, mkParent(join(R, 'run/lock'))),
  'symlinked parent: /var -> ..': (R, _, d) => symlinkSync(up(d + 1), join(R, 'var')),
  'link to the journal file itself': (R, S) => symlinkSync(join(S, 'journal.log'), mkParent(join(R, 'var/log/ovs/journal.log'))),
  'chain of links: /etc/ocfs2 -> /x -> S': (R, S) => {
    symlinkSync('/x', mkParent(join(R, 'etc/ocfs2')));
    symlinkSync(`${up(9)}${S.slice(1)}/etc/ocfs2`, join(R, 'x'));
  },
};

function mkParent(p: string): string {
  mkdirSync(join(p, '..'), { recursive: true });
  return p;
}
function replaceBy(p: string, target: string): void {
  spawnSync('rm', ['-f', '--', p]);
  symlinkSync(target, p);
}

const staticExits: Record<number, number> = {};
const figures = { cases: 0, escapes: 0, crashes: 0, raced: 0, swaps: 0, raceEscapes: 0, refused: 0, raceInternal: 0, raceExits: '', hbRaced: 0 };

describeWithTools(['unshare', 'mount', 'mkfs.ocfs2', 'fallocate', '/sbin/modprobe'], '--root confinement under attack', () => {
  const scratch = scratchDir('i11-root');
  let n = 0;
  const fresh = () => {
    const base = join(scratch.path, `c${n++}`);
    const R = join(base, 'img');
    const S = join(base, 'sentinel');
    mkdirSync(R, { recursive: true });
    image(R);
    sentinel(S);
    return { R, S, depth: R.split('/').filter(Boolean).length };
  };
  /** The run did not crash, and nothing outside changed. */
  const check = (label: string, S: string, before: string, r: Run) => {
    figures.cases++;
    staticExits[r.status] = (staticExits[r.status] ?? 0) + 1;
    if (process.env.OVS_TORTURE_DEBUG && r.status > 1) console.log(label, r.stderr.split("\n").find((l) => / while /.test(l)));
    if (r.status === 70 || /\n\s+at /.test(r.stderr)) figures.crashes++;
    if (treeHash(S) !== before) figures.escapes++;
    expect(r.status, `${label}: ${r.stderr}`).not.toBe(70);
    expect(r.stderr, label).not.toMatch(/\n\s+at /);
    expect(treeHash(S), `${label}: the sentinel changed`).toBe(before);
  };

  beforeAll(() => {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
  });
  afterAll(() => {
    scratch.remove();
    console.log(`--root confinement: ${figures.cases} static cases (exits ${Object.entries(staticExits).map(([c, k]) => `${k}x${c}`).join(' ')}), ${figures.escapes} escapes, ${figures.crashes} crashes; swap race: ${figures.raced} runs + ${figures.hbRaced} hb-create runs, ${figures.swaps} swaps, ${figures.refused} refused (73, directory outside), ${figures.raceEscapes} escapes, ${figures.raceInternal} internal errors; exits ${figures.raceExits}`);
  });

  for (const [trick, setUp] of Object.entries(TRICKS)) {
    it.each(Object.keys(COMMANDS))(`${trick}: %s writes inside the root only`, (command) => {
      const { R, S, depth } = fresh();
      setUp(R, S, depth);
      const before = treeHash(S);
      check(`${trick} / ${command}`, S, before, ovs(R, COMMANDS[command] as string[]));
    });
  }

  it('`..` in a path argument and /OVS climbing out: hb-create (real mkfs.ocfs2) makes the file inside', () => {
    const { R, S, depth } = fresh();
    const before = treeHash(S);
    check('hb-create ..', S, before, ovs(R, ['hb-create', '--size', '136M', `/OVS/${up(depth + 3)}${S.slice(1)}/hb`]));
    spawnSync('rm', ['-rf', '--', join(R, 'OVS')]);
    symlinkSync(`${up(depth + 1)}${S.slice(1)}/inner`, join(R, 'OVS'));
    const r = ovs(R, ['hb-create', '--size', '136M']);
    check('hb-create /OVS link', S, before, r);
    expect(r.status, r.stderr).toBe(66); // <R>/<S>/inner does not exist inside the root
  });

  it('a bind mount of an outside directory onto /etc/ocfs2 (private mount namespace): its `..` links stay in the image', () => {
    const { R, S } = fresh();
    mkdirSync(join(R, 'etc/ocfs2'));
    symlinkSync('../cluster.conf', join(S, 'inner/cluster.conf')); // from the bind source, `..` would be S
    const before = treeHash(S);
    const script = `mount --bind "$1" "$2" && exec "$3" bin/ovs --root "$4" cluster-configure --node n0=10.0.0.1 --node n1=10.0.0.2`;
    const r = inNamespaces(['bash', '-c', script, 'bind', join(S, 'inner'), join(R, 'etc/ocfs2'), process.execPath, R]);
    check('bind mount', S, before, { status: r.exitCode, stderr: r.stderr });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(R, 'etc/cluster.conf'), 'utf8')).toContain('cluster:');
  });

  it('the swap race: directories of the image flip to a link outside while real runs write; 0 escapes', async () => {
    const { R, S } = fresh();
    const flipped = (process.env.OVS_TORTURE_FLIP ?? 'etc/ocfs2').split(',');
    for (const d of flipped) mkdirSync(join(R, d), { recursive: true });
    const racer = startRacer(R, flipped, S);
    const entriesBefore = readdirSync(S).length;
    const runs = Number(process.env.OVS_TORTURE_RACE_RUNS ?? 30);
    const before = treeHash(S);
    const exits: Record<number, number> = {};
    try {
      for (let i = 0; i < runs; i++) {
        const r = await ovsAsync(R, ['cluster-configure', '--node', 'n0=10.0.0.1', '--node', `n1=10.0.1.${1 + (i % 200)}`]);
        figures.raced++;
        exits[r.status] = (exits[r.status] ?? 0) + 1;
        // A refusal as the run's own error; a rollback that meets the swap only warns (the
        // sentinel's tree hash below proves nothing was written outside either way).
        if (/^ovs: cluster-configure: .*leads outside --root/m.test(r.stderr)) {
          figures.refused++;
          expect(r.status).toBe(73);
          expect(r.stderr).toMatch(new RegExp(`^ovs: cluster-configure: /etc/ocfs2 leads outside --root ${R} \\(to ${S}\\): a directory of the image was replaced while ovs ran while changing /etc/ocfs2/\\S+\\novs: hint: something is changing the image under ovs`, 'm'));
        }
        // The racer's directory is briefly missing, which each step reports as it may (73, 72 ...),
        // but never as an internal error: a file gone between its stat and its read was one.
        if (r.status === 70) figures.raceInternal++;
        expect(r.status, r.stderr).not.toBe(70);
      }
    } finally {
      figures.swaps = await stopRacer(racer);
      figures.raceExits = Object.entries(exits).map(([code, count]) => `${count}x${code}`).join(' ');
    }
    figures.raceEscapes = readdirSync(S).length - entriesBefore + (treeHash(S) === before ? 0 : 1);
    expect(figures.swaps).toBeGreaterThan(runs);
    expect(figures.raceEscapes).toBe(0);
  });

  it('the swap race against hb-create: /OVS flips while fallocate, dd and mkfs.ocfs2 write the temporary file; 0 escapes', async () => {
    const { R, S } = fresh();
    const racer = startRacer(R, ['OVS'], S, 20, 2); // mostly a directory, so runs get as far as the programs
    const entriesBefore = readdirSync(S).length;
    const runs = Number(process.env.OVS_TORTURE_HB_RUNS ?? 6);
    let made = 0;
    let swaps = 0;
    try {
      for (let i = 0; i < runs; i++) {
        const r = await ovsAsync(R, ['--yes', 'hb-create', '--force', '--size', '136M']);
        figures.hbRaced++;
        if (r.status === 0) made++;
        else if (process.env.OVS_TORTURE_DEBUG) console.log(r.status, r.stderr.split("\n").filter((l) => l.includes("hb-create:")).join(" "));
        if (/leads outside --root/.test(r.stderr)) figures.refused++;
        if (r.status === 70) figures.raceInternal++;
        expect(r.status, r.stderr).not.toBe(70);
      }
    } finally {
      swaps = await stopRacer(racer);
    }
    figures.swaps += swaps;
    const escaped = readdirSync(S).length - entriesBefore;
    figures.raceEscapes += escaped;
    console.log(`hb-create swap race: ${runs} runs, ${made} made the file, ${swaps} swaps, ${escaped} escapes`);
    expect(swaps).toBeGreaterThan(runs);
    expect(escaped).toBe(0);
  });
});

function ovsAsync(root: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['bin/ovs', '--root', root, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    c.on('close', (code) => resolve({ status: code ?? 128, stderr }));
  });
}

/**
 * The racer: a separate process swapping each directory for a link to S and back, each
 * state held a random time (long enough for a run to resolve in one state and write in the other); on SIGTERM it puts every directory back and prints how many swaps it made.
 */
const RACER = `
const fs = require('node:fs');
const [root, sentinel, realMs, linkMs, ...dirs] = process.argv.slice(1);
let swaps = 0, stop = false;
const cell = new Int32Array(new SharedArrayBuffer(4));
const pause = (ms) => Atomics.wait(cell, 0, 0, Math.random() * Number(ms));
process.on('SIGTERM', () => { stop = true; });
(async () => {
  while (!stop) {
    for (const d of dirs) {
      const p = root + '/' + d, aside = p + '.racer';
      try { fs.renameSync(p, aside); fs.symlinkSync(sentinel, p); swaps++; pause(linkMs); fs.unlinkSync(p); fs.renameSync(aside, p); pause(realMs); } catch {}
    }
    await new Promise((r) => setImmediate(r));
  }
  for (const d of dirs) { const p = root + '/' + d; try { if (fs.lstatSync(p).isSymbolicLink()) fs.unlinkSync(p); } catch {} try { fs.renameSync(p + '.racer', p); } catch {} }
  process.stdout.write(String(swaps));
})();
`;

/** Each state lasts a random time up to `realMs` (directory) or `linkMs` (link). */
function startRacer(root: string, dirs: string[], sentinelDir: string, realMs = 2, linkMs = 2): ChildProcess {
  return spawn(process.execPath, ['-e', RACER, root, sentinelDir, String(realMs), String(linkMs), ...dirs], { stdio: ['ignore', 'pipe', 'inherit'] });
}

function stopRacer(racer: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    let out = '';
    racer.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    racer.on('close', () => resolve(Number(out) || 0));
    racer.kill('SIGTERM');
  });
}
