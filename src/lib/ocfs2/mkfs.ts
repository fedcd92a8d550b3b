/**
 * mkfs.ocfs2 (ocfs2-tools 1.8): its limits, its argument vector and the smallest volume it
 * can format for a slot count. Every limit is the one measured against the real tool
 * (docs/tools.md); values are checked here, before anything is written, so a bad
 * option is a one-line error instead of a half-made file. `ovs hb-create` and `ovs format`
 * both build their mkfs.ocfs2 command here.
 */
import { EXIT, OvsError, shown } from '../errors.js';

export interface MkfsGeometry {
  label: string;
  slots: number;
  blockSize: number;
  clusterSize: number;
  /** Journal size per slot in bytes; mkfs.ocfs2 picks one from the volume size when absent. */
  journalSize?: number;
}

export interface MkfsOptions {
  /** `--force`: format a target that already holds OCFS2 without the cluster check. */
  force?: boolean;
  /** `-x`: never ask `Proceed (y/N)` (with stdin closed it would abort: docs/tools.md). */
  noPrompt?: boolean;
  /** Let mkfs discard (TRIM) the target first. Off by default: `--nodiscard` (docs/tools.md). */
  discard?: boolean;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const MKFS_LIMITS = {
  labelBytes: 63,
  slotsMin: 1,
  slotsMax: 255,
  blockSizes: [512, 1024, 2048, 4096] as readonly number[],
  clusterMin: 4 * KiB,
  clusterMax: 1 * MiB,
  journalMin: 4 * MiB,
  /** ocfs2 addresses clusters with 32 bits. */
  clustersMax: 2 ** 32 - 1,
} as const;

/** Which option carries each value, for messages (`... while reading --slots`). */
export type GeometryNames = Record<keyof MkfsGeometry, string>;

const DEFAULT_NAMES: GeometryNames = {
  label: '--label',
  slots: '--slots',
  blockSize: '--block-size',
  clusterSize: '--cluster-size',
  journalSize: '--journal-size',
};

const UNITS: Record<string, number> = { '': 1, k: KiB, m: MiB, g: 1024 * MiB, t: 1024 * 1024 * MiB };

/** 512, 4k, 4K, 64M, 1G, 300M (also 4KiB, 64MB): bytes. Binary units, as mkfs.ocfs2 reads them. */
export function parseSize(text: string, what: string): number {
  const m = /^\s*(\d+)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  const bytes = m ? Number(m[1]) * (UNITS[(m[2] ?? '').toLowerCase()] ?? NaN) : NaN;
  if (!Number.isSafeInteger(bytes)) {
    throw new OvsError(EXIT.DATAERR, `'${shown(text)}' is not a size`, {
      while: `reading ${what}`,
      hint: 'give a whole number of bytes with an optional unit k, M, G or T (1024-based): 512, 4k, 64M, 300M, 1G',
    });
  }
  return bytes;
}

/** A whole number in decimal (no sign, no hex: `0x10` is refused rather than guessed). */
export function parseCount(text: string, what: string): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new OvsError(EXIT.DATAERR, `'${shown(text)}' is not a whole number`, { while: `reading ${what}`, hint: `give ${what} as a decimal number, e.g. 16` });
  }
  return n;
}

