/**
 * A memory-host double of the ocfs2-tools a heartbeat file needs (mkfs.ocfs2, tunefs.ocfs2,
 * debugfs.ocfs2) and of fallocate, dd, blkid and cmp, for CI pipelines and unit tests
 * (docs/design.md, the Host seam). A "volume" in the memory file system is a small text image (volumeImage());
 * the double answers with the exact text ocfs2-tools 1.8.7 prints: the debugfs statistics
 * are docs/tools.md verbatim with the volume's values put in, and the error lines were
 * recorded from the real tools on a Debian 12 machine (zeros, ext4, empty, missing file).
 * Bulk data is never held in memory: fallocate and dd leave a 4 KiB zero file standing in
 * for the requested size.
 */
import type { RunResult } from '../host.js';
import type { Expectation, MemoryHost } from './memory-host.js';
import { debugfsStatsArgv, tunefsQueryArgv, type VolumeInfo } from '../ocfs2/volume.js';

const MAGIC = 'OCFS2 VOLUME (ovs memory-host double)\n';
const FOREIGN = 'FOREIGN FILE SYSTEM (ovs memory-host double): ';

/** The content of a memory-host file that the double reads as an OCFS2 volume. */
export function volumeImage(v: Partial<VolumeInfo> = {}): string {
  const info: VolumeInfo = { label: 'server_pool_hb', uuid: 'EDD4846F5C214A6E984EEFA24BE1D0BC', slots: 16, blockSize: 2048, clusterSize: 4096, clusters: 0, ...v };
  return `${MAGIC}${JSON.stringify(info)}\n`;
}

/** The content of a file the double reads as another file system (`blkid` reports TYPE). */
export function foreignImage(type: string): string {
  return `${FOREIGN}${type}\n`;
}

function readImage(host: MemoryHost, path: string): { info?: VolumeInfo; foreign?: string; bytes?: Buffer } {
  if (!host.exists(path)) return {};
  const bytes = Buffer.from(host.vol.readFileSync(path) as Uint8Array);
  const text = bytes.toString('utf8');
  if (text.startsWith(MAGIC)) return { info: JSON.parse(text.slice(MAGIC.length)) as VolumeInfo, bytes };
  if (text.startsWith(FOREIGN)) return { foreign: text.slice(FOREIGN.length).trim(), bytes };
  return { bytes };
}

/** debugfs.ocfs2 -R stats, as printed by 1.8.7 (docs/tools.md), with this volume's values. */
export function debugfsStatsText(v: VolumeInfo): string {
  return `\tRevision: 0.90
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
\tBlock Size Bits: ${Math.log2(v.blockSize)}   Cluster Size Bits: ${Math.log2(v.clusterSize)}
\tMax Node Slots: ${v.slots}
\tExtended Attributes Inline Size: 256
\tLabel: ${v.label}
\tUUID: ${v.uuid}
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
\tLinks: 0   Clusters: ${v.clusters ?? 0}
\tctime: 0x6b06d6f7 0x0 -- Wed Nov 25 12:39:19.0 2026
\tatime: 0x0 0x0 -- Thu Jan  1 00:00:00.0 1970
\tmtime: 0x6b06d6f7 0x0 -- Wed Nov 25 12:39:19.0 2026
\tdtime: 0x0 -- Thu Jan  1 00:00:00 1970
\tRefcount Block: 0
\tLast Extblk: 0   Orphan Slot: 0
\tSub Alloc Slot: Global   Sub Alloc Bit: 65535
`;
}

/** What the tools print when they cannot open a volume (recorded from 1.8.7). */
function openFailure(path: string, why: 'missing' | 'short' | 'magic'): { tunefs: Partial<RunResult>; debugfs: Partial<RunResult> } {
  const words = why === 'missing' ? 'Device name specified was not found' : why === 'short' ? 'I/O error on channel' : 'Bad magic number in superblock';
  return {
    // tunefs.ocfs2 exits 0 for a missing device, 2 for a short file, 8 for a bad magic number.
    tunefs: { exitCode: why === 'missing' ? 0 : why === 'short' ? 2 : 8, stderr: `tunefs.ocfs2: ${words} while opening device "${path}"\n` },
    debugfs: { exitCode: 0, stderr: `open: ${words} while opening context for device ${path}\nNo device open\n` },
  };
}

function probeVolume(host: MemoryHost, path: string): VolumeInfo | ReturnType<typeof openFailure> {
  const img = readImage(host, path);
  if (img.info) return img.info;
  if (!img.bytes) return openFailure(path, 'missing');
  return openFailure(path, img.bytes.length < 4096 ? 'short' : 'magic');
}

/** mkfs.ocfs2's stdout for the guide's heartbeat (docs/tools.md). */
export const MKFS_HEARTBEAT_STDOUT = `Cluster stack: classic o2cb
Label: server_pool_hb
Features: sparse extended-slotmap backup-super unwritten inline-data strict-journal-super xattr indexed-dirs refcount discontig-bg append-dio
Block size: 2048 (11 bits)
Cluster size: 4096 (12 bits)
Volume size: 314572800 (76800 clusters) (153600 blocks)
Cluster groups: 5 (tail covers 13312 clusters, rest cover 15872 clusters)
Extent allocator size: 0 (0 groups)
Journal size: 8388608
Node slots: 16
Creating bitmaps: done
Initializing superblock: done
Writing system files: done
Writing superblock: done
Writing backup superblock: 0 block(s)
Formatting Journals: done
Growing extent allocator: done
Formatting slot map: done
Formatting quota files: done
Writing lost+found: done
mkfs.ocfs2 successful

`;

