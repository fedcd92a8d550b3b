import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/lib/formats/format-error.js';
import { diffPartitions, parseProcPartitions } from '../../src/lib/formats/proc-partitions.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/formats/${name}`, import.meta.url), 'utf8');

describe('parseProcPartitions', () => {
  it("reads the guide's samples and the kernel's own layout", () => {
    const before = parseProcPartitions(fixture('partitions-before.txt'));
    expect(before.map((p) => p.name)).toEqual(['sda', 'sda1', 'sda2', 'dm-0', 'dm-1']);
    expect(before[0]).toEqual({ line: 2, major: 8, minor: 0, blocks: 71687372, name: 'sda' });
    expect(parseProcPartitions(fixture('partitions-san.txt'))).toHaveLength(6);
    expect(parseProcPartitions(fixture('partitions-kernel.txt'))[4]).toEqual({ line: 7, major: 253, minor: 1, blocks: 1048576, name: 'dm-1' });
    expect(parseProcPartitions('')).toEqual([]);
  });

  it('reads names with a slash (cciss) and very large disks', () => {
    expect(parseProcPartitions('104 0 4394582016 cciss/c0d0\n')[0]?.name).toBe('cciss/c0d0');
  });

  it('rejects a line that is not a partition, with its line number', () => {
    expect(() => parseProcPartitions('major minor #blocks name\n\n8 0 abc sda\n')).toThrow(
      new FormatError('expected "major minor #blocks name", found "8 0 abc sda"', 3),
    );
  });
});

describe('diffPartitions', () => {
  it("finds the guide's new iSCSI disk after the service restart (step 8)", () => {
    const added = diffPartitions(
      parseProcPartitions(fixture('partitions-before.txt')),
      parseProcPartitions(fixture('partitions-after.txt')),
    );
    expect(added).toEqual([{ line: 7, major: 8, minor: 16, blocks: 1048576, name: 'sdb' }]);
  });

  it('finds nothing when nothing appeared, and ignores devices that went away', () => {
    const after = parseProcPartitions(fixture('partitions-after.txt'));
    expect(diffPartitions(after, after)).toEqual([]);
    expect(diffPartitions(after, parseProcPartitions(fixture('partitions-before.txt')))).toEqual([]);
  });

  it('counts a name that came back with other device numbers as new', () => {
    const before = parseProcPartitions('8 16 1048576 sdb\n');
    const after = parseProcPartitions('8 32 1048576 sdb\n8 33 1048000 sdb1\n');
    expect(diffPartitions(before, after).map((p) => `${p.major}:${p.minor} ${p.name}`)).toEqual(['8:32 sdb', '8:33 sdb1']);
  });
});
