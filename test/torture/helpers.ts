/**
 * Shared by the torture suites: the built CLI as a real child process, seeded randomness,
 * scratch images, and the facts checked after every kill (temporary files left, the lock,
 * runs begun and never ended).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unfinishedRunIds } from '../../src/lib/journal.js';

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  pid?: number;
}

/**
 * When to send SIGKILL (if the run is still going): this many ms after the start, or this many
 * after the run first writes to its journal (watching the journal's directory: a run's changes
 * start there, at a time no clock can predict on a loaded machine).
 */
export type KillAt = number | { journalDir: string; afterMs: number };

/** Start `node bin/ovs ARGS`, killed at `kill`. */
export function ovs(args: readonly string[], kill?: KillAt): Promise<Exited> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['bin/ovs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    let timer: NodeJS.Timeout | undefined;
    const killIn = (ms: number) => (timer ??= setTimeout(() => child.kill('SIGKILL'), ms));
    const watcher = typeof kill === 'object' ? watch(kill.journalDir, () => killIn(kill.afterMs)) : undefined;
    if (typeof kill === 'number') killIn(kill);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      watcher?.close();
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, pid: child.pid });
    });
  });
}

/** mulberry32: a small seeded generator, so a failing kill sequence can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function build(): void {
  if (existsSync('dist/cli.cjs')) return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}

/** A server image with ocfs2-tools installed and a one-node cluster.conf written by ovs itself. */
export function clusterImage(root: string): void {
  mkdirSync(join(root, 'etc/ocfs2'), { recursive: true });
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  mkdirSync(join(root, 'etc/default'), { recursive: true });
  writeFileSync(join(root, 'etc/init.d/o2cb'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  writeFileSync(join(root, 'etc/hostname'), 'ovs1\n');
}

/** Every `.…ovs-….tmp` file left anywhere in the image. */
export function tempFiles(root: string, dir = root): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (lstatSync(p).isDirectory()) found.push(...tempFiles(root, p));
    else if (/\.ovs-[\w-]+\.tmp$/.test(name)) found.push(p.slice(root.length));
  }
  return found;
}

export { lockPresent as lockLeft } from '../helpers/sandbox.js';

export function journalText(root: string): string {
  const p = join(root, 'var/log/ovs/journal.log');
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
}

/** Runs with a `begin` and no `end`: the newest one's id, and how many. */
export function unfinished(root: string): string[] {
  return [...unfinishedRunIds(journalText(root)).keys()];
}

export const read = (root: string, path: string): string | undefined => {
  const p = join(root, path);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
};
