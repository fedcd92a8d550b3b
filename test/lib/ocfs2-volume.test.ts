/**
 * readVolume and its parsers. The debugfs statistics below are docs/tools.md verbatim;
 * the error lines were recorded from ocfs2-tools 1.8.7 (see src/lib/doubles/ocfs2-tools.ts).
 */
import { describe, expect, it } from 'vitest';
import { testContext } from '../../src/lib/doubles/test-context.js';

import type { Context } from '../../src/lib/command.js';
import { EXIT } from '../../src/lib/errors.js';
import { memoryHost, type Expectation } from '../../src/lib/doubles/memory-host.js';
import { ocfs2ToolsDouble, volumeImage } from '../../src/lib/doubles/ocfs2-tools.js';
import { parseDebugfsStats, parseTunefsQuery, readVolume } from '../../src/lib/ocfs2/volume.js';

const REAL_STATS = `\tRevision: 0.90
\tMount Count: 0   Max Mount Count: 20
\tState: 0   Errors: 0
\tCheck Interval: 0   Last Check: Wed Nov 25 12:39:19 2026
\tCreator OS: 0
\tFeature Compat: 3 backup-super strict-journal-super
\tFeature Incompat: 46928 sparse extended-slotmap inline-data xattr indexed-dirs refcount discontig-bg append-dio
\tTunefs Incomplete: 0 
\tFeature RO compat: 1 unwritten
\tRoot Blknum: 7   System Dir Blknum: 8
\tFirst Cluster Group Blknum: 4
\tBlock Size Bits: 11   Cluster Size Bits: 12
\tMax Node Slots: 16
\tExtended Attributes Inline Size: 256
\tLabel: server_pool_hb
\tUUID: EDD4846F5C214A6E984EEFA24BE1D0BC
\tHash: 2324457568 (0x8a8c6860)
\tDX Seeds: 1081791495 852321488 3250383032 (0x407ad407 0x32cd64d0 0xc1bce8b8)
\tCluster stack: classic o2cb
\tCluster flags: 0 
\tInode: 2   Mode: 00   Generation: 2497303760 (0x94d9d4d0)
\tFS Generation: 2497303760 (0x94d9d4d0)
\tCRC32: 00000000   ECC: 0000
\tType: Unknown   Attr: 0x0   Flags: Valid System Superblock 
\tDynamic Features: (0x0) 
\tUser: 0 (root)   Group: 0 (root)   Size: 0
\tLinks: 0   Clusters: 76800
`;

function context(expect: Expectation[], programs?: string[]): Promise<Context> {
  const host = memoryHost({ expect, ...(programs ? { programs } : {}), files: { '/OVS/hb': volumeImage({ label: 'lbl with space' }) } });
  return testContext(host);
}

const TUNEFS = ['tunefs.ocfs2', '-Q', '%U\\n%N\\n%T\\n%V', '--', '/dev/sdb1'];
const DEBUGFS = ['debugfs.ocfs2', '-R', 'stats', '--', '/dev/sdb1'];

describe('parsers (docs/tools.md text)', () => {
  it('debugfs.ocfs2 -R stats: block and cluster size, slots, UUID, clusters', () => {
    expect(parseDebugfsStats(REAL_STATS)).toEqual({ blockSize: 2048, clusterSize: 4096, slots: 16, uuid: 'EDD4846F5C214A6E984EEFA24BE1D0BC', clusters: 76800 });
    expect(parseDebugfsStats('')).toBeUndefined();
  });

  it('tunefs.ocfs2 -Q: the label is everything after the third line, spaces and all', () => {
    expect(parseTunefsQuery('EDD4846F5C214A6E984EEFA24BE1D0BC\n16\n4096\nmy label: x/y')).toEqual({ uuid: 'EDD4846F5C214A6E984EEFA24BE1D0BC', slots: 16, clusterSize: 4096, label: 'my label: x/y' });
    expect(parseTunefsQuery('EDD4846F5C214A6E984EEFA24BE1D0BC\n16\n4096\n')).toMatchObject({ label: '' });
    expect(parseTunefsQuery('garbage')).toBeUndefined();
  });
});

