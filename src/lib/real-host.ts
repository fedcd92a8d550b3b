/**
 * realHost(): the Host seam (host.ts) over the machine itself — node:fs, child processes,
 * process, Date and the terminal. The ONLY module that touches them.
 */
// fs.promises is reached through the property at each use: node:fs/promises costs a few ms
// to load, and a dry run (which only reads, synchronously) never needs it.
import { accessSync, closeSync, constants as fsConstants, fstatSync, lstatSync, openSync, promises as fsp, readdirSync, readlinkSync, readSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createRequire } from 'node:module';
import { directWriter } from './machine/direct-write.js';
import { errnoError } from './errors.js';
import type { ConnectOutcome, FileKind, FileStat, Host, HostFs, ReadFileOptions, RunOptions, RunResult, Stdin, Writer } from './host.js';
import { processAlive } from './machine/pid.js';

const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

let nodeRequire: NodeRequire | undefined;
/** Node's modules most runs never use (os, tty), required on first use: each costs start-up. */
function lazy<T>(name: string): T {
  nodeRequire ??= createRequire(import.meta.url);
  return nodeRequire(name) as T;
}
const signalNumber = (name: string): number | undefined => lazy<typeof import('node:os')>('node:os').constants.signals[name as NodeJS.Signals];

/** Kickstart and cron environments often lack the sbin directories the cluster tools live in. */
function programPath(env: NodeJS.ProcessEnv): string {
  const dirs = (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter).filter(Boolean);
  for (const d of SBIN_DIRS) if (!dirs.includes(d)) dirs.push(d);
  return dirs.join(delimiter);
}

function kindOf(s: import('node:fs').Stats): FileKind {
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'dir';
  if (s.isBlockDevice()) return 'block';
  if (s.isCharacterDevice()) return 'char';
  return 'other';
}

function toStat(s: import('node:fs').Stats): FileStat {
  return { kind: kindOf(s), size: s.size, mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, mtimeMs: s.mtimeMs, blocks: s.blocks };
}

/**
 * Open without blocking (a FIFO opened for reading would wait for a writer forever) and
 * without becoming the controlling terminal, then judge the file by its open handle, so a
 * file swapped for a FIFO or device after the caller's stat is refused all the same; read
 * no more than maxBytes (/dev/zero, a huge file) before giving up.
 * Synchronous, like the metadata calls below: the files ovs reads are small and local, and
 * each event-loop round trip of fs/promises cost more than the read itself (README, Performance).
 */
async function readRegular(p: string, opts: ReadFileOptions = {}): Promise<Buffer> {
  const fd = openSync(p, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | fsConstants.O_NOCTTY | (opts.noFollow ? fsConstants.O_NOFOLLOW : 0));
  try {
    const s = fstatSync(fd);
    if (s.isDirectory()) throw errnoError('EISDIR', p, 'illegal operation on a directory');
    if (!s.isFile()) throw errnoError('EFTYPE', p, 'not a regular file');
    const max = opts.maxBytes ?? Number.MAX_SAFE_INTEGER;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(s.size + 1, 64 * 1024), max + 1 - total, 16 * 1024 * 1024));
      const bytesRead = readSync(fd, chunk, 0, chunk.length, null);
      if (bytesRead === 0) return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > max) throw errnoError('EFBIG', p, 'file too large');
    }
  } finally {
    closeSync(fd);
  }
}

