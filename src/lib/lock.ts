/**
 * One `ovs` run at a time per root: /run/lock/ovs.lock names its holder (pid, command, start
 * time, boot, run id), so a waiting run can say who holds it.
 *
 * The lock is a symbolic link whose target is the holder's JSON (the technique of Emacs's
 * lock files): symlink() creates it exclusively and with its content in one step, so there
 * is never a moment when the lock exists without saying who holds it. (A file created with
 * O_EXCL and written afterwards is empty for a moment; a run reading it then once judged it
 * stale and took a live lock.) Content that cannot be read is therefore treated as held.
 *
 * A lock is stale only when its holder is provably gone: its pid is not alive, or it was
 * taken in another boot (/proc/sys/kernel/random/boot_id differs; pids restart at boot).
 * Taking over renames the stale lock aside first, so of two runs that both judged it stale
 * only one removes it; a fresh lock moved aside by mistake is put back, never over a third.
 *
 * Under --root the lock lives in the image's /run/lock. Directories the run had to create
 * for it are removed again at release, so a run leaves no lock directory behind.
 */
import { posix } from 'node:path';
import { EXIT, OvsError, errnoOf, systemError } from './errors.js';
import type { Host, HostFs } from './host.js';
import type { Reporter } from './output.js';
import { makeDirs } from './atomic-write.js';
import { isoUtc } from './time.js';

export const LOCK_PATH = '/run/lock/ovs.lock';
const POLL_MS = 100;

export interface Holder {
  pid: number;
  command: string;
  started: string;
  /** The boot the lock was taken in (absent: not known, e.g. an older ovs). */
  boot?: string;
  /** The holder's run id, as in the journal. */
  run?: string;
}

/** A process of this boot that is still alive; one from another boot is gone. */
export function holderAlive(host: Host, myBoot: string | undefined, h: { pid: number; boot?: string }): boolean {
  if (h.boot && myBoot && h.boot !== myBoot) return false;
  return host.processAlive(h.pid);
}

function parseHolder(text: string): Holder | undefined {
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    if (typeof h.pid !== 'number' || !Number.isInteger(h.pid) || h.pid <= 0) return undefined;
    return {
      pid: h.pid,
      command: String(h.command ?? '?'),
      started: String(h.started ?? '?'),
      ...(typeof h.boot === 'string' ? { boot: h.boot } : {}),
      ...(typeof h.run === 'string' ? { run: h.run } : {}),
    };
  } catch {
    return undefined;
  }
}

const describe = (h: Holder) => `pid ${h.pid} (${h.command}), started ${h.started}`;

/** The lock as it is now: absent, or its raw text (a link's target; a plain file's content from an older ovs). */
async function readLock(fs: HostFs): Promise<string | undefined> {
  let kind: string;
  try {
    kind = (await fs.lstat(LOCK_PATH)).kind;
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return undefined;
    throw systemError(e, 'reading the lock', LOCK_PATH);
  }
  try {
    if (kind === 'symlink') return await fs.readlink(LOCK_PATH);
    if (kind === 'file') return (await fs.readFile(LOCK_PATH)).toString('utf8');
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return undefined; // released meanwhile
    return ''; // unreadable: held by someone we cannot name
  }
  throw new OvsError(EXIT.CANTCREAT, `${LOCK_PATH} is a ${kind === 'dir' ? 'directory' : 'special file'}, not a lock`, {
    while: 'taking the lock',
    hint: `remove ${LOCK_PATH} (ovs creates it itself) and run the command again`,
  });
}

export interface LockOptions {
  command: string;
  timeoutSeconds: number;
  report: Reporter;
  /** The run id (journal) and boot id, stored in the lock for whoever waits on it. */
  run?: string;
  boot?: string;
  /** The signal that interrupted the run, if one did: waiting stops. */
  interrupted?: () => string | undefined;
}

export interface Lock {
  /** Stale locks this acquisition took over (their holders were gone). */
  tookOver: Holder[];
  release(): Promise<void>;
}