const STAND_IN = 4096;

function optionValue(argv: readonly string[], flag: string): string {
  const i = argv.indexOf(flag);
  return i >= 0 ? (argv[i + 1] ?? '') : '';
}

function sizeOf(text: string): number {
  const m = /^(\d+)([kKmM]?)$/.exec(text);
  return m ? Number(m[1]) * (m[2] ? (/[kK]/.test(m[2]) ? 1024 : 1048576) : 1) : NaN;
}

export interface Ocfs2DoubleOptions {
  /** UUIDs successive mkfs runs give their volumes (then generated ones). */
  uuids?: string[];
}

/** Simulated tools for memoryHost({ tools }), answering as the real tools would. */
export function ocfs2ToolsDouble(opts: Ocfs2DoubleOptions = {}): Expectation[] {
  const uuids = [...(opts.uuids ?? [])];
  let made = 0;
  const nextUuid = () => uuids.shift() ?? `0C0FFEE${String(++made).padStart(25, '0')}`;
  const any = /[^]*/;
  return [
    {
      argv: ['fallocate', '-l', /^\d+$/, '--', any],
      respond: ({ argv }, host) => {
        host.vol.writeFileSync(argv[4] as string, Buffer.alloc(STAND_IN));
        return { exitCode: 0 };
      },
    },
    {
      argv: ['dd', 'if=/dev/zero', /^of=/, 'bs=1M', /^count=\d+$/, 'iflag=count_bytes', /^conv=(excl,fsync|notrunc)$/, 'status=progress'],
      respond: ({ argv }, host) => {
        const path = (argv[2] as string).slice(3);
        // conv=excl refuses an existing file; conv=notrunc writes into it, or creates it.
        if (argv[6] === 'conv=excl,fsync' && host.exists(path)) return { exitCode: 1, stderr: `dd: failed to open '${path}': File exists\n` };
        if (!host.exists(path)) host.vol.writeFileSync(path, Buffer.alloc(STAND_IN));
        return { exitCode: 0 };
      },
    },
    {
      argv: ['mkfs.ocfs2', '-L', any, '-N', /^\d+$/, '-b', any, '-C', any, '--force', '-x', '--nodiscard', '--', any],
      respond: ({ argv }, host) => {
        const path = argv[argv.length - 1] as string;
        if (!host.exists(path)) return { exitCode: 1, stderr: `mkfs.ocfs2 1.8.7\nmkfs.ocfs2: Could not open device ${path}: No such file or directory\n` };
        // clusters 0: the stand-in file is not the size it stands for, and must not read as truncated.
        const info: VolumeInfo = { label: optionValue(argv, '-L'), uuid: nextUuid(), slots: Number(optionValue(argv, '-N')), blockSize: sizeOf(optionValue(argv, '-b')), clusterSize: sizeOf(optionValue(argv, '-C')), clusters: 0 };
        host.vol.writeFileSync(path, volumeImage(info));
        return { exitCode: 0, stdout: MKFS_HEARTBEAT_STDOUT, stderr: 'mkfs.ocfs2 1.8.7\n' };
      },
    },
    {
      argv: [...tunefsQueryArgv('').slice(0, -1), any],
      respond: ({ argv }, host) => {
        const v = probeVolume(host, argv[argv.length - 1] as string);
        return 'uuid' in v ? { exitCode: 0, stdout: `${v.uuid}\n${v.slots}\n${v.clusterSize}\n${v.label}` } : v.tunefs;
      },
    },
    {
      argv: [...debugfsStatsArgv('').slice(0, -1), any],
      respond: ({ argv }, host) => {
        const v = probeVolume(host, argv[argv.length - 1] as string);
        return 'uuid' in v ? { exitCode: 0, stdout: debugfsStatsText(v) } : v.debugfs;
      },
    },
    {
      argv: ['blkid', '-p', '-o', 'export', '--', any],
      respond: ({ argv }, host) => {
        const path = argv[5] as string;
        const img = readImage(host, path);
        if (img.info) return { exitCode: 0, stdout: `DEVNAME=${path}\nLABEL=${img.info.label}\nBLOCK_SIZE=${img.info.blockSize}\nTYPE=ocfs2\nUSAGE=filesystem\n` };
        if (img.foreign) return { exitCode: 0, stdout: `DEVNAME=${path}\nTYPE=${img.foreign}\nUSAGE=filesystem\n` };
        return { exitCode: 2 };
      },
    },
    {
      argv: ['cmp', '-s', '-n', /^\d+$/, '--', any, '/dev/zero'],
      respond: ({ argv }, host) => {
        const n = Number(argv[3]);
        const bytes = readImage(host, argv[5] as string).bytes;
        // cmp -s: 0 when the first n bytes are zeros; 1 at a difference or an early end of file.
        return { exitCode: bytes && bytes.length >= n && bytes.subarray(0, n).every((b) => b === 0) ? 0 : 1 };
      },
    },
  ];
}
