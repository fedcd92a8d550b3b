/**
 * An OCFS2 volume in a plain file, made the safe way: a temporary name beside the target,
 * fully allocated, formatted, verified with the real tools, then renamed into place. Any
 * failure removes the temporary file, so the target is either untouched or complete.
 *
 * Allocation: `fallocate` reserves every block in a few milliseconds (reads return zeros),
 * where the guide's `dd if=/dev/zero` writes 300 MiB through the page cache; both leave no
 * hole that could hit ENOSPC later, in the middle of heartbeating (a sparse file could).
 * File systems without fallocate (NFS before 4.2) fall back to dd, fsynced so a full disk
 * is reported here and not later.
 */
import { posix } from 'node:path';
import type { Context } from '../command.js';
import { EXIT, OvsError, type ExitCode, systemError } from '../errors.js';
import { statOrUndefined } from '../files.js';
import type { RunResult } from '../host.js';
import { failureOf } from '../program-output.js';
import { type MkfsGeometry, mkfsArgv, mkfsWrittenPrefix } from './mkfs.js';
import { ddProgress, isDdStatistics, mkfsProgress } from './progress.js';
import { debugfsStatsArgv, tunefsQueryArgv, verifyNewVolume } from './volume.js';
import { volumeTempName } from './volume-temp.js';

export interface VolumeFileResult {
  uuid?: string;
  planned: boolean;
  verification: string[][];
  zeroFill: 'fallocate' | 'dd';
}

/**
 * The first line of a tool's stderr that says something: not its version banner, the
 * harmless discard notice or dd's statistics (progress reports end in a carriage return).
 */
export function reason(r: RunResult): string {
  const lines = `${r.stderr}\n${r.stdout}`.split(/[\r\n]/).map((l) => l.trim());
  return lines.find((l) => l && !/^mkfs\.ocfs2 \d|Discard device blocks|^Cluster stack:/.test(l) && !isDdStatistics(l)) ?? 'no message';
}

/** mkfs.ocfs2 failed: 69, with the first line that says why (not its banner). */
export function mkfsFailure(r: RunResult, doing: string, hint: string): OvsError {
  return failureOf(r, { program: 'mkfs.ocfs2', doing, hint, said: reason(r) });
}

function exitFor(message: string): ExitCode {
  if (/No space left|Disk quota|Read-only file system|Input\/output error/i.test(message)) return EXIT.IOERR;
  if (/Permission denied|Operation not permitted/i.test(message)) return EXIT.NOPERM;
  return EXIT.CANTCREAT;
}

/** mkfs.ocfs2 1.8 without /sbin/modprobe: the volume is made, then a forked copy prompts and fails (docs/tools.md). */
function duplicateForkBug(r: RunResult): boolean {
  return /mkfs\.ocfs2 successful[^]*Overwriting existing ocfs2 partition/.test(r.stdout);
}

/** status=progress: dd reports the bytes written once a second, shown as the step's progress. */
function ddZeros(machineTmp: string, bytes: number, conv: string): string[] {
  return ['dd', 'if=/dev/zero', `of=${machineTmp}`, 'bs=1M', `count=${bytes}`, 'iflag=count_bytes', `conv=${conv}`, 'status=progress'];
}

/** dd writing `bytes` zeros to the temporary file, its progress shown as the target's. */
function writeZeros(ctx: Context, target: string, machineTmp: string, bytes: number, conv: string, creates?: string): Promise<RunResult> {
  ctx.report.step(`writing zeros to ${target}`);
  return ctx.changes.run(ddZeros(machineTmp, bytes, conv), { live: false, onOutput: ddProgress(ctx.report, bytes), ...(creates ? { creates } : {}) });
}

/**
 * Allocate every byte of the file, then write zeros over the part mkfs.ocfs2 is about to
 * write. Why both: mkfs writes with O_DIRECT, and on ext4 each direct write into
 * fallocated (unwritten) space must convert extents in the journal, which stalls badly
 * when the file system is busy (3.5 s instead of 0.5 s measured on a loaded machine).
 * Written zeros over mkfs's part avoid that; fallocate covers the rest without writing it,
 * which is what makes this faster than the guide's full dd (README, performance).
 */
