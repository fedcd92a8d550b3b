/**
 * One `ovs` run at a time per root (SPEC §1.3): /run/lock/ovs.lock is created exclusively
 * and holds the holder's pid, command and start time, so a waiting run can say who holds
 * it. A lock whose pid is dead is taken over with a warning. Taking over renames the stale
 * file away first, so of two runs that both judged it stale only one can remove it.
 */
import { posix } from 'node:path';
import { EXIT, OvsError, errnoOf, systemError } from './errors.js';
import { readOptional } from './files.js';
import type { Host, HostFs } from './host.js';
import type { Reporter } from './output.js';

export const LOCK_PATH = '/run/lock/ovs.lock';
const POLL_MS = 200;

interface Holder {
  pid: number;
  command: string;
  started: string;
}

function parseHolder(text: string | undefined): Holder | undefined {
  try {
    const h = JSON.parse(text ?? '') as Partial<Holder>;
    return typeof h.pid === 'number' ? { pid: h.pid, command: String(h.command ?? '?'), started: String(h.started ?? '?') } : undefined;
  } catch {
    return undefined;
  }
}

const describe = (h: Holder) => `pid ${h.pid} (${h.command}), started ${h.started}`;

export interface LockOptions {
  command: string;
  timeoutSeconds: number;
  report: Reporter;
  /** The signal that interrupted the run, if one did: waiting stops. */
  interrupted?: () => string | undefined;
}

/** Take the lock, waiting up to the timeout; returns the release function. */
export async function acquireLock(fs: HostFs, host: Host, opts: LockOptions): Promise<() => Promise<void>> {
  const me: Holder = { pid: host.pid, command: opts.command, started: host.now().toISOString() };
  await ensureDir(fs, posix.dirname(LOCK_PATH));
  const attempts = Math.max(1, Math.ceil((opts.timeoutSeconds * 1000) / POLL_MS) + 1);
  let announced = false;
  for (let i = 0; i < attempts; i++) {
    const signal = opts.interrupted?.();
    if (signal) throw new OvsError(EXIT.TEMPFAIL, `interrupted by ${signal}`, { while: 'waiting for the lock', hint: 'nothing was changed; run the command again' });
    if (await tryCreate(fs, me)) return () => release(fs, me);
    // A directory or FIFO at the lock path: the lock cannot be created (73), never a crash or a hang.
    const text = await readOptional(fs, LOCK_PATH).catch((e: OvsError) => Promise.reject(new OvsError(EXIT.CANTCREAT, e.message, { while: `taking the lock ${LOCK_PATH}`, hint: `move ${LOCK_PATH} aside (it must be a regular file or absent)` })));
    if (text === undefined) continue; // released meanwhile
    const holder = parseHolder(text);
    if (!holder || !host.processAlive(holder.pid)) {
      opts.report.warn(`taking over a stale lock ${LOCK_PATH}${holder ? ` held by ${describe(holder)}, which is no longer running` : ' with unreadable content'}`);
      await takeOver(fs, host, text);
      continue;
    }
    if (!announced) opts.report.step(`waiting for ${LOCK_PATH}, held by ${describe(holder)}`);
    announced = true;
    if (i < attempts - 1) await host.sleep(POLL_MS);
    else
      throw new OvsError(EXIT.TEMPFAIL, `another ovs run holds ${LOCK_PATH}: ${describe(holder)}`, {
        while: 'waiting for the lock',
        hint: `wait for pid ${holder.pid} to finish and run the command again, or raise --lock-timeout`,
      });
  }
  throw new OvsError(EXIT.TEMPFAIL, `could not take ${LOCK_PATH}`, { while: 'waiting for the lock', hint: 'run the command again' });
}

async function tryCreate(fs: HostFs, me: Holder): Promise<boolean> {
  try {
    await fs.writeFile(LOCK_PATH, `${JSON.stringify(me)}\n`, { exclusive: true, mode: 0o644 });
    return true;
  } catch (e) {
    if (errnoOf(e) === 'EEXIST') return false;
    throw systemError(e, `creating ${LOCK_PATH}`, LOCK_PATH);
  }
}

async function takeOver(fs: HostFs, host: Host, staleText: string): Promise<void> {
  const aside = `${LOCK_PATH}.stale-${host.pid}-${host.randomHex(4)}`;
  try {
    await fs.rename(LOCK_PATH, aside);
  } catch {
    return; // someone else moved it first: just retry
  }
  const moved = await readOptional(fs, aside);
  // A fresh lock taken between our read and our rename goes back where it was.
  if (moved !== staleText) await fs.rename(aside, LOCK_PATH).catch(() => {});
  else await fs.unlink(aside).catch(() => {});
}

async function release(fs: HostFs, me: Holder): Promise<void> {
  const holder = parseHolder(await readOptional(fs, LOCK_PATH).catch(() => undefined));
  if (holder?.pid === me.pid && holder.started === me.started) await fs.unlink(LOCK_PATH).catch(() => {});
}

async function ensureDir(fs: HostFs, dir: string): Promise<void> {
  if (dir === '/') return;
  try {
    const st = await fs.stat(dir);
    if (st.kind === 'dir') return;
  } catch {
    /* create it below */
  }
  await ensureDir(fs, posix.dirname(dir));
  try {
    await fs.mkdir(dir, 0o755);
  } catch (e) {
    if (errnoOf(e) !== 'EEXIST') throw systemError(e, `creating ${dir}`, dir);
  }
}
