import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { EXIT, OvsError } from '../../src/lib/errors.js';
import {
  formatSize,
  journalBytes,
  minimumVolumeSize,
  mkfsArgv,
  mkfsWrittenPrefix,
  parseCount,
  parseSize,
  validateGeometry,
  volumeSizeProblem,
  type MkfsGeometry,
} from '../../src/lib/ocfs2/mkfs.js';

const MiB = 1024 * 1024;
const HB: MkfsGeometry = { label: 'server_pool_hb', slots: 16, blockSize: 2048, clusterSize: 4096 };

function thrown(fn: () => unknown): OvsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof OvsError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('parseSize', () => {
  it.each([
    ['512', 512], ['4k', 4096], ['4K', 4096], ['64M', 64 * MiB], ['64m', 64 * MiB], ['1G', 1024 * MiB], ['300M', 300 * MiB],
    ['2T', 2 * 1024 * 1024 * MiB], ['4KiB', 4096], ['64MB', 64 * MiB], [' 8k ', 8192], ['0', 0],
  ])('%s is %d bytes', (text, bytes) => expect(parseSize(text, '--size')).toBe(bytes));

  it.each(['', 'abc', '1.5G', '-1', '4x', '0x10', 'k', '1 2M', '99999999999999999999'])('%j is refused with 65 and a hint', (text) => {
    const e = thrown(() => parseSize(text, '--size'));
    expect(e.exit).toBe(EXIT.DATAERR);
    expect(e.text).toBe(`'${text}' is not a size while reading --size`);
    expect(e.hint).toMatch(/512, 4k, 64M, 300M, 1G/);
  });

  it('formatSize and parseSize round-trip every size', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 45 }), (n) => parseSize(formatSize(n), 'x') === n));
  });

  it('formatSize writes the guide spelling', () => {
    expect([2048, 4096, 1048576, 300 * MiB, 1024 * MiB, 1000].map(formatSize)).toEqual(['2k', '4k', '1M', '300M', '1G', '1000']);
  });
});

describe('parseCount', () => {
  it('takes decimal whole numbers only (mkfs.ocfs2 would read 0x10 as 16: refused rather than guessed)', () => {
    expect(parseCount('16', '--slots')).toBe(16);
    for (const bad of ['0x10', '16x', '-1', '', '1.5']) expect(thrown(() => parseCount(bad, '--slots')).text).toBe(`'${bad}' is not a whole number while reading --slots`);
  });
});

describe('validateGeometry: the limits of mkfs.ocfs2 1.8.7 (docs/tools.md)', () => {
  it('accepts the guide values and the edges', () => {
    for (const g of [HB, { ...HB, label: 'a'.repeat(63) }, { ...HB, label: '' }, { ...HB, label: 'with space/and:colon' }, { ...HB, slots: 1 }, { ...HB, slots: 255 }, { ...HB, blockSize: 512 }, { ...HB, blockSize: 4096 }, { ...HB, clusterSize: 1048576 }, { ...HB, journalSize: 4 * MiB }]) {
      expect(() => validateGeometry(g)).not.toThrow();
    }
  });

  it.each([
    [{ label: 'a'.repeat(64) }, 'volume label is 64 bytes long; mkfs.ocfs2 allows at most 63 while reading --label'],
    [{ label: 'é'.repeat(32) }, 'volume label is 64 bytes long; mkfs.ocfs2 allows at most 63 while reading --label'],
    [{ label: 'a\tb' }, 'volume label contains a control character while reading --label'],
    [{ slots: 0 }, '0 node slots is out of range; mkfs.ocfs2 allows 1 to 255 while reading --slots'],
    [{ slots: 256 }, '256 node slots is out of range; mkfs.ocfs2 allows 1 to 255 while reading --slots'],
    [{ slots: 2.5 }, '2.5 node slots is out of range; mkfs.ocfs2 allows 1 to 255 while reading --slots'],
    [{ blockSize: 256 }, 'block size 256 is not one of 512, 1k, 2k, 4k while reading --block-size'],
    [{ blockSize: 3072 }, 'block size 3k is not one of 512, 1k, 2k, 4k while reading --block-size'],
    [{ blockSize: 8192 }, 'block size 8k is not one of 512, 1k, 2k, 4k while reading --block-size'],
    [{ clusterSize: 2048 }, 'cluster size 2k is not a power of two between 4k and 1M while reading --cluster-size'],
    [{ clusterSize: 6144 }, 'cluster size 6k is not a power of two between 4k and 1M while reading --cluster-size'],
    [{ clusterSize: 2 * MiB }, 'cluster size 2M is not a power of two between 4k and 1M while reading --cluster-size'],
    [{ journalSize: 2 * MiB }, "journal size 2M is below mkfs.ocfs2's minimum of 4M while reading --journal-size"],
  ])('%j: 65, naming the limit', (change, text) => {
    const e = thrown(() => validateGeometry({ ...HB, ...change }));
    expect(e.exit).toBe(EXIT.DATAERR);
    expect(e.text).toBe(text);
    expect(e.hint).toBeTruthy();
  });

  it('names the options the caller uses', () => {
    expect(thrown(() => validateGeometry({ ...HB, slots: 0 }, { slots: '-N' })).text).toMatch(/while reading -N$/);
  });
});