const realFs: HostFs = {
  readFile: readRegular,
  async writeFile(p, data, opts = {}) {
    const { O_WRONLY, O_CREAT, O_TRUNC, O_EXCL, O_NOFOLLOW } = fsConstants;
    const flags = O_WRONLY | O_CREAT | O_TRUNC | (opts.exclusive ? O_EXCL : 0) | (opts.noFollow ? O_NOFOLLOW : 0);
    const fh = await fsp.open(p, flags, opts.mode ?? 0o644);
    try {
      await fh.writeFile(data);
      // The umask must not decide a system file's mode.
      if (opts.mode !== undefined) await fh.chmod(opts.mode);
      if (opts.fsync) await fh.sync();
    } finally {
      await fh.close();
    }
  },
  async appendFile(p, data, mode, opts = {}) {
    const { O_WRONLY, O_CREAT, O_APPEND, O_NOFOLLOW } = fsConstants;
    const fh = await fsp.open(p, O_WRONLY | O_CREAT | O_APPEND | (opts.noFollow ? O_NOFOLLOW : 0), mode ?? 0o600);
    try {
      await fh.writeFile(data);
      if (opts.durable) await fh.datasync();
    } finally {
      await fh.close();
    }
  },
  lstat: async (p) => toStat(lstatSync(p)),
  stat: async (p) => toStat(statSync(p)),
  readdir: async (p) => readdirSync(p),
  readlink: async (p) => readlinkSync(p),
  mkdir: async (p, mode) => {
    await fsp.mkdir(p, { mode: mode ?? 0o755 });
  },
  rename: (a, b) => fsp.rename(a, b),
  unlink: (p) => fsp.unlink(p),
  rmdir: (p) => fsp.rmdir(p),
  symlink: (t, p) => fsp.symlink(t, p),
  chmod: (p, m) => fsp.chmod(p, m),
  chown: (p, u, g) => fsp.chown(p, u, g),
  lchown: (p, u, g) => fsp.lchown(p, u, g),
  async openDir(p) {
    // Synchronous like the reads: under --root every file read goes through one of these.
    const fd = openSync(p, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY);
    const path = `/proc/self/fd/${fd}`;
    return { path, forPrograms: `/proc/${process.pid}/fd/${fd}`, realPath: async () => readlinkSync(path), close: async () => closeSync(fd) };
  },
  async syncDir(p) {
    const fh = await fsp.open(p, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
  async freeBytes(p) {
    const s = await fsp.statfs(p);
    return Number(s.bavail) * Number(s.bsize);
  },
};

/**
 * Run a program from its argument vector: no shell, stdin given (or empty and closed),
 * stdout and stderr collected, a timeout that sends SIGTERM and then SIGKILL. Plain
 * child_process rather than execa: execa cost 60 ms to load and 8 ms more per program,
 * which alone broke the README, performance target for hb-create (five programs on the critical path).
 */
/** The programs running now, so an interruption can reach them (SIGTERM is not sent to a process group). */
const running = new Set<import('node:child_process').ChildProcess>();

const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onInterruptReal(handler: (signal: string) => void): () => void {
  const off = () => {
    for (const s of INTERRUPTS) process.removeListener(s, on);
  };
  function on(signal: NodeJS.Signals): void {
    off(); // a second signal ends the process the default way
    for (const child of running) child.kill(signal);
    handler(signal);
  }
  for (const s of INTERRUPTS) process.on(s, on);
  return off;
}

/**
 * A program must die with ovs, even when ovs is SIGKILLed (an orphaned dd or mkfs.ocfs2
 * would go on writing a 300 MiB file nobody will use). Node cannot set PR_SET_PDEATHSIG
 * itself, so each program starts through util-linux `setpriv --pdeathsig KILL`, which sets
 * it and execs the program in the same process (same pid; one exec more, about 3 ms on the
 * loaded 2-CPU VM, against about 5 programs on hb-create's critical path of half a second or more).
 * Without setpriv programs start directly (and can outlive a killed ovs).
 */
let deathGuard: Promise<string[]> | undefined;
function dieWithOvs(): Promise<string[]> {
  deathGuard ??= whichReal('setpriv').then((p) => (p ? [p, '--pdeathsig', 'KILL', '--'] : []));
  return deathGuard;
}

/** setpriv's own "failed to execute" (exit 127/126), told as if the program had been started directly. */
function execFailure(file: string, guarded: boolean, r: RunResult): RunResult {
  const m = guarded && (r.exitCode === 127 || r.exitCode === 126) ? /^setpriv: failed to execute [^]*?: (.+)\n?$/.exec(r.stderr) : null;
  if (!m) return r;
  if (r.exitCode === 127) return { ...r, stderr: `${file}: command not found\n`, notFound: true };
  return { ...r, stderr: `${file}: ${m[1]}\n` };
}

/** A timer restarted by every sign of life; fires once after `ms` of silence. */
class Watchdog {
  private timer: NodeJS.Timeout;
  constructor(private readonly ms: number, private readonly fire: () => void) {
    this.timer = setTimeout(fire, ms);
  }
  reset(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.fire, this.ms);
  }
  clear(): void {
    clearTimeout(this.timer);
  }
}

/** Chunks in, whole lines out (without their newline). */
function splitLines(each: (line: string) => void): (chunk: Buffer) => void {
  let rest = '';
  return (chunk) => {
    const parts = (rest + chunk.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) each(line);
  };
}

async function connectReal(address: string, port: number, timeoutMs: number): Promise<ConnectOutcome> {
  const { connect } = await import('node:net'); // only the o2net check uses it
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (o: ConnectOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.once('connect', () => done('open'));
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? 'refused' : e.code === 'ETIMEDOUT' ? 'timeout' : 'unreachable'));
  });
}

