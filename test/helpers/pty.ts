/**
 * ovs on a real pseudo-terminal (util-linux `script`), the way an operator's terminal, a
 * serial console or a kickstart's `script` log sees it: the size set with `stty` before ovs
 * starts, and changed while it runs with `stty -F` on the pty (the kernel then sends
 * SIGWINCH, as a terminal emulator's resize does). Every process started is stopped by pid.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Output kept at most (a runaway spinner once wrote megabytes a second). */
export const OUTPUT_LIMIT = 64 * 1024;

/** The CI variable must be unset for a spinner to be possible (`script` passes the environment on). */
function withoutCi(): Record<string, string> {
  const env = { ...process.env } as Record<string, string>;
  delete env.CI;
  return env;
}

export interface PtyRun {
  pid: number;
  /** Everything the terminal received so far (stdout and stderr share it, as on a console). */
  output: () => string;
  exited: Promise<number | null>;
  stop: () => void;
  /** Resolves once the output matches (or rejects when the run ends first). */
  waitFor: (pattern: RegExp) => Promise<void>;
  /** Give the terminal a new width (needs `ttyFile`). */
  resize: (columns: number) => void;
  /** Type on the terminal (what a user's keys send). */
  send: (keys: string) => void;
}

export interface PtyOptions {
  env?: Record<string, string>;
  /** Where the run writes its pty's device name, for resize(). */
  ttyFile?: string;
  limit?: number;
}

/** `script -qec "stty cols C rows R; exec node bin/ovs ARGS" /dev/null`: ovs on a pty of that size. */
export function onPty(columns: number, args: string, opts: PtyOptions = {}): PtyRun {
  return commandOnPty(columns, `node bin/ovs ${args}`, opts);
}

/** Any shell command line on a pty of that width (an interactive shell, for completion). */
export function commandOnPty(columns: number, commandLine: string, opts: PtyOptions = {}): PtyRun {
  const limit = opts.limit ?? OUTPUT_LIMIT;
  const tty = opts.ttyFile ? `tty > '${opts.ttyFile}'; ` : '';
  const command = `${tty}stty cols ${columns} rows ${columns ? 24 : 0}; exec ${commandLine}`;
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...withoutCi(), TERM: 'xterm', ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  const keep = (c: Buffer) => {
    if (out.length < limit) out += c.toString();
    else child.kill('SIGKILL'); // runaway output: stop it, the test then fails on the size
    for (const w of watchers.splice(0)) {
      if (w.pattern.test(out)) w.resolve();
      else watchers.push(w);
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void exited.then(() => clearTimeout(timer));
  return {
    pid: child.pid as number,
    output: () => out,
    exited,
    stop: () => child.kill('SIGKILL'),
    waitFor: (pattern) =>
      pattern.test(out)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            watchers.push({ pattern, resolve });
            void exited.then(() => reject(new Error(`the run ended before its output matched ${pattern}:\n${out}`)));
          }),
    send: (keys) => void child.stdin.write(keys),
    resize(cols) {
      const file = opts.ttyFile;
      if (!file || !existsSync(file)) throw new Error('resize needs the ttyFile option');
      const r = spawnSync('stty', ['-F', readFileSync(file, 'utf8').trim(), 'cols', String(cols), 'rows', '24'], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`stty -F failed: ${r.stderr}`);
    },
  };
}

/** What a terminal shows, piece by piece: the text between cursor returns and new lines, escape sequences removed. */
export function screenPieces(out: string): string[] {
  return out
    .split(/\x1b\[1G|\r|\n/)
    .map((p) => p.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''))
    .filter(Boolean);
}

/** The spinner's frames (a braille dot, then its text). */
export function spinnerFrames(out: string): string[] {
  return screenPieces(out).filter((p) => /^[\u2800-\u28ff] /.test(p));
}
