/**
 * Progress, warnings and errors on stderr (stdout carries results only). On a terminal a
 * spinner (ora, loaded only there), whose line also carries a long step's progress, fitted
 * to the width; elsewhere plain `ovs: <step>` lines that read well in a kickstart log. `--json` turns progress off; `--quiet` keeps only warnings; `--verbose`
 * adds every command run.
 */
import { oneLine } from './errors.js';
import type { Host } from './host.js';
import { PlainProgress, fitLine, fitProgress } from './progress.js';

/** The few colours ovs uses; chalk behind them only when colour is on (it costs start-up time). */
export interface Paint {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const plain = (t: string) => t;
export const NO_PAINT: Paint = { red: plain, green: plain, yellow: plain, dim: plain, bold: plain };

async function paint(color: boolean): Promise<Paint> {
  if (!color) return NO_PAINT;
  const { Chalk } = await import('chalk');
  return new Chalk({ level: 1 });
}

export type Verbosity = 'quiet' | 'normal' | 'verbose';

export interface Reporter {
  /** A step starts (`ovs: formatting /dev/sdb1`). */
  step(text: string): void;
  /**
   * How far the current step is (`120 MiB of 300 MiB (40%)`, `5 s of 30 s`), `fraction`
   * from 0 to 1: on a terminal the spinner's line, redrawn in place; elsewhere a plain line
   * each time the step passes another tenth (progress.ts), never a carriage return.
   */
  progress(detail: string, fraction: number): void;
  /** A step or change is done (`ovs: wrote /etc/ocfs2/cluster.conf`). */
  done(text: string): void;
  warn(text: string): void;
  /** Shown with --verbose only (commands run, decisions taken). */
  debug(text: string): void;
  readonly color: Paint;
  /** Every warning given so far (with --json they go into the document, not on stderr). */
  readonly warnings: string[];
  stop(): void;
}

/** no-color.org: NO_COLOR counts only when it is set to something; a dumb terminal has no colours. */
export function colorWanted(host: Host, noColor: boolean): boolean {
  if (noColor || Boolean(host.env.NO_COLOR) || host.env.TERM === 'dumb') return false;
  const force = host.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return host.stderr.isTTY;
}

type Spinner = { start(t?: string): Spinner; succeed(t?: string): Spinner; stop(): Spinner; text: string; isSpinning: boolean };

type Terminal = NodeJS.WritableStream & { columns?: number };

/**
 * A spinner redraws its line, so it needs a terminal that can: stderr a TTY that reports a
 * width, not TERM=dumb, not CI. A serial console, IPMI SOL or `script` without a terminal
 * reports 0 columns; ora divides by the width to know how many lines to erase, and with 0 it
 * erased lines forever (hundreds of MB, the event loop never free for SIGTERM).
 */
export function spinnerWanted(host: Host): boolean {
  const stream = host.stderr.stream as Terminal | undefined;
  return Boolean(host.stderr.isTTY && stream && (stream.columns ?? 0) > 0 && host.env.TERM !== 'dumb' && host.env.CI === undefined);
}

/** The terminal as ora sees it: a width that later drops to 0 (a resize, a detached console) reads as 80. */
function steadyWidth(stream: Terminal): Terminal {
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === 'columns') return (target.columns ?? 0) > 0 ? target.columns : 80;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * ora draws `spinner.text` on every frame: read through here, each frame is cut to the
 * terminal's width as it is at that moment (Node updates `columns` on SIGWINCH), so a
 * resize mid-step never leaves a line longer than the terminal. Two columns are the
 * spinner's, and the last is left free so the cursor never wraps.
 */
function fitToWidth(spinner: Spinner, stream: Terminal, shown: { label: string; detail?: string }): void {
  Object.defineProperty(spinner, 'text', {
    configurable: true,
    get: () => {
      const width = (stream.columns ?? 80) - 3;
      return shown.detail === undefined ? fitLine(shown.label, width) : fitProgress(shown.label, shown.detail, width);
    },
    set: (value: string) => {
      shown.label = value;
      shown.detail = undefined;
    },
  });
}

export async function createReporter(host: Host, opts: { verbosity: Verbosity; json: boolean; color: boolean }): Promise<Reporter> {
  const color = await paint(opts.color);
  const progress = !opts.json && opts.verbosity !== 'quiet';
  let spinner: Spinner | undefined;
  /** The step in progress, as the spinner draws it. */
  const current: { label: string; detail?: string } = { label: '' };
  if (progress && spinnerWanted(host)) {
    const { default: ora } = await import('ora');
    // No raw-mode stdin and no cursor hiding: both install handlers that stand between
    // Ctrl-C or kill and ovs's own interruption handling.
    const stream = steadyWidth(host.stderr.stream as Terminal);
    spinner = ora({ stream, color: opts.color ? 'cyan' : false, isEnabled: true, discardStdin: false, hideCursor: false }) as unknown as Spinner;
    fitToWidth(spinner, stream, current);
  }
  const line = (text: string) => host.stderr.write(`${text}\n`);
  const plain = new PlainProgress(() => host.now().getTime(), (text) => line(`ovs: ${text}`));
  const warnings: string[] = [];
  const pause = () => {
    if (spinner?.isSpinning) spinner.stop();
  };
  return {
    color,
    warnings,
    step(raw) {
      if (!progress) return;
      const text = oneLine(raw);
      if (spinner) return void spinner.start(text);
      plain.begin(text);
      line(`ovs: ${text}`);
    },
    progress(raw, fraction) {
      if (!progress) return;
      const detail = oneLine(raw);
      if (!spinner) return plain.update(detail, fraction);
      if (!current.label) return;
      current.detail = detail;
      if (!spinner.isSpinning) spinner.start();
    },
    done(raw) {
      if (!progress) return;
      const text = oneLine(raw);
      plain.end();
      if (spinner) {
        spinner.succeed(text);
        Object.assign(current, { label: '', detail: undefined });
      } else line(`ovs: ${text}`);
    },
    warn(text) {
      warnings.push(text);
      if (opts.json) return;
      pause();
      line(`${color.yellow('ovs: warning:')} ${oneLine(text)}`);
    },
    debug(text) {
      if (opts.verbosity !== 'verbose' || opts.json) return;
      pause();
      line(color.dim(`ovs: ${oneLine(text)}`));
    },
    stop() {
      plain.end();
      pause();
    },
  };
}

/** A reporter that prints nothing (library callers that only want results). */
export function silentReporter(): Reporter {
  const nop = () => {};
  return { step: nop, progress: nop, done: nop, warn: nop, debug: nop, stop: nop, color: NO_PAINT, warnings: [] };
}
