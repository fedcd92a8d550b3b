/**
 * `ovs format` on the memory host. tunefs.ocfs2, debugfs.ocfs2 and blkid are the shared
 * ocfs2-tools double (src/lib/doubles/ocfs2-tools.ts, real 1.8.7 texts); mkfs.ocfs2 answers here
 * with the output the real mkfs.ocfs2 1.8.7 printed for the guide's command on a 1200 MiB
 * loop device, and writes the double's volume image so the read-back sees the new volume.
 */
import { describe, expect, it } from 'vitest';
import { isPartitionOf, partitionPath } from '../../src/lib/block/usage.js';
import { describeSignature, parseBlkidExport } from '../../src/lib/block/signature.js';
import { foreignImage, ocfs2ToolsDouble, volumeImage } from '../../src/lib/doubles/ocfs2-tools.js';
import { DEFAULT_PROGRAMS, memoryHost, type Expectation, type MemoryHost, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { diskMember, POOL_CONF } from '../helpers/pool-disk.js';
import { runOvs } from '../helpers/run.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const UUID = '1D63AC732A754AA8A5E342FA501A3EF8';

/** Real mkfs.ocfs2 1.8.7 stdout for `-L mylabel -N 16 -b 4k -C 4k -J size=64M` on 1200 MiB. */
const MKFS_GUIDE_STDOUT = `Cluster stack: classic o2cb
Label: mylabel
Features: sparse extended-slotmap backup-super unwritten inline-data strict-journal-super xattr indexed-dirs refcount discontig-bg append-dio
Block size: 4096 (12 bits)
Cluster size: 4096 (12 bits)
Volume size: 1258291200 (307200 clusters) (307200 blocks)
Cluster groups: 10 (tail covers 16896 clusters, rest cover 32256 clusters)
Extent allocator size: 0 (0 groups)
Journal size: 67108864
Node slots: 16
Creating bitmaps: done
Initializing superblock: done
Writing system files: done
Writing superblock: done
Writing backup superblock: 1 block(s)
Formatting Journals: done
Growing extent allocator: done
Formatting slot map: done
Formatting quota files: done
Writing lost+found: done
mkfs.ocfs2 successful

`;

const value = (argv: readonly string[], flag: string): string => argv[argv.indexOf(flag) + 1] ?? '';
const bytes = (s: string): number => Number(/^\d+/.exec(s)?.[0]) * ({ k: 1024, M: MiB } as Record<string, number>)[s.replace(/^\d+/, '')]!;

/** mkfs.ocfs2 as the real one answers; `writes` false: it claims success but writes nothing. */
function mkfs(o: { writes?: boolean; label?: string; fail?: { exitCode: number; stderr: string } } = {}): Expectation[] {
  const respond: Expectation['respond'] = ({ argv }, host) => {
    if (o.fail) return { exitCode: o.fail.exitCode, stdout: '', stderr: `mkfs.ocfs2 1.8.7\n${o.fail.stderr}` };
    const target = argv[argv.length - 1] as string;
    const label = o.label ?? value(argv, '-L');
    if (o.writes !== false) {
      host.vol.writeFileSync(target, volumeImage({ label, uuid: UUID, slots: Number(value(argv, '-N')), blockSize: bytes(value(argv, '-b')), clusterSize: bytes(value(argv, '-C')) }));
    }
    return { exitCode: 0, stdout: MKFS_GUIDE_STDOUT.replace('mylabel', label), stderr: 'mkfs.ocfs2 1.8.7\n' };
  };
  // 15 arguments, 16 with --force.
  return [15, 16].map((n) => ({ argv: ['mkfs.ocfs2', ...Array<RegExp>(n - 1).fill(/^/)], respond }));
}

interface Disk {
  path: string;
  size: number;
  content?: string;
}

function setup(o: { disks?: Disk[]; files?: Record<string, string | null>; expect?: Expectation[]; tools?: Expectation[]; host?: Partial<MemoryHostOptions> } = {}): MemoryHost {
  const disks = o.disks ?? [{ path: '/dev/sdb', size: 1200 * MiB }];
  const sizes = new Map(disks.map((d) => [d.path, d.size]));
  const files: Record<string, string | null> = {
    '/proc/partitions': 'major minor  #blocks  name\n\n   8        0   71687372 sda\n   8       16    1228800 sdb\n',
    '/proc/mounts': '/dev/sda1 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n',
    '/proc/swaps': 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n',
    ...Object.fromEntries(disks.map((d) => [d.path, d.content ?? '\0'.repeat(16)])),
    ...o.files,
  };
  return memoryHost({
    files,
    blockDevices: [...disks.map((d) => d.path), '/dev/sdb1', '/dev/loop0p1', '/dev/dm-0'],
    programs: [...DEFAULT_PROGRAMS, 'blockdev', 'partx'],
    expect: o.expect ?? [],
    tools: [
      ...(o.tools ?? []),
      ...mkfs(),
      { argv: ['blockdev', '--getsize64', /^\//], respond: ({ argv }) => ({ exitCode: 0, stdout: `${sizes.get(argv[2] as string) ?? 0}\n` }) },
      ...ocfs2ToolsDouble(),
    ],
    ...o.host,
  });
}

const mkfsCalls = (host: MemoryHost) => host.calls.filter((c) => c.argv[0] === 'mkfs.ocfs2').map((c) => c.argv);

describe('format: the guide\'s step 9 (replayed mkfs.ocfs2 1.8.7 output)', () => {
  it("runs mkfs.ocfs2 with the guide's values and reads the new volume back", async () => {
    const host = setup();
    const r = await runOvs(['--yes', 'format', '/dev/sdb', '--label', 'mylabel'], host);
    expect(r.stderr).not.toMatch(/warning/);
    expect(r.exit).toBe(0);
    expect(mkfsCalls(host)).toEqual([['mkfs.ocfs2', '-L', 'mylabel', '-N', '16', '-b', '4k', '-C', '4k', '-J', 'size=64M', '-x', '--nodiscard', '--', '/dev/sdb']]);
    expect(r.stdout).toBe(`formatted /dev/sdb with OCFS2: label 'mylabel', UUID ${UUID}, 16 node slots, block size 4k, cluster size 4k, journal 64M\n`);
    expect(host.calls.map((c) => c.argv[0])).toEqual(['blockdev', 'blkid', 'mkfs.ocfs2', 'tunefs.ocfs2', 'debugfs.ocfs2']);
  });

  it("without a terminal the step is a plain line, and mkfs.ocfs2's stage shows once the quiet second has passed", async () => {
    const host = setup();
    let clock = host.now().getTime();
    host.now = () => new Date((clock += 2000)); // every look at the clock finds two seconds gone
    const r = await runOvs(['--yes', 'format', '/dev/sdb'], host);
    expect(r.exit).toBe(0);
    expect(r.stderr).toContain('ovs: formatting /dev/sdb\novs: formatting /dev/sdb: Writing lost+found (11/11)\n');
    expect(r.stderr).not.toContain('\r');
  });

  it('every value can be overridden, and the default label is ovs', async () => {
    const host = setup();
    const r = await runOvs(['--yes', '--json', 'format', '/dev/sdb', '--slots', '4', '--block-size', '2k', '--cluster-size', '64k', '--journal-size', '16M'], host);
    expect(r.exit).toBe(0);
    expect(mkfsCalls(host)[0]).toEqual(['mkfs.ocfs2', '-L', 'ovs', '-N', '4', '-b', '2k', '-C', '64k', '-J', 'size=16M', '-x', '--nodiscard', '--', '/dev/sdb']);
    expect(r.json.result).toEqual({
      device: '/dev/sdb', target: '/dev/sdb', partitioned: false, replaced: null, label: 'ovs', uuid: UUID,
      slots: 4, blockSize: 2048, clusterSize: 65536, journalSize: 16 * MiB, size: 1200 * MiB, planned: false,
    });
  });

  it.each([
    [['--label', 'x'.repeat(64)], 'volume label is 64 bytes long; mkfs.ocfs2 allows at most 63 while reading --label'],
    [['--label', 'é'.repeat(32)], 'volume label is 64 bytes long'],
    [['--label', 'a\nb'], 'volume label contains a control character'],
    [['--slots', '0'], '0 node slots is out of range; mkfs.ocfs2 allows 1 to 255 while reading --slots'],
    [['--slots', '256'], '256 node slots is out of range'],
    [['--slots', '0x10'], "'0x10' is not a whole number while reading --slots"],
    [['--block-size', '3k'], 'block size 3k is not one of 512, 1k, 2k, 4k while reading --block-size'],
    [['--block-size', '8k'], 'block size 8k is not one of'],
    [['--cluster-size', '2k'], 'cluster size 2k is not a power of two between 4k and 1M while reading --cluster-size'],
    [['--cluster-size', '2M'], 'cluster size 2M is not a power of two'],
    [['--journal-size', '2M'], "journal size 2M is below mkfs.ocfs2's minimum of 4M while reading --journal-size"],
    [['--journal-size', 'big'], "'big' is not a size while reading --journal-size"],
  ])('%j is refused with 65 before anything runs', async (args, message) => {
    const host = setup();
    const r = await runOvs(['--yes', 'format', '/dev/sdb', ...args], host);
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain(`ovs: format: ${message}`);
    expect(host.calls).toEqual([]);
  });

  it('a disk too small for the journals is refused before mkfs runs', async () => {
    const host = setup({ disks: [{ path: '/dev/sdb', size: 512 * MiB }] });
    const r = await runOvs(['--yes', 'format', '/dev/sdb'], host);
    expect(r.exit).toBe(65);
    expect(r.stderr).toMatch(/ovs: format: 512M is too small for 16 node slots: mkfs\.ocfs2 needs at least \d+M .* while checking the size of \/dev\/sdb/);
    expect(mkfsCalls(host)).toEqual([]);
  });

  it('mkfs.ocfs2 failing is 69 with its reason (replayed mkfs.ocfs2 1.8.7 output)', async () => {
    const host = setup({ tools: [...mkfs({ fail: { exitCode: 1, stderr: 'mkfs.ocfs2: Unable to find available bit while formatting journal "journal:0018"\n' } })] });
    const r = await runOvs(['--yes', 'format', '/dev/sdb'], host);
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: format: mkfs.ocfs2 failed (exit 1): mkfs.ocfs2: Unable to find available bit while formatting journal "journal:0018" while formatting /dev/sdb');
  });

  it('a volume that does not read back as asked is 69', async () => {
    const wrong = await runOvs(['--yes', 'format', '/dev/sdb'], setup({ tools: mkfs({ label: 'other' }) }));
    expect(wrong.exit).toBe(69);
    expect(wrong.stderr).toContain("the new volume has label 'other' instead of 'ovs' while reading back the new volume on /dev/sdb");
    const none = await runOvs(['--yes', 'format', '/dev/sdb'], setup({ tools: mkfs({ writes: false }) }));
    expect(none.exit).toBe(69);
    expect(none.stderr).toContain('mkfs.ocfs2 reported success but the device holds no OCFS2 volume');
  });
});

describe('format: the disk (replayed blkid and ocfs2-tools 1.8.7 output)', () => {
  it('a missing device is 66; a regular file or a relative path is 65', async () => {
    const missing = await runOvs(['--yes', 'format', '/dev/sdz'], setup());
    expect(missing.exit).toBe(66);
    expect(missing.stderr).toContain('ovs: format: /dev/sdz does not exist while checking /dev/sdz');
    const file = await runOvs(['--yes', 'format', '/srv/disk.img'], setup({ files: { '/srv/disk.img': 'x' } }));
    expect(file.exit).toBe(65);
    expect(file.stderr).toContain('/srv/disk.img is not a block device (it is a regular file)');
    const relative = await runOvs(['--yes', 'format', 'sdb'], setup());
    expect(relative.exit).toBe(65);
    expect(relative.stderr).toContain("'sdb' is not a device path while reading DEVICE");
  });

  it.each([
    ['mounted', { '/proc/mounts': '/dev/sdb /srv ext4 rw 0 0\n' }, '/dev/sdb is in use: /dev/sdb is mounted on /srv'],
    ['a partition mounted', { '/proc/partitions': ' 8 16 1228800 sdb\n 8 17 1228000 sdb1\n', '/proc/mounts': '/dev/sdb1 /OVS ocfs2 rw 0 0\n' }, '/dev/sdb1 is mounted on /OVS'],
    ['swap', { '/proc/swaps': 'Filename Type Size Used Priority\n/dev/sdb partition 1228796 0 -2\n' }, '/dev/sdb is in use as swap'],
    ['held by the device mapper', { '/sys/class/block/sdb/holders/dm-0': '' }, 'sdb is held by dm-0 (device mapper, LVM, multipath or RAID)'],
  ])('%s: refused with 65, even with --force', async (_what, files, message) => {
    const host = setup({ files });
    const r = await runOvs(['--yes', 'format', '/dev/sdb', '--force'], host);
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('ovs: hint: unmount it (or stop what holds it) first: ovs never formats a disk in use, --force or not');
    expect(mkfsCalls(host)).toEqual([]);
  });

  it('a /proc/mounts it cannot read is 72, its line named once, and nothing formatted', async () => {
    const host = setup({ files: { '/proc/mounts': '/dev/sda1 / ext4 rw,relatime 0 0\ngarbage\n' } });
    const r = await runOvs(['--yes', 'format', '/dev/sdb'], host);
    expect(r.exit).toBe(72);
    expect(r.stderr).toMatch(/^ovs: format: \/proc\/mounts line 2: expected "source target type options 0 0", found 1 fields while reading the mount table$/m);
    expect(mkfsCalls(host)).toEqual([]);
  });

  it('a mount through /dev/mapper is seen on the device it points to', async () => {
    const host = setup({ disks: [{ path: '/dev/dm-0', size: 2 * GiB }], files: { '/proc/mounts': '/dev/mapper/ovs_data1 /OVS ocfs2 rw 0 0\n' } });
    host.vol.mkdirSync('/dev/mapper', { recursive: true });
    host.vol.symlinkSync('../dm-0', '/dev/mapper/ovs_data1');
    const r = await runOvs(['--yes', 'format', '/dev/mapper/ovs_data1'], host);
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain('/dev/mapper/ovs_data1 is in use: /dev/mapper/ovs_data1 is mounted on /OVS');
  });

  it('a disk holding ext4 is refused without --force, and formatted with it', async () => {
    const disks = [{ path: '/dev/sdb', size: 1200 * MiB, content: foreignImage('ext4') }];
    const refused = await runOvs(['--yes', 'format', '/dev/sdb'], setup({ disks }));
    expect(refused.exit).toBe(65);
    expect(refused.stderr).toContain('ovs: format: /dev/sdb holds an ext4 file system while checking /dev/sdb');
    expect(refused.stderr).toContain('ovs: hint: if its data can go, add --force (everything on /dev/sdb is lost)');
    const host = setup({ disks });
    const forced = await runOvs(['--yes', '--json', 'format', '/dev/sdb', '--force'], host);
    expect(forced.exit).toBe(0);
    expect(mkfsCalls(host)[0]).toContain('--force');
    expect(forced.json.result.replaced).toBe('an ext4 file system');
  });

  it('a disk already holding OCFS2, a partition table, or partitions, is refused without --force', async () => {
    const ocfs2 = await runOvs(['--yes', 'format', '/dev/sdb'], setup({ disks: [{ path: '/dev/sdb', size: GiB * 2, content: volumeImage({ label: 'data1' }) }] }));
    expect(ocfs2.stderr).toContain("/dev/sdb holds an ocfs2 file system labelled 'data1'");
    const table = await runOvs(['--yes', 'format', '/dev/sdb'], setup({ expect: [{ argv: ['blkid', '-p', '-o', 'export', '--', '/dev/sdb'], result: { exitCode: 0, stdout: 'DEVNAME=/dev/sdb\nPTUUID=d73a8007\nPTTYPE=dos\n' } }] }));
    expect(table.exit).toBe(65);
    expect(table.stderr).toContain('/dev/sdb holds a dos partition table');
    const parts = await runOvs(['--yes', 'format', '/dev/sdb'], setup({ files: { '/proc/partitions': ' 8 16 1228800 sdb\n 8 17 1228000 sdb1\n 8 18 100 sdb2\n' } }));
    expect(parts.stderr).toContain('/dev/sdb holds partitions (sdb1, sdb2)');
    const mixed = await runOvs(['--yes', 'format', '/dev/sdb'], setup({ expect: [{ argv: ['blkid', '-p', '-o', 'export', '--', '/dev/sdb'], result: { exitCode: 8 } }] }));
    expect(mixed.stderr).toContain('/dev/sdb holds several contradicting signatures (blkid -p exit 8)');
  });

  it('blockdev or blkid failing is 69', async () => {
    const size = await runOvs(['--yes', 'format', '/dev/sdb'], setup({ expect: [{ argv: ['blockdev', '--getsize64', '/dev/sdb'], result: { exitCode: 1, stderr: 'blockdev: cannot open /dev/sdb: No medium found\n' } }] }));
    expect(size.exit).toBe(69);
    expect(size.stderr).toContain('cannot read the size of /dev/sdb: blockdev: cannot open /dev/sdb: No medium found');
    const probe = await runOvs(['--yes', 'format', '/dev/sdb'], setup({ expect: [{ argv: ['blkid', '-p', '-o', 'export', '--', '/dev/sdb'], result: { exitCode: 4, stderr: 'blkid: error: /dev/sdb: Input/output error\n' } }] }));
    expect(probe.exit).toBe(69);
    expect(probe.stderr).toContain('cannot probe /dev/sdb for existing data: blkid: error: /dev/sdb: Input/output error');
  });
});

describe('format --partition (replayed mkfs.ocfs2 1.8.7 output)', () => {
  // A failed sfdisk is not followed by partx (the run stops there).
  const sfdisk = (o: { fail?: boolean; creates?: string } = {}): Expectation[] => [
    { argv: ['sfdisk', '--quiet', '--wipe', 'always', '--wipe-partitions', 'always', '--', /^\/dev\//], result: o.fail ? { exitCode: 1, stderr: 'sfdisk: cannot open /dev/sdb: Device or resource busy\n' } : { exitCode: 0 } },
    ...(o.fail ? [] : [{ argv: ['partx', '--update', '--', /^\/dev\//], respond: (_c: unknown, host: MemoryHost) => ((o.creates ? host.vol.writeFileSync(o.creates, '') : undefined), { exitCode: 0 }) }]),
  ];

  it('makes one partition spanning the disk (dos table), tells the kernel, and formats the partition', async () => {
    const host = setup({ expect: sfdisk({ creates: '/dev/sdb1' }) });
    const r = await runOvs(['--yes', 'format', '/dev/sdb', '--partition', '--label', 'mylabel'], host);
    expect(r.exit).toBe(0);
    const calls = host.calls.filter((c) => ['sfdisk', 'partx', 'mkfs.ocfs2'].includes(c.argv[0] as string));
    expect(calls.map((c) => [c.argv.join(' '), c.input])).toEqual([
      ['sfdisk --quiet --wipe always --wipe-partitions always -- /dev/sdb', 'label: dos\n,,L\n'],
      ['partx --update -- /dev/sdb', ''],
      ['mkfs.ocfs2 -L mylabel -N 16 -b 4k -C 4k -J size=64M -x --nodiscard -- /dev/sdb1', ''],
    ]);
    expect(r.stdout).toContain('partitioned /dev/sdb: one partition, /dev/sdb1, spanning the disk\nformatted /dev/sdb1 with OCFS2');
  });

  it('a disk above 2 TiB gets a GPT; a loop device names its partition p1', async () => {
    const host = setup({ disks: [{ path: '/dev/loop0', size: 3 * 2 ** 40 }], expect: sfdisk({ creates: '/dev/loop0p1' }) });
    const r = await runOvs(['--yes', 'format', '/dev/loop0', '--partition'], host);
    expect(r.exit).toBe(0);
    expect(host.calls.find((c) => c.argv[0] === 'sfdisk')?.input).toBe('label: gpt\n,,L\n');
    expect(mkfsCalls(host)[0]?.at(-1)).toBe('/dev/loop0p1');
  });

  it('a partition that never appears is 75 (retry)', async () => {
    const r = await runOvs(['--yes', 'format', '/dev/sdb', '--partition'], setup({ expect: sfdisk() }));
    expect(r.exit).toBe(75);
    expect(r.stderr).toContain('the new partition /dev/sdb1 did not appear within 10 s while partitioning /dev/sdb');
  });

  it('sfdisk failing is 69; --partition on a partition is 65', async () => {
    const failed = await runOvs(['--yes', 'format', '/dev/sdb', '--partition'], setup({ expect: sfdisk({ fail: true }) }));
    expect(failed.exit).toBe(69);
    expect(failed.stderr).toContain('sfdisk failed (exit 1): sfdisk: cannot open /dev/sdb: Device or resource busy while partitioning /dev/sdb');
    const part = await runOvs(['--yes', 'format', '/dev/sdb1', '--partition'], setup({ disks: [{ path: '/dev/sdb1', size: GiB * 2 }], files: { '/sys/class/block/sdb1/partition': '1\n' } }));
    expect(part.exit).toBe(65);
    expect(part.stderr).toContain('/dev/sdb1 is a partition; --partition needs a whole disk');
  });

  it('--dry-run plans the partitioning and the format without running either', async () => {
    // Nothing scripted: a dry run that ran sfdisk or mkfs.ocfs2 would fail on the unknown command.
    const host = setup();
    const r = await runOvs(['--dry-run', 'format', '/dev/sdb', '--partition'], host);
    expect(r.exit).toBe(0);
    expect(host.calls.map((c) => c.argv[0])).toEqual(['blockdev', 'blkid']);
    expect(r.stdout).toContain('would partition /dev/sdb: one partition, /dev/sdb1, spanning the disk');
    expect(r.stdout).toContain("would format /dev/sdb1 with OCFS2: label 'ovs', 16 node slots");
    expect(r.stdout).toContain('mkfs.ocfs2 -L ovs -N 16 -b 4k -C 4k -J size=64M -x --nodiscard -- /dev/sdb1');
    expect(r.stdout).toContain('sfdisk --quiet --wipe always --wipe-partitions always -- /dev/sdb');
  });
});

describe('format: confirmation, preflight, --root (replayed mkfs.ocfs2 1.8.7 output)', () => {
  it('without --yes and without a terminal: 64, nothing written', async () => {
    const host = setup();
    const r = await runOvs(['format', '/dev/sdb'], host);
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain('ovs: format: confirmation needed: format /dev/sdb (1200M) with OCFS2? Everything on it is lost.');
    expect(mkfsCalls(host)).toEqual([]);
  });

  it('on a terminal it asks; no is 64, yes formats', async () => {
    const no = await runOvs(['format', '/dev/sdb'], setup({ host: { tty: true, answers: ['n'] } }));
    expect(no.exit).toBe(64);
    expect(no.stderr).toContain('not confirmed: nothing was changed');
    const yes = await runOvs(['format', '/dev/sdb'], setup({ host: { tty: true, answers: ['y'] } }));
    expect(yes.exit).toBe(0);
  });

  it.each([
    ['mkfs.ocfs2', 'install ocfs2-tools'],
    ['modprobe', 'install kmod or module-init-tools: apt-get install kmod (Debian, Ubuntu)'],
    ['blkid', 'install util-linux'],
  ])('%s missing is 69 with the package to install', async (missing, hint) => {
    const host = setup({ host: { programs: [...DEFAULT_PROGRAMS, 'blockdev', 'partx'].filter((p) => p !== missing) } });
    const r = await runOvs(['--yes', 'format', '/dev/sdb'], host);
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain(`is not installed while checking the programs formatting needs`);
    expect(r.stderr).toContain(hint);
    expect(host.calls).toEqual([]);
  });

  it('--partition needs sfdisk', async () => {
    const host = setup({ host: { programs: [...DEFAULT_PROGRAMS, 'blockdev', 'partx'].filter((p) => p !== 'sfdisk') } });
    const r = await runOvs(['--yes', 'format', '/dev/sdb', '--partition'], host);
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: format: sfdisk is not installed');
  });

  it('is refused under --root (needs the live machine)', async () => {
    const r = await runOvs(['--root', '/img', 'format', '/dev/sdb'], { files: { '/img': null } });
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain('format needs the live machine and cannot run under --root /img');
  });
});

describe('format helpers', () => {
  it('partition names follow the kernel', () => {
    expect(partitionPath('/dev/sdb', 1)).toBe('/dev/sdb1');
    expect(partitionPath('/dev/nvme0n1', 1)).toBe('/dev/nvme0n1p1');
    expect(isPartitionOf('sdb', 'sdb1')).toBe(true);
    expect(isPartitionOf('sdb', 'sdba1')).toBe(false);
    expect(isPartitionOf('loop1', 'loop10')).toBe(false);
    expect(isPartitionOf('loop1', 'loop1p2')).toBe(true);
  });

  it('blkid export values and their description', () => {
    expect(parseBlkidExport('LABEL=my\\ data\nTYPE=ext4\n')).toEqual({ LABEL: 'my data', TYPE: 'ext4' });
    expect(describeSignature({ type: 'ext4', label: 'data' })).toBe("an ext4 file system labelled 'data'");
    expect(describeSignature({ type: 'swap' })).toBe('a swap area');
    expect(describeSignature({ type: 'ocfs2', pttype: 'dos' })).toBe('an ocfs2 file system and a dos partition table');
  });
});

describe('format --all-nodes: every pool member sees the same disk first', () => {
  const WWID_SDB = 'naa.6001405a1b2c3d4e5f60718293a4b5c6';
  const pool = (members: Expectation[]) =>
    setup({
      files: { '/sys/class/block/sdb/device/wwid': `${WWID_SDB}\n`, '/etc/ocfs2/cluster.conf': POOL_CONF, '/etc/sysconfig/o2cb': 'O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=ocfs2\n' },
      expect: members,
      host: { hostname: 'ovs1.example.com' },
    });

  it('every member has the WWID with the same size: formats, and says where each member sees it', async () => {
    const host = pool([diskMember('ovs2.example.com', { device: '/dev/sdc', size: 1200 * MiB }), diskMember('ovs3.example.com', { device: '/dev/sdb', size: 1200 * MiB })]);
    const r = await runOvs(['--yes', 'format', '--all-nodes', '/dev/sdb'], host);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain(`every pool member sees /dev/sdb (WWID ${WWID_SDB}): ovs2.example.com as /dev/sdc, ovs3.example.com as /dev/sdb\n`);
    expect(host.calls.filter((c) => c.argv[0] === 'ssh').map((c) => c.input)).toEqual([`${WWID_SDB}\n`, `${WWID_SDB}\n`]);
    expect(mkfsCalls(host)).toHaveLength(1);
  });

  it('a member without the LUN and one seeing another size: exit 78 naming both, nothing formatted', async () => {
    const host = pool([diskMember('ovs2.example.com', undefined), diskMember('ovs3.example.com', { device: '/dev/sdd', size: 2 * GiB })]);
    const r = await runOvs(['--yes', 'format', '--all-nodes', '/dev/sdb'], host);
    expect(r.exit).toBe(78);
    expect(r.stderr).toContain(`ovs: format: not every pool member sees /dev/sdb (WWID ${WWID_SDB}, 1200M): ovs2.example.com sees no disk with this WWID; ovs3.example.com sees it as /dev/sdd of 2G, not 1200M while confirming that every pool member sees the disk\novs: hint: log in to the LUN on every server (ovs iscsi-prep)`);
    expect(mkfsCalls(host)).toEqual([]);
  });

  it('a disk without a WWID cannot be recognised elsewhere: exit 78 before asking anyone', async () => {
    const host = setup({ files: { '/etc/ocfs2/cluster.conf': POOL_CONF }, host: { hostname: 'ovs1.example.com' } });
    const r = await runOvs(['--yes', 'format', '--all-nodes', '/dev/sdb'], host);
    expect(r.exit).toBe(78);
    expect(r.stderr).toMatch(/^ovs: format: \/dev\/sdb has no WWID \(\/sys\/class\/block\/sdb\/device\/wwid\): the other servers cannot recognise it/);
    expect(host.calls.filter((c) => c.argv[0] === 'ssh' || c.argv[0] === 'mkfs.ocfs2')).toEqual([]);
  });
});

describe('pool-identity --disk', () => {
  it("finds this server's disk by WWID (read from stdin with -)", async () => {
    const host = setup({ files: { '/sys/class/block/sda/device/wwid': 'naa.1111\n', '/sys/class/block/sdb/device/wwid': 'naa.6001405a1b2c3d4e5f60718293a4b5c6\n' }, host: { stdin: 'naa.6001405a1b2c3d4e5f60718293a4b5c6\n' } });
    const r = await runOvs(['--json', 'pool-identity', '--disk', '-'], host);
    expect(r.exit).toBe(0);
    expect(r.json.result.disk).toEqual({ wwid: 'naa.6001405a1b2c3d4e5f60718293a4b5c6', device: '/dev/sdb', size: 1200 * MiB });
    const none = await runOvs(['--json', 'pool-identity', '--disk', 'naa.9999'], setup({ files: { '/sys/class/block/sdb/device/wwid': 'naa.1\n' } }));
    expect(none.json.result.disk).toEqual({ wwid: 'naa.9999' });
  });
});