async function runReal(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file] = argv;
  if (!file) throw new Error('run: empty argument vector');
  const { spawn } = await import('node:child_process'); // not on the --help / --version path
  const env = { ...process.env, ...opts.env };
  env.PATH = programPath(env);
  const guard = await dieWithOvs();
  const [exe, ...args] = [...guard, ...argv] as [string, ...string[]];
  const done = (r: RunResult) => execFailure(file, guard.length > 0, r);
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let settled = false;
    let timedOut = false;
    const child = spawn(exe, args, { env, cwd: opts.cwd, shell: false, stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(child);
    const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    }, opts.timeoutMs);
    const finish = (r: RunResult) => {
      running.delete(child);
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      silence?.clear();
      resolve(r);
    };
    const output = () => ({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    const silence = opts.silenceMs === undefined ? undefined : new Watchdog(opts.silenceMs, () => stop('silence'));
    // Stopped early: answer now with what came so far; the child gets SIGTERM (then SIGKILL)
    // and is no longer waited for, so a process stuck in an I/O cannot hold the run.
    function stop(why: 'caller' | 'silence'): void {
      if (settled) return;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      child.unref();
      for (const s of [child.stdout, child.stderr, child.stdin]) s.destroy();
      finish({ exitCode: 128 + (signalNumber('SIGTERM') ?? 15), ...output(), stopped: why });
    }
    const lines = opts.onLine ? splitLines((l) => (opts.onLine?.(l) === 'stop' ? stop('caller') : undefined)) : undefined;
    child.stdout.on('data', (c: Buffer) => {
      out.push(c);
      silence?.reset();
      lines?.(c);
      opts.onOutput?.(c.toString('utf8'), 'stdout');
    });
    child.stderr.on('data', (c: Buffer) => {
      err.push(c);
      opts.onOutput?.(c.toString('utf8'), 'stderr');
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      const notFound = e.code === 'ENOENT';
      finish({ exitCode: notFound ? 127 : 126, stdout: '', stderr: notFound ? `${file}: command not found\n` : `${file}: ${e.message}\n`, notFound });
    });
    child.on('close', (code, signal) => {
      const exitCode = code ?? 128 + (signal ? (signalNumber(signal) ?? 0) : 0);
      finish(done({ exitCode, ...output(), timedOut }));
    });
    child.stdin.on('error', () => {}); // EPIPE: the program exited without reading its input
    child.stdin.end(opts.input ?? '');
  });
}

async function whichReal(program: string): Promise<string | undefined> {
  const dirs = program.includes('/') ? [''] : programPath(process.env).split(delimiter);
  for (const d of dirs) {
    const candidate = d ? join(d, program) : program;
    try {
      accessSync(candidate, fsConstants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

function stdinOf(): Stdin {
  return {
    get isTTY() {
      return Boolean(process.stdin.isTTY);
    },
    async readAll(maxBytes = Number.MAX_SAFE_INTEGER) {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const c of process.stdin) {
        chunks.push(c as Buffer);
        total += (c as Buffer).length;
        if (total > maxBytes) {
          process.stdin.destroy();
          throw errnoError('EFBIG', 'standard input');
        }
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    async prompt(question) {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}

/**
 * `ovs ... | head` closes the pipe early: later writes are dropped instead of crashing the
 * run with an unhandled EPIPE (the work still finishes and its exit status stands).
 */
const safeWriters = new WeakMap<NodeJS.WriteStream, (text: string) => void>();

function pipeSafe(stream: NodeJS.WriteStream): (text: string) => void {
  const known = safeWriters.get(stream);
  if (known) return known;
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    closed = true;
  });
  const write = (text: string) => {
    if (!closed) stream.write(text);
  };
  safeWriters.set(stream, write);
  return write;
}

/** Linux's memory devices (/dev/null, /dev/zero, /dev/full): character devices, never terminals. */
const MEM_MAJOR = 1;

/**
 * isatty(fd), asked of node:tty (which loads node:net, a few ms) only for a character device
 * that could be a terminal: a file, a pipe, a socket or /dev/null is answered from fstat.
 */
function isTerminal(fd: number): boolean {
  let st: import('node:fs').Stats;
  try {
    st = fstatSync(fd);
  } catch {
    return false; // closed
  }
  if (!st.isCharacterDevice() || ((st.rdev >> 8) & 0xfff) === MEM_MAJOR) return false;
  return lazy<typeof import('node:tty')>('node:tty').isatty(fd);
}

/**
 * A terminal gets Node's stream (a spinner draws on it); a file or pipe gets direct writes
 * (machine/direct-write.ts), and process.stdout/stderr, whose first use builds Node's stream
 * machinery, is never touched unless a pipe is full.
 */
function writerOf(fd: 1 | 2, stream: () => NodeJS.WriteStream, spinner = false): Writer {
  const terminal = isTerminal(fd);
  if (!terminal) return { write: directWriter(fd, stream), isTTY: false };
  return { write: pipeSafe(stream()), isTTY: true, ...(spinner ? { stream: stream() } : {}) };
}

export function realHost(): Host {
  return {
    fs: realFs,
    run: runReal,
    which: whichReal,
    env: process.env,
    cwd: () => process.cwd(),
    now: () => new Date(),
    hostname: async () => lazy<typeof import('node:os')>('node:os').hostname(),
    resolveDns: async (name) => {
      // Bounded: a pool server with a dead name server must not hang a kickstart.
      const { Resolver } = await import('node:dns/promises'); // loaded only when a name is looked up
      const resolver = new Resolver({ timeout: 2000, tries: 2 });
      try {
        return await resolver.resolve4(name);
      } catch {
        return [];
      }
    },
    connect: connectReal,
    pid: process.pid,
    nodeVersion: process.version,
    processAlive,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    onInterrupt: onInterruptReal,
    // Web Crypto's global: no module to load at start-up for the few ids a run makes.
    randomHex: (n) => Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(n))).toString('hex'),
    stdout: writerOf(1, () => process.stdout),
    stderr: writerOf(2, () => process.stderr, true),
    stdin: stdinOf(),
  };
}
