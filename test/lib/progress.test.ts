/**
 * Live progress: fitting a line to the terminal's width, the plain lines a kickstart log gets
 * (at most one per tenth and per second, never a carriage return), and progress read from
 * what mkfs.ocfs2 and dd print while they work.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Host } from '../../src/lib/host.js';
import { ddBytes, ddProgress, lastMkfsStage, mkfsProgress } from '../../src/lib/ocfs2/progress.js';
import { reason } from '../../src/lib/ocfs2/volume-file.js';
import { createReporter, type Reporter } from '../../src/lib/output.js';
import { bytesDetail, displayWidth, fitLine, fitProgress, secondsDetail, withElapsed } from '../../src/lib/progress.js';

/** The pieces mkfs.ocfs2 1.8.7 wrote to a pipe while formatting a 300 MiB file, as they arrived (replayed). */
const MKFS_PIECES = [
  'Cluster stack: classic o2cb\nLabel: server_pool_hb\nFeatures: sparse extended-slotmap backup-super unwritten inline-data strict-journal-super xattr indexed-dirs refcount discontig-bg append-dio\nBlock size: 2048 (11 bits)\nCluster size: 4096 (12 bits)\nVolume size: 314572800 (76800 clusters) (153600 blocks)\nCluster groups: 5 (tail covers 13312 clusters, rest cover 15872 clusters)\nExtent allocator size: 0 (0 groups)\nJournal size: 8388608\nNode slots: 16\n',
  'Creating bitmaps: ',
  'done\nInitializing superblock: ',
  'done\nWriting system files: ',
  'done\nWriting superblock: done\nWriting backup superblock: 0 block(s)\nFormatting J',
  'ournals: ',
  'done\nGrowing extent allocator: ',
  'done\nFormatting slot map: ',
  'done\nFormatting quota files: ',
  'done\nWriting lost+found: ',
  'done\n',
  'mkfs.ocfs2 successful\n\n',
];

/** What GNU dd 9.1 `status=progress` wrote on stderr over two seconds, then its summary (replayed). */
const DD_PIECES = [
  '\r506462208 bytes (506 MB, 483 MiB) copied, 1 s, 506 MB/s',
  '\r852492288 bytes (852 MB, 813 MiB) copied, 2 s, 426 MB/s',
  '\n1000+0 records in\n1000+0 records out\n1048576000 bytes (1.0 GB, 1000 MiB) copied, 2.41 s, 435 MB/s\n',
];

function recorder(): Reporter & { seen: [string, number][] } {
  const seen: [string, number][] = [];
  const nop = () => {};
  return { seen, step: nop, done: nop, warn: nop, debug: nop, stop: nop, warnings: [], color: undefined as never, progress: (d, f) => void seen.push([d, f]) };
}

describe('fitting a line to the width', () => {
  it('leaves a short line alone and cuts a long one with …, never past the width', () => {
    expect(fitLine('formatting /dev/sdb', 40)).toBe('formatting /dev/sdb');
    expect(fitLine('formatting /dev/sdb', 10)).toBe('formattin…');
    for (let w = 0; w < 30; w++) expect(displayWidth(fitLine('writing zeros to /OVS/.server_pool_hb', w))).toBeLessThanOrEqual(w);
  });

  it('counts wide characters as two columns', () => {
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth(fitLine('/OVS/日本語のファイル', 8))).toBeLessThanOrEqual(8);
  });

  it('shortens the label before the figures', () => {
    expect(fitProgress('writing zeros to /OVS/.server_pool_hb', '120 MiB of 300 MiB (40%)', 50)).toBe('writing zeros to /OVS/.…: 120 MiB of 300 MiB (40%)');
    expect(fitProgress('writing zeros', '1 MiB of 3 MiB (33%)', 60)).toBe('writing zeros: 1 MiB of 3 MiB (33%)');
    expect(displayWidth(fitProgress('writing zeros to /OVS/.server_pool_hb', '120 MiB of 300 MiB (40%)', 20))).toBe(20);
  });

  it('words the figures', () => {
    expect(bytesDetail(120 * 2 ** 20, 300 * 2 ** 20)).toBe('120 MiB of 300 MiB (40%)');
    expect(secondsDetail(12.7, 30)).toBe('12 s of 30 s');
  });
});