describe('readVolume', () => {
  it('reads a volume through both tools (replayed ocfs2-tools 1.8.7 output)', async () => {
    const ctx = await context(ocfs2ToolsDouble());
    expect(await readVolume(ctx, '/OVS/hb')).toEqual({ label: 'lbl with space', uuid: 'EDD4846F5C214A6E984EEFA24BE1D0BC', slots: 16, blockSize: 2048, clusterSize: 4096, clusters: 0 });
  });

  it('a real volume (replayed docs/tools.md stats)', async () => {
    const ctx = await context([
      { argv: TUNEFS, result: { stdout: 'EDD4846F5C214A6E984EEFA24BE1D0BC\n16\n4096\nserver_pool_hb' } },
      { argv: DEBUGFS, result: { stdout: REAL_STATS } },
    ]);
    expect(await readVolume(ctx, '/dev/sdb1')).toEqual({ label: 'server_pool_hb', uuid: 'EDD4846F5C214A6E984EEFA24BE1D0BC', slots: 16, blockSize: 2048, clusterSize: 4096, clusters: 76800 });
  });

  it('undefined for zeros, another file system, or a file too short (replayed 1.8.7 messages)', async () => {
    for (const [exitCode, words] of [[8, 'Bad magic number in superblock'], [2, 'I/O error on channel']] as const) {
      const ctx = await context([
        { argv: TUNEFS, result: { exitCode, stderr: `tunefs.ocfs2: ${words} while opening device "/dev/sdb1"\n` } },
        { argv: DEBUGFS, result: { stderr: `open: ${words} while opening context for device /dev/sdb1\nNo device open\n` } },
      ]);
      expect(await readVolume(ctx, '/dev/sdb1')).toBeUndefined();
    }
  });

  it('a missing target: 66, although tunefs.ocfs2 exits 0 (replayed)', async () => {
    const ctx = await context(ocfs2ToolsDouble());
    await expect(readVolume(ctx, '/dev/nope')).rejects.toMatchObject({ exit: EXIT.NOINPUT, message: '/dev/nope does not exist' });
  });

  it('tools missing: 69 naming ocfs2-tools', async () => {
    const ctx = await context([
      { argv: TUNEFS, result: { exitCode: 127, notFound: true } },
      { argv: DEBUGFS, result: { exitCode: 127, notFound: true } },
    ]);
    await expect(readVolume(ctx, '/dev/sdb1')).rejects.toMatchObject({ exit: EXIT.UNAVAILABLE, message: 'tunefs.ocfs2 is not installed', hint: expect.stringContaining('ocfs2-tools') });
    const ctx2 = await context([
      { argv: TUNEFS, result: { stdout: 'EDD4846F5C214A6E984EEFA24BE1D0BC\n16\n4096\nx' } },
      { argv: DEBUGFS, result: { exitCode: 127, notFound: true } },
    ]);
    await expect(readVolume(ctx2, '/dev/sdb1')).rejects.toMatchObject({ message: 'debugfs.ocfs2 is not installed' });
  });

  it('other failures are 69 with the first line that says something', async () => {
    const ctx = await context([
      { argv: TUNEFS, result: { exitCode: 1, stderr: 'tunefs.ocfs2 1.8.7\ntunefs.ocfs2: Permission denied while opening device "/dev/sdb1"\n' } },
      { argv: DEBUGFS, result: {} },
    ]);
    await expect(readVolume(ctx, '/dev/sdb1')).rejects.toMatchObject({ exit: EXIT.UNAVAILABLE, message: 'tunefs.ocfs2 failed (exit 1): tunefs.ocfs2: Permission denied while opening device "/dev/sdb1"' });
  });

  it('answers it cannot understand, and tools that disagree, are 69', async () => {
    const odd = await context([{ argv: TUNEFS, result: { stdout: 'what?' } }, { argv: DEBUGFS, result: { stdout: REAL_STATS } }]);
    await expect(readVolume(odd, '/dev/sdb1')).rejects.toMatchObject({ message: 'cannot understand tunefs.ocfs2\'s answer: "what?"' });
    const silent = await context([{ argv: TUNEFS, result: { stdout: 'EDD4846F5C214A6E984EEFA24BE1D0BC\n16\n4096\nx' } }, { argv: DEBUGFS, result: { stderr: 'No device open\n' } }]);
    await expect(readVolume(silent, '/dev/sdb1')).rejects.toMatchObject({ message: 'debugfs.ocfs2 could not read the superblock: No device open' });
    const disagree = await context([{ argv: TUNEFS, result: { stdout: 'EDD4846F5C214A6E984EEFA24BE1D0BC\n8\n4096\nx' } }, { argv: DEBUGFS, result: { stdout: REAL_STATS } }]);
    await expect(readVolume(disagree, '/dev/sdb1')).rejects.toMatchObject({ exit: EXIT.UNAVAILABLE, message: expect.stringContaining('disagree') });
  });
});