async function zeroFill(ctx: Context, target: string, tmp: string, machineTmp: string, size: number, g: MkfsGeometry): Promise<'fallocate' | 'dd'> {
  const doing = `allocating ${size} bytes for ${tmp}`;
  if (await ctx.host.which('fallocate')) {
    const r = await ctx.changes.run(['fallocate', '-l', String(size), '--', machineTmp], { live: false, creates: tmp });
    if (r.exitCode === 0) {
      const w = await writeZeros(ctx, target, machineTmp, mkfsWrittenPrefix(size, g), 'notrunc');
      if (w.exitCode !== 0) throw new OvsError(exitFor(reason(w)), `writing zeros failed: ${reason(w)}`, { while: doing });
      return 'fallocate';
    }
    if (!/not supported/i.test(r.stderr)) throw new OvsError(exitFor(reason(r)), `fallocate failed: ${reason(r)}`, { while: doing });
    await ctx.changes.remove(tmp, { backup: false }); // it may have left an empty file
  }
  // No fallocate here (NFS before 4.2): zeros all the way, as the guide does, fsynced so
  // a full disk shows now and not in the middle of heartbeating.
  const r = await writeZeros(ctx, target, machineTmp, size, 'excl,fsync', tmp);
  if (r.exitCode !== 0) throw new OvsError(exitFor(reason(r)), `writing zeros failed: ${reason(r)}`, { while: doing });
  return 'dd';
}

async function format(ctx: Context, target: string, tmp: string, machineTmp: string, g: MkfsGeometry): Promise<boolean> {
  // --force as in the guide; -x so mkfs can never stop at a prompt (stdin is closed).
  ctx.report.step(`formatting ${target}`);
  const r = await ctx.changes.run(mkfsArgv(machineTmp, g, { force: true, noPrompt: true }), { live: false, timeoutMs: 15 * 60_000, onOutput: mkfsProgress(ctx.report) });
  if (r.planned) return false;
  if (r.exitCode === 0) return true;
  if (duplicateForkBug(r)) {
    throw new OvsError(EXIT.UNAVAILABLE, 'mkfs.ocfs2 formatted the file but a duplicate of itself then failed (ocfs2-tools 1.8 without /sbin/modprobe)', {
      while: `formatting ${tmp}`,
      hint: 'install kmod (apt-get install kmod), then run the command again',
    });
  }
  throw mkfsFailure(r, `formatting ${tmp}`, 'run again with --verbose to see the command; nothing was left behind');
}

/** Make `systemPath` a verified OCFS2 volume of `size` bytes, replacing what is there only at the very end. */
export async function createVolumeFile(ctx: Context, systemPath: string, size: number, g: MkfsGeometry): Promise<VolumeFileResult> {
  const tmp = await volumeTempName(ctx, systemPath);
  if (await statOrUndefined(ctx.fs, tmp, false)) throw new OvsError(EXIT.CANTCREAT, `${tmp} already exists`, { while: `creating ${systemPath}`, hint: 'remove the stale temporary file' });
  // Under --root the programs get the directory through a held handle (/proc/PID/fd/N), so
  // a directory of the image swapped for a link while they run cannot send them outside.
  const dir = ctx.hostDir ? await ctx.hostDir(posix.dirname(systemPath)).catch((e: unknown) => {
    throw systemError(e, `creating ${systemPath}`, posix.dirname(systemPath));
  }) : undefined;
  const machineTmp = posix.join(dir?.path ?? posix.dirname(await ctx.hostPath(systemPath)), posix.basename(tmp));
  const verification = [tunefsQueryArgv(machineTmp), debugfsStatsArgv(machineTmp)];
  try {
    const zeroFillWith = await zeroFill(ctx, systemPath, tmp, machineTmp, size, g);
    const ran = await format(ctx, systemPath, tmp, machineTmp, g);
    const uuid = ran ? (await verifyNewVolume(ctx, machineTmp, g, { doing: `verifying ${tmp}`, holder: 'file', within: size })).uuid : undefined;
    await ctx.changes.rename(tmp, systemPath, { backup: false });
    return { ...(uuid ? { uuid } : {}), planned: !ran, verification, zeroFill: zeroFillWith };
  } catch (e) {
    await ctx.changes.remove(tmp, { backup: false }).catch(() => undefined);
    throw e;
  } finally {
    await dir?.release();
  }
}