describe('what the tools say while they work', () => {
  it('mkfs.ocfs2: each stage once, in order, even a name split between two reads (replayed mkfs.ocfs2 1.8.7 output)', () => {
    const r = recorder();
    const on = mkfsProgress(r);
    for (const piece of MKFS_PIECES) on(piece, 'stdout');
    on('mkfs.ocfs2 1.8.7\n', 'stderr');
    expect(r.seen.map(([d]) => d)).toEqual([
      'Creating bitmaps (1/11)',
      'Initializing superblock (2/11)',
      'Writing system files (3/11)',
      'Writing backup superblock (5/11)',
      'Formatting Journals (6/11)',
      'Growing extent allocator (7/11)',
      'Formatting slot map (8/11)',
      'Formatting quota files (9/11)',
      'Writing lost+found (11/11)',
    ]);
    expect(r.seen.map(([, f]) => f)).toEqual([...r.seen.map(([, f]) => f)].sort((a, b) => a - b));
    expect(lastMkfsStage('Proceed (y/N): ')).toBeUndefined();
  });

  it('dd: the bytes of each report against the total (replayed GNU dd 9.1 output)', () => {
    const r = recorder();
    const on = ddProgress(r, 1000 * 2 ** 20);
    for (const piece of DD_PIECES) on(piece, 'stderr');
    expect(r.seen).toEqual([
      ['483 MiB of 1000 MiB (48%)', 506462208 / (1000 * 2 ** 20)],
      ['813 MiB of 1000 MiB (81%)', 852492288 / (1000 * 2 ** 20)],
      ['1000 MiB of 1000 MiB (100%)', 1],
    ]);
    expect(ddBytes('dd: error writing')).toBeUndefined();
  });

  it("a dd failure's reason is its error, not its progress or statistics (replayed GNU dd 9.1 output)", () => {
    const stderr = "\r104857600 bytes (105 MB, 100 MiB) copied, 1 s, 105 MB/s\ndd: error writing '/OVS/x': No space left on device\n101+0 records in\n100+0 records out\n104857600 bytes (105 MB, 100 MiB) copied, 1.2 s, 87 MB/s\n";
    expect(reason({ exitCode: 1, stdout: '', stderr })).toBe("dd: error writing '/OVS/x': No space left on device");
  });
});

describe('the reporter', () => {
  let clock = 0;
  let err = '';
  const host = (tty = false) =>
    ({ env: {}, now: () => new Date(clock), stderr: { write: (t: string) => void (err += t), isTTY: tty } }) as unknown as Host;

  beforeEach(() => {
    vi.useFakeTimers();
    clock = 0;
    err = '';
  });
  afterEach(() => vi.useRealTimers());

  const advance = (ms: number) => {
    clock += ms;
    vi.advanceTimersByTime(ms);
  };

  it('without a terminal: whole lines, at most one per tenth and per second, none for a step that ends in time', async () => {
    const report = await createReporter(host(), { verbosity: 'normal', json: false, color: false });
    report.step('formatting /dev/sdb');
    report.progress('Creating bitmaps (1/11)', 0.05);
    report.progress('Formatting Journals (6/11)', 0.45);
    expect(err).toBe('ovs: formatting /dev/sdb\n'); // too soon: it waits for the quiet second
    advance(1000);
    expect(err).toBe('ovs: formatting /dev/sdb\novs: formatting /dev/sdb: Formatting Journals (6/11)\n');
    for (let i = 0; i < 1000; i++) {
      advance(100);
      report.progress(`${i} s`, 0.45 + i / 1800);
    }
    report.done('formatted /dev/sdb');
    const lines = err.split('\n').filter(Boolean);
    expect(lines.length).toBeLessThanOrEqual(2 + 10);
    expect(lines.length).toBeGreaterThan(5);
    expect(err).not.toContain('\r');
    expect(lines.at(-1)).toBe('ovs: formatted /dev/sdb');

    err = '';
    report.step('writing zeros to /hb');
    report.progress('100 MiB of 136 MiB (73%)', 0.73);
    report.done('ran dd');
    advance(5000);
    expect(err).toBe('ovs: writing zeros to /hb\novs: ran dd\n');
  });

  it('a progress update without a step in progress prints nothing', async () => {
    const report = await createReporter(host(), { verbosity: 'normal', json: false, color: false });
    report.progress('5 s of 30 s', 0.5);
    advance(2000);
    expect(err).toBe('');
  });

  for (const [what, opts] of [['--json', { verbosity: 'normal', json: true }], ['--quiet', { verbosity: 'quiet', json: false }]] as const) {
    it(`${what}: no step and no progress line`, async () => {
      const report = await createReporter(host(), { ...opts, color: false });
      report.step('formatting /dev/sdb');
      advance(2000);
      report.progress('Formatting Journals (6/11)', 0.45);
      advance(2000);
      expect(err).toBe('');
    });
  }

  it('elapsed against the limit, once a second while the work runs, and nothing after it', async () => {
    const r = recorder();
    let finish!: (v: string) => void;
    const work = withElapsed(r, () => new Date(clock), 30, () => new Promise<string>((res) => (finish = res)));
    advance(1000);
    advance(1000);
    finish('records');
    expect(await work).toBe('records');
    advance(5000);
    expect(r.seen).toEqual([['1 s of 30 s', 1 / 30], ['2 s of 30 s', 2 / 30]]);
  });
});