describe('mkfsArgv', () => {
  it("is the guide's heartbeat command, ending the options with -- before the target", () => {
    expect(mkfsArgv('/OVS/.server_pool_hb', HB, { force: true, noPrompt: true })).toEqual(
      ['mkfs.ocfs2', '-L', 'server_pool_hb', '-N', '16', '-b', '2k', '-C', '4k', '--force', '-x', '--nodiscard', '--', '/OVS/.server_pool_hb'],
    );
  });

  it("is the guide's format command with a journal size", () => {
    expect(mkfsArgv('/dev/sdb1', { label: 'mylabel', slots: 16, blockSize: 4096, clusterSize: 4096, journalSize: 64 * MiB })).toEqual(
      ['mkfs.ocfs2', '-L', 'mylabel', '-N', '16', '-b', '4k', '-C', '4k', '-J', 'size=64M', '--nodiscard', '--', '/dev/sdb1'],
    );
    expect(mkfsArgv('/dev/sdb1', HB, { discard: true })).not.toContain('--nodiscard');
  });

  it('a label or target that looks like an option stays an argument', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (label, target) => {
        const argv = mkfsArgv(target, { ...HB, label });
        return argv[argv.length - 1] === target && argv[argv.length - 2] === '--' && argv[argv.indexOf('-L') + 1] === label;
      }),
    );
  });
});

describe('the smallest volume mkfs.ocfs2 can format', () => {
  it('the journal per slot follows mkfs.c (4M below 32768 blocks, 4096 blocks below 262144, then 1/160)', () => {
    expect(journalBytes(300 * MiB, HB)).toBe(8 * MiB);
    expect(journalBytes(300 * MiB, { ...HB, blockSize: 4096 })).toBe(16 * MiB);
    expect(journalBytes(2048 * MiB, { ...HB, blockSize: 4096 })).toBe(64 * MiB);
    expect(journalBytes(32 * MiB, HB)).toBe(4 * MiB);
    expect(journalBytes(20 * MiB, { ...HB, clusterSize: MiB })).toBe(9 * MiB); // 9 clusters at least
    expect(journalBytes(300 * MiB, { ...HB, journalSize: 64 * MiB })).toBe(64 * MiB);
  });

  it('is 136M for the heartbeat (ovs-hb-create(8))', () => {
    expect(minimumVolumeSize(HB)).toBe(136 * MiB);
    expect(volumeSizeProblem(136 * MiB, HB)).toBeUndefined();
    expect(volumeSizeProblem(135 * MiB, HB)).toBe('135M is too small for 16 node slots: mkfs.ocfs2 needs at least 136M (a 8M journal per slot)');
  });

  // First size at which the real mkfs.ocfs2 1.8.7 succeeded, in 1 MiB steps (sparse files).
  const measured: [number, number, number, number][] = [
    [4096, 2048, 1, 10], [4096, 2048, 16, 134], [4096, 2048, 32, 262], [4096, 1024, 1, 7], [4096, 1024, 4, 19], [4096, 1024, 16, 67],
    [4096, 1024, 32, 131], [4096, 4096, 1, 11], [4096, 4096, 4, 23], [1048576, 4096, 1, 19], [1048576, 4096, 2, 28], [1048576, 4096, 4, 46],
    [1048576, 4096, 8, 82], [1048576, 2048, 1, 18], [1048576, 1024, 4, 44], [65536, 2048, 1, 10], [65536, 2048, 4, 22], [65536, 2048, 16, 134],
    [65536, 4096, 4, 23], [4096, 512, 1, 6],
  ];
  it.each(measured)('cluster %d block %d, %d slots: never below what mkfs needs (%d MiB), at most 6 MiB above', (clusterSize, blockSize, slots, mib) => {
    const min = minimumVolumeSize({ label: 'x', slots, blockSize, clusterSize }) / MiB;
    expect(min).toBeGreaterThanOrEqual(mib);
    expect(min).toBeLessThanOrEqual(mib + 6);
  });

  it('knows the journals grow with the volume: 8 slots of 2k fit in 40M-63M, not in 64M (measured), again from 72M', () => {
    const g = { ...HB, slots: 8 };
    expect(minimumVolumeSize(g)).toBe(40 * MiB);
    expect(volumeSizeProblem(63 * MiB, g)).toBeUndefined();
    expect(volumeSizeProblem(64 * MiB, g)).toBe('64M is too small for 8 node slots: at this size mkfs.ocfs2 makes 8M journals; use 40M or at least 72M');
    expect(volumeSizeProblem(72 * MiB, g)).toBeUndefined();
  });

  it('255 slots need about 2G with the default journals', () => {
    expect(volumeSizeProblem(300 * MiB, { ...HB, slots: 255 })).toMatch(/^300M is too small for 255 node slots: mkfs\.ocfs2 needs at least \d+M/);
    expect(volumeSizeProblem(4096 * MiB, { ...HB, slots: 255, journalSize: 4 * MiB })).toBeUndefined();
  });

  it('512-byte blocks between 16M and 128M get a 2M journal, which mkfs then refuses', () => {
    const g = { ...HB, slots: 1, blockSize: 512 };
    expect(volumeSizeProblem(12 * MiB, g)).toBeUndefined();
    expect(volumeSizeProblem(64 * MiB, g)).toMatch(/a 2M journal, below its 4M minimum/);
    expect(volumeSizeProblem(128 * MiB, g)).toBeUndefined();
  });

  it('refuses more than 2^32-1 clusters', () => {
    expect(volumeSizeProblem(16 * 1024 * 1024 * MiB, HB)).toMatch(/more than 2\^32-1 clusters of 4k/);
  });

  it('the part mkfs writes first is the minimum for its geometry, never more than the volume', () => {
    expect(mkfsWrittenPrefix(300 * MiB, HB)).toBe(136 * MiB);
    expect(mkfsWrittenPrefix(100 * MiB, { ...HB, slots: 32 })).toBe(100 * MiB);
  });
});