/** Take the lock, waiting up to the timeout. */
export async function acquireLock(fs: HostFs, host: Host, opts: LockOptions): Promise<Lock> {
  const me: Holder = { pid: host.pid, command: opts.command, started: isoUtc(host.now()), ...(opts.boot ? { boot: opts.boot } : {}), ...(opts.run ? { run: opts.run } : {}) };
  const text = JSON.stringify(me);
  const created: string[] = [];
  const tookOver: Holder[] = [];
  const budgetMs = opts.timeoutSeconds * 1000;
  let waitedMs = 0;
  let announced = false;
  for (;;) {
    const signal = opts.interrupted?.();
    if (signal) throw new OvsError(EXIT.TEMPFAIL, `interrupted by ${signal}`, { while: 'waiting for the lock', hint: 'nothing was changed; run the command again' });
    if (await tryCreate(fs, text, created)) return { tookOver, release: () => release(fs, text, created) };
    const current = await readLock(fs);
    if (current === undefined) continue; // released meanwhile: try again at once
    const holder = parseHolder(current);
    if (holder && !holderAlive(host, opts.boot, holder)) {
      const why = holder.boot && opts.boot && holder.boot !== opts.boot ? 'which was taken before the last boot' : 'which is no longer running';
      opts.report.warn(`taking over a stale lock ${LOCK_PATH} held by ${describe(holder)}, ${why}`);
      if (await takeOver(fs, host, current)) tookOver.push(holder);
      continue;
    }
    const who = holder ? describe(holder) : 'a run whose lock cannot be read yet';
    if (!announced) opts.report.step(`waiting for ${LOCK_PATH}, held by ${who}`);
    announced = true;
    if (waitedMs >= budgetMs) {
      throw new OvsError(EXIT.TEMPFAIL, `another ovs run holds ${LOCK_PATH}: ${who}`, {
        while: 'waiting for the lock',
        hint: holder
          ? `wait for pid ${holder.pid} to finish and run the command again, or raise --lock-timeout`
          : `if no ovs run is going on, remove ${LOCK_PATH} and run the command again`,
      });
    }
    // A little jitter keeps a crowd of waiters from polling in lock step.
    const pause = Math.min(POLL_MS + Math.floor(Math.random() * POLL_MS), Math.max(1, budgetMs - waitedMs));
    await host.sleep(pause);
    waitedMs += pause;
  }
}

async function tryCreate(fs: HostFs, text: string, created: string[]): Promise<boolean> {
  for (let tries = 0; ; tries++) {
    try {
      await fs.symlink(text, LOCK_PATH);
      return true;
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'EEXIST') return false;
      // No /run/lock (an image), or another run just removed the one it had made.
      if (code === 'ENOENT' && tries < MAKE_TRIES) {
        await makeLockDir(fs, created, tries === MAKE_TRIES - 1);
        continue;
      }
      throw systemError(e, `creating ${LOCK_PATH}`, LOCK_PATH);
    }
  }
}

/** Every releasing run that made the lock's directories removes them: a waiter may lose that race a few times. */
const MAKE_TRIES = 10;

/**
 * Make the lock's directory (and its parents). A run releasing the lock removes the ones it
 * made, so /run can vanish between our stat and our mkdir (ENOENT): the next try makes it again.
 */
async function makeLockDir(fs: HostFs, created: string[], last: boolean): Promise<void> {
  const dir = posix.dirname(LOCK_PATH);
  try {
    await makeDirs(fs, dir, 0o755, created);
  } catch (e) {
    if (errnoOf(e) !== 'ENOENT' || last) throw systemError(e, `creating ${dir}`, dir);
  }
}

/** Move the stale lock aside; true when it was the one judged stale (now gone). */
async function takeOver(fs: HostFs, host: Host, staleText: string): Promise<boolean> {
  const aside = `${LOCK_PATH}.stale-${host.pid}-${host.randomHex(4)}`;
  try {
    await fs.rename(LOCK_PATH, aside);
  } catch {
    return false; // someone else moved it first: just retry
  }
  const moved = await readAside(fs, aside);
  if (moved === staleText) {
    await fs.unlink(aside).catch(() => {});
    return true;
  }
  // A fresh lock taken between our read and our rename goes back, exclusively: if a third
  // run got in meanwhile, that run holds the lock and the moved one is not put over it.
  await fs.symlink(moved, LOCK_PATH).catch(() => {});
  await fs.unlink(aside).catch(() => {});
  return false;
}

async function readAside(fs: HostFs, path: string): Promise<string> {
  try {
    return (await fs.lstat(path)).kind === 'symlink' ? await fs.readlink(path) : (await fs.readFile(path)).toString('utf8');
  } catch {
    return '';
  }
}

async function release(fs: HostFs, text: string, created: string[]): Promise<void> {
  if ((await readLock(fs).catch(() => undefined)) === text) await fs.unlink(LOCK_PATH).catch(() => {});
  // Innermost first; a directory someone else is using now (not empty) stays.
  for (const dir of [...created].reverse()) await fs.rmdir(dir).catch(() => {});
}