/** 2048 -> 2k, 1048576 -> 1M, 300 MiB -> 300M: the guide's spelling, exact in bytes. */
export function formatSize(bytes: number): string {
  for (const [unit, n] of [['T', 1024 * 1024 * MiB], ['G', 1024 * MiB], ['M', MiB], ['k', KiB]] as const) {
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`;
  }
  return String(bytes);
}

function invalid(message: string, what: string, hint: string): OvsError {
  return new OvsError(EXIT.DATAERR, message, { while: `reading ${what}`, hint });
}

/** Refuse what mkfs.ocfs2 1.8 would refuse (or silently round), naming the limit. */
export function validateGeometry(g: MkfsGeometry, names: Partial<GeometryNames> = {}): void {
  const n = { ...DEFAULT_NAMES, ...names };
  const L = MKFS_LIMITS;
  const labelBytes = Buffer.byteLength(g.label, 'utf8');
  if (labelBytes > L.labelBytes) {
    throw invalid(`volume label is ${labelBytes} bytes long; mkfs.ocfs2 allows at most ${L.labelBytes}`, n.label, `shorten ${n.label} to ${L.labelBytes} bytes or less (a non-ASCII character takes 2 to 4)`);
  }
  // mkfs accepts them, but a label with a newline or tab cannot be read back on one line.
  if (/[\u0000-\u001f\u007f]/.test(g.label)) {
    throw invalid('volume label contains a control character', n.label, `use printable characters in ${n.label}`);
  }
  if (!Number.isInteger(g.slots) || g.slots < L.slotsMin || g.slots > L.slotsMax) {
    throw invalid(`${g.slots} node slots is out of range; mkfs.ocfs2 allows ${L.slotsMin} to ${L.slotsMax}`, n.slots, `give ${n.slots} between ${L.slotsMin} and ${L.slotsMax} (the guide uses 16)`);
  }
  if (!L.blockSizes.includes(g.blockSize)) {
    // mkfs.ocfs2 would round 3k down to 2k without a word: refuse instead.
    throw invalid(`block size ${formatSize(g.blockSize)} is not one of 512, 1k, 2k, 4k`, n.blockSize, `give ${n.blockSize} as 512, 1k, 2k or 4k`);
  }
  if (!isPowerOfTwo(g.clusterSize) || g.clusterSize < L.clusterMin || g.clusterSize > L.clusterMax) {
    throw invalid(`cluster size ${formatSize(g.clusterSize)} is not a power of two between 4k and 1M`, n.clusterSize, `give ${n.clusterSize} as 4k, 8k, 16k ... 1M`);
  }
  if (g.journalSize !== undefined && g.journalSize < L.journalMin) {
    throw invalid(`journal size ${formatSize(g.journalSize)} is below mkfs.ocfs2's minimum of 4M`, n.journalSize, `give ${n.journalSize} of at least 4M (the guide uses 64M)`);
  }
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/**
 * The exact mkfs.ocfs2 argument vector. `--` ends the options, so no target name can ever
 * be read as one; the label is a separate argument (getopt takes it verbatim, even `-x`).
 */
export function mkfsArgv(target: string, g: MkfsGeometry, opts: MkfsOptions = {}): string[] {
  return [
    'mkfs.ocfs2',
    '-L', g.label,
    '-N', String(g.slots),
    '-b', formatSize(g.blockSize),
    '-C', formatSize(g.clusterSize),
    ...(g.journalSize !== undefined ? ['-J', `size=${formatSize(g.journalSize)}`] : []),
    ...(opts.force ? ['--force'] : []),
    ...(opts.noPrompt ? ['-x'] : []),
    ...(opts.discard ? [] : ['--nodiscard']),
    '--',
    target,
  ];
}

// ---------------------------------------------------------------------------------------
// The smallest volume mkfs.ocfs2 can format

/** The journal mkfs.ocfs2 1.8 gives each slot of a volume this size (mkfs.c figure_journal_size). */
export function journalBytes(volumeBytes: number, g: MkfsGeometry): number {
  const blocks = Math.floor(volumeBytes / g.blockSize);
  let bytes = g.journalSize;
  if (bytes === undefined) {
    const jBlocks = blocks < 32768 ? (4 * MiB) / g.blockSize : blocks < 262144 ? 4096 : Math.min(65536, Math.max(16384, Math.floor(blocks / 160)));
    bytes = jBlocks * g.blockSize;
  }
  const aligned = Math.ceil(bytes / g.clusterSize) * g.clusterSize;
  return Math.max(aligned, g.clusterSize * 9); // a journal holds at least 8 clusters of credits + 1
}

/**
 * Everything but the journals: system files, allocators, lost+found. Measured with the real
 * mkfs.ocfs2 1.8.7 at 1 MiB steps (slots 1-32): 2 MiB (512-byte blocks) to 7 MiB (4k
 * blocks) with 4k-64k clusters, 8-10 MiB with 1M clusters, whatever the slot count. 8 MiB
 * keeps a margin and gives ovs-hb-create(8) 136M for the heartbeat's 16 slots (mkfs itself
 * manages with 134M).
 */
function overheadBytes(g: MkfsGeometry): number {
  return Math.max(8 * MiB, 7 * MiB + 3 * g.clusterSize);
}

function needed(volumeBytes: number, g: MkfsGeometry): number {
  return g.slots * journalBytes(volumeBytes, g) + overheadBytes(g);
}

/** The smallest whole number of MiB mkfs.ocfs2 can format with this geometry. */
export function minimumVolumeSize(g: MkfsGeometry): number {
  // needed() grows with the volume (bigger volumes get bigger journals): iterate to the fixpoint.
  let size = Math.ceil(needed(0, g) / MiB) * MiB;
  for (let i = 0; i < 64 && needed(size, g) > size; i++) size = Math.ceil(needed(size, g) / MiB) * MiB;
  return size;
}

/** Why mkfs.ocfs2 cannot format `volumeBytes` with this geometry, or undefined when it can. */
export function volumeSizeProblem(volumeBytes: number, g: MkfsGeometry): string | undefined {
  if (Math.floor(volumeBytes / g.clusterSize) > MKFS_LIMITS.clustersMax) {
    return `${formatSize(volumeBytes)} holds more than 2^32-1 clusters of ${formatSize(g.clusterSize)}; use a larger cluster size`;
  }
  const journal = journalBytes(volumeBytes, g);
  if (journal < MKFS_LIMITS.journalMin) {
    // 512-byte blocks between 16M and 128M: mkfs picks a 2 MiB journal, then refuses it.
    return `mkfs.ocfs2 would give ${formatSize(volumeBytes)} with ${g.blockSize}-byte blocks a ${formatSize(journal)} journal, below its 4M minimum; use a larger block size or size`;
  }
  if (needed(volumeBytes, g) <= volumeBytes) return undefined;
  const min = minimumVolumeSize(g);
  const per = `${g.slots} node slot${g.slots === 1 ? '' : 's'}`;
  if (volumeBytes < min) return `${formatSize(volumeBytes)} is too small for ${per}: mkfs.ocfs2 needs at least ${formatSize(min)} (a ${formatSize(journalBytes(min, g))} journal per slot)`;
  // Above the minimum, the journals of a bigger volume can outgrow it again.
  let next = volumeBytes;
  for (let i = 0; i < 64 && needed(next, g) > next; i++) next = Math.ceil(needed(next, g) / MiB) * MiB;
  return `${formatSize(volumeBytes)} is too small for ${per}: at this size mkfs.ocfs2 makes ${formatSize(journalBytes(volumeBytes, g))} journals; use ${formatSize(min)} or at least ${formatSize(next)}`;
}

/**
 * How much of the start of a new volume mkfs.ocfs2 writes: the journals and system files it
 * lays out from the beginning (134 of 135 MiB of its writes for the heartbeat), rounded up to
 * MiB and never more than the volume. An estimate used only to choose how a file is filled.
 */
export function mkfsWrittenPrefix(volumeBytes: number, g: MkfsGeometry): number {
  return Math.min(volumeBytes, Math.ceil(needed(volumeBytes, g) / MiB) * MiB);
}
