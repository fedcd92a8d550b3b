/**
 * Live progress of a long step (ovs(8), OUTPUT): what a step reports as it goes — bytes
 * written, the stage a program has reached, seconds waited against a limit — shaped for
 * the reporter (output.ts), which draws it on the spinner's line on a terminal and as a
 * bounded number of plain lines elsewhere.
 */
import type { Reporter } from './output.js';

/** Plain (non-terminal) output prints a progress line each time a step passes another tenth... */
export const PLAIN_STEPS = 10;
/** ...and never sooner than this after the step began or after its last line. */
export const PLAIN_QUIET_MS = 1000;

/** The tenth `fraction` has reached (0..PLAIN_STEPS). */
export function tenth(fraction: number): number {
  return Math.floor(Math.min(Math.max(fraction, 0), 1) * PLAIN_STEPS);
}

/** The East Asian wide ranges (CJK, Hangul, full-width forms, emoji): two columns each. */
const WIDE: readonly [number, number][] = [
  [0x1100, 0x115f], [0x2e80, 0xa4cf], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f],
  [0xff00, 0xff60], [0xffe0, 0xffe6], [0x1f300, 0x1faff], [0x20000, 0x3fffd],
];

function columnsOf(ch: string): number {
  const c = ch.codePointAt(0) ?? 0;
  return WIDE.some(([lo, hi]) => c >= lo && c <= hi) ? 2 : 1;
}

export function displayWidth(text: string): number {
  let n = 0;
  for (const ch of text) n += columnsOf(ch);
  return n;
}

/** `text` cut to at most `width` columns, a cut marked with `…` (nothing at all below 1 column). */
export function fitLine(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width < 1) return '';
  let out = '';
  let used = 0;
  for (const ch of text) {
    if (used + columnsOf(ch) > width - 1) break;
    out += ch;
    used += columnsOf(ch);
  }
  return `${out}…`;
}

/**
 * `label: detail` in `width` columns, keeping the detail (the figure that changes) whole
 * as long as it fits and shortening the label first.
 */
export function fitProgress(label: string, detail: string, width: number): string {
  const full = `${label}: ${detail}`;
  if (displayWidth(full) <= width) return full;
  const room = width - displayWidth(detail) - 2;
  if (room >= 8) return `${fitLine(label, room)}: ${detail}`;
  return fitLine(full, width);
}

/**
 * Progress without a terminal (a kickstart log, CI, a pipe): whole lines only, at most one
 * per tenth of the step and one per PLAIN_QUIET_MS, so a step of half a second prints
 * nothing more than its own line and a step of an hour at most PLAIN_STEPS lines. An
 * update that comes too soon waits for the quiet time to pass (the stage a long step is
 * in shows even when it was reached early), unless a newer one or the step's end replaces it.
 */
export class PlainProgress {
  private label = '';
  private printed = 0;
  private quietUntil = 0;
  private pending?: { detail: string; tenth: number };
  private timer?: NodeJS.Timeout;

  constructor(private readonly now: () => number, private readonly print: (line: string) => void) {}

  begin(label: string): void {
    this.end();
    this.label = label;
    this.quietUntil = this.now() + PLAIN_QUIET_MS;
  }

  update(detail: string, fraction: number): void {
    if (!this.label || tenth(fraction) <= this.printed) return;
    this.pending = { detail, tenth: tenth(fraction) };
    const wait = this.quietUntil - this.now();
    if (wait <= 0) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), wait).unref();
  }

  end(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    this.label = '';
    this.printed = 0;
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    this.print(`${this.label}: ${this.pending.detail}`);
    this.printed = this.pending.tenth;
    this.pending = undefined;
    this.quietUntil = this.now() + PLAIN_QUIET_MS;
  }
}

const MiB = 1024 * 1024;

/** `120 MiB of 300 MiB (40%)`. */
export function bytesDetail(done: number, total: number): string {
  const pct = total > 0 ? Math.floor((Math.min(done, total) / total) * 100) : 100;
  return `${Math.floor(done / MiB)} MiB of ${Math.ceil(total / MiB)} MiB (${pct}%)`;
}

/** `12 s of 60 s`. */
export function secondsDetail(elapsedSeconds: number, limitSeconds: number): string {
  return `${Math.floor(elapsedSeconds)} s of ${limitSeconds} s`;
}

/**
 * Run `work` reporting the seconds it has taken against its limit, once a second: for a
 * program that says nothing until it ends (iSCSI discovery). The timer does not keep ovs
 * alive and stops with the work.
 */
export async function withElapsed<T>(report: Reporter, now: () => Date, limitSeconds: number, work: () => Promise<T>): Promise<T> {
  const start = now().getTime();
  const timer = setInterval(() => {
    const seconds = (now().getTime() - start) / 1000;
    report.progress(secondsDetail(seconds, limitSeconds), seconds / limitSeconds);
  }, 1000);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
