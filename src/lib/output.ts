/**
 * Progress, warnings and errors on stderr (stdout carries results only). On a terminal a
 * spinner (ora, loaded only there); elsewhere plain `ovs: <step>` lines that read well in a
 * kickstart log. `--json` turns progress off; `--quiet` keeps only warnings; `--verbose`
 * adds every command run.
 */
import { oneLine } from './errors.js';
import type { Host } from './host.js';

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

export function colorWanted(host: Host, noColor: boolean): boolean {
  if (noColor || host.env.NO_COLOR !== undefined) return false;
  const force = host.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return host.stderr.isTTY;
}

type Spinner = { start(t: string): Spinner; succeed(t?: string): Spinner; stop(): Spinner; text: string; isSpinning: boolean };

export async function createReporter(host: Host, opts: { verbosity: Verbosity; json: boolean; color: boolean }): Promise<Reporter> {
  const color = await paint(opts.color);
  const progress = !opts.json && opts.verbosity !== 'quiet';
  let spinner: Spinner | undefined;
  if (progress && host.stderr.isTTY && host.stderr.stream && host.env.CI === undefined) {
    const { default: ora } = await import('ora');
    spinner = ora({ stream: host.stderr.stream, color: 'cyan', isEnabled: opts.color }) as unknown as Spinner;
  }
  const line = (text: string) => host.stderr.write(`${text}\n`);
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
      if (spinner) spinner.start(text);
      else line(`ovs: ${text}`);
    },
    done(raw) {
      if (!progress) return;
      const text = oneLine(raw);
      if (spinner) spinner.succeed(text);
      else line(`ovs: ${text}`);
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
    stop: pause,
  };
}

/** A reporter that prints nothing (library callers that only want results). */
export function silentReporter(): Reporter {
  const nop = () => {};
  return { step: nop, done: nop, warn: nop, debug: nop, stop: nop, color: NO_PAINT, warnings: [] };
}
