/**
 * Progress from what the tools themselves say while they work (docs/tools.md):
 * - mkfs.ocfs2 1.8 prints each stage's name (`Formatting Journals: `) and flushes it before
 *   doing the work, then `done` after it; the stage being worked on is the last name printed.
 * - GNU dd with `status=progress` prints `N bytes (...) copied, T s, R` on stderr once a
 *   second, each after a carriage return.
 */
import type { Reporter } from '../output.js';
import { bytesDetail } from '../progress.js';

/** mkfs.ocfs2 1.8.7's stages in the order it runs them (`Indexing system directories` only with indexed-dirs). */
export const MKFS_STAGES = [
  'Creating bitmaps',
  'Initializing superblock',
  'Writing system files',
  'Writing superblock',
  'Writing backup superblock',
  'Formatting Journals',
  'Growing extent allocator',
  'Formatting slot map',
  'Formatting quota files',
  'Indexing system directories',
  'Writing lost+found',
] as const;

const STAGE = new RegExp(`(${MKFS_STAGES.map((s) => s.replace(/[+.]/g, '\\$&')).join('|')}): `, 'g');

/** The last stage named in `text`, or undefined. */
export function lastMkfsStage(text: string): string | undefined {
  let stage: string | undefined;
  for (const m of text.matchAll(STAGE)) stage = m[1];
  return stage;
}

/** Remembers a little of the previous piece, so a name split between two reads is still found. */
function tail(keep: number): (piece: string) => string {
  let rest = '';
  return (piece) => {
    const text = rest + piece;
    rest = text.slice(-keep);
    return text;
  };
}

/** An onOutput handler: each new mkfs.ocfs2 stage as progress (`Formatting Journals (6/11)`). */
export function mkfsProgress(report: Reporter): (text: string, stream: 'stdout' | 'stderr') => void {
  const joined = tail(64);
  let shown: string | undefined;
  return (text, stream) => {
    if (stream !== 'stdout') return;
    const stage = lastMkfsStage(joined(text));
    if (!stage || stage === shown) return;
    shown = stage;
    const n = MKFS_STAGES.indexOf(stage as (typeof MKFS_STAGES)[number]) + 1;
    report.progress(`${stage} (${n}/${MKFS_STAGES.length})`, (n - 1) / MKFS_STAGES.length);
  };
}

/** The byte count of dd's latest `status=progress` report in `text`, or undefined. */
export function ddBytes(text: string): number | undefined {
  let bytes: number | undefined;
  for (const m of text.matchAll(/(\d+) bytes? (?:\([^)]*\) )?copied/g)) bytes = Number(m[1]);
  return bytes;
}

/** An onOutput handler for `dd status=progress` writing `total` bytes: `120 MiB of 300 MiB (40%)`. */
export function ddProgress(report: Reporter, total: number): (text: string, stream: 'stdout' | 'stderr') => void {
  const joined = tail(128);
  return (text, stream) => {
    if (stream !== 'stderr') return;
    const bytes = ddBytes(joined(text));
    if (bytes !== undefined) report.progress(bytesDetail(bytes, total), total > 0 ? bytes / total : 1);
  };
}

/** dd's statistics lines (`1+0 records in`, `... bytes ... copied, ...`): never the reason it failed. */
export function isDdStatistics(line: string): boolean {
  return /^\d+\+\d+ records (in|out)$/.test(line) || /^\d+ bytes? .*copied/.test(line);
}
