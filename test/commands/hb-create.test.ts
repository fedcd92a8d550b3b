/**
 * `ovs hb-create` on the memory host. The ocfs2-tools are the double of
 * src/lib/doubles/ocfs2-tools.ts, which answers with ocfs2-tools 1.8.7's own text (docs/tools.md,
 * mkfs.ocfs2 and the heartbeat file, and lines recorded from the real tools): test names say "replayed".
 */
import { describe, expect, it } from 'vitest';

import { DEFAULT_PROGRAMS, type Expectation, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { foreignImage, ocfs2ToolsDouble, volumeImage } from '../../src/lib/doubles/ocfs2-tools.js';
import { runOvs } from '../helpers/run.js';

const HB = '/OVS/.server_pool_hb';
const TMP = /^\/OVS\/\.server_pool_hb\.ovs-[0-9a-f]{8}\.tmp$/;
const WITH_FALLOCATE = [...DEFAULT_PROGRAMS, 'fallocate'];
const MKFS_GUIDE = ['mkfs.ocfs2', '-L', 'server_pool_hb', '-N', '16', '-b', '2k', '-C', '4k', '--force', '-x', '--nodiscard', '--'];
const MiB = 1024 * 1024;

function pool(extra: MemoryHostOptions & { before?: Expectation[]; uuids?: string[] } = {}): MemoryHostOptions {
  const { before = [], uuids, ...rest } = extra;
  return {
    programs: WITH_FALLOCATE,
    ...rest,
    // /OVS is the mounted NFS cluster root (a heartbeat file is made only on mounted storage).
    files: { '/OVS': null, '/proc/mounts': 'fileserver:/OVS /OVS nfs rw,vers=3 0 0\n', ...rest.files },
    expect: before,
    tools: ocfs2ToolsDouble({ uuids: uuids ?? ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'] }),
  };
}

const argvs = (r: { host: { calls: { argv: string[] }[] } }) => r.host.calls.map((c) => c.argv);
const ovsDir = (r: { host: { vol: { readdirSync(p: string): unknown } } }) => (r.host.vol.readdirSync('/OVS') as string[]).map(String).sort();

describe('hb-create: making the heartbeat file (replayed ocfs2-tools 1.8.7 output)', () => {
  it('allocates a temporary file, zeroes what mkfs writes, formats, verifies, renames into place', async () => {
    const r = await runOvs(['hb-create'], pool());
    expect(r.stderr).not.toMatch(/error|hint/);
    expect(r.exit).toBe(0);
    const calls = argvs(r);
    expect(calls.map((a) => a[0])).toEqual(['fallocate', 'dd', 'mkfs.ocfs2', 'tunefs.ocfs2', 'debugfs.ocfs2']);
    const tmp = calls[0]?.[4] as string;
    expect(tmp).toMatch(TMP);
    expect(calls[0]).toEqual(['fallocate', '-l', String(300 * MiB), '--', tmp]);
    // mkfs writes its first 134 MiB (journals, system files): those get real zeros, 136 MiB.
    expect(calls[1]).toEqual(['dd', 'if=/dev/zero', `of=${tmp}`, 'bs=1M', `count=${136 * MiB}`, 'iflag=count_bytes', 'conv=notrunc', 'status=progress']);
    expect(calls[2]).toEqual([...MKFS_GUIDE, tmp]);
    expect(calls[3]).toEqual(['tunefs.ocfs2', '-Q', '%U\\n%N\\n%T\\n%V', '--', tmp]);
    expect(calls[4]).toEqual(['debugfs.ocfs2', '-R', 'stats', '--', tmp]);
    expect(ovsDir(r)).toEqual(['.server_pool_hb']);
    expect(r.host.readText(HB)).toBe(volumeImage({ uuid: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', clusters: 0 }));
    expect(r.stdout).toBe(`${HB}: created (300M, 16 node slots, label server_pool_hb, block 2048, cluster 4096, UUID AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA)\n`);
  });

  it('journals each step: allocation, zeros, mkfs and the rename', async () => {
    const r = await runOvs(['hb-create'], pool());
    const journal = r.host.readText('/var/log/ovs/journal.log').trim().split('\n').map((l) => JSON.parse(l)).filter((j) => j.type === 'change');
    expect(journal.map((j) => j.kind)).toEqual(['run', 'run', 'run', 'rename']);
    expect(journal[3]).toMatchObject({ kind: 'rename', target: HB, result: 'applied' });
    // The heartbeat file is bulk data, not configuration: no 300 MiB backup.
    expect(r.host.exists('/var/lib/ovs/backups')).toBe(false);
  });

  it('without fallocate, writes zeros all the way with dd (fsynced, never over an existing file)', async () => {
    const r = await runOvs(['hb-create'], pool({ programs: DEFAULT_PROGRAMS }));
    expect(r.exit).toBe(0);
    const [dd] = argvs(r);
    expect(dd).toEqual(['dd', 'if=/dev/zero', expect.stringMatching(/^of=\/OVS\/\.server_pool_hb\.ovs-[0-9a-f]{8}\.tmp$/), 'bs=1M', `count=${300 * MiB}`, 'iflag=count_bytes', 'conv=excl,fsync', 'status=progress']);
    expect(ovsDir(r)).toEqual(['.server_pool_hb']);
  });

  it('falls back to dd when the file system cannot fallocate (NFS before 4.2), removing what fallocate left', async () => {
    const unsupported: Expectation = {
      argv: ['fallocate', '-l', /\d+/, '--', TMP],
      respond: ({ argv }, host) => {
        host.vol.writeFileSync(argv[4] as string, '');
        return { exitCode: 1, stderr: 'fallocate: fallocate failed: Operation not supported\n' };
      },
    };
    const r = await runOvs(['hb-create'], pool({ before: [unsupported] }));
    expect(r.exit).toBe(0);
    expect(argvs(r).map((a) => a[0])).toEqual(['fallocate', 'dd', 'mkfs.ocfs2', 'tunefs.ocfs2', 'debugfs.ocfs2']);
    expect(argvs(r)[1]).toContain('conv=excl,fsync');
    expect(argvs(r)[1]).toContain(`count=${300 * MiB}`);
    expect(ovsDir(r)).toEqual(['.server_pool_hb']);
  });

  it('takes the geometry options, and --size sets the allocation', async () => {
    const r = await runOvs(['hb-create', '--size', '1G', '--slots', '8', '--label', 'pool hb', '--block-size', '4k', '--cluster-size', '64k', '/srv/hb'], pool({ files: { '/srv': null } }));
    expect(r.exit).toBe(0);
    const calls = argvs(r);
    expect(calls[0]?.slice(0, 3)).toEqual(['fallocate', '-l', String(1024 * MiB)]);
    expect(calls[2]?.slice(0, 13)).toEqual(['mkfs.ocfs2', '-L', 'pool hb', '-N', '8', '-b', '4k', '-C', '64k', '--force', '-x', '--nodiscard', '--']);
    expect(r.stdout).toMatch(/^\/srv\/hb: created \(1G, 8 node slots, label pool hb, block 4096, cluster 65536, UUID A{32}\)\n$/);
  });

  it('works under --root on a path outside any repository: the file is made inside the image, programs get machine paths', async () => {
    const r = await runOvs(['--root', '/img', 'hb-create', '/srv/hb/.server_pool_hb'], pool({ files: { '/img/srv/hb': null } }));
    expect(r.exit).toBe(0);
    expect(argvs(r)[0]?.[4]).toMatch(/^\/img\/srv\/hb\/\.server_pool_hb\.ovs-[0-9a-f]{8}\.tmp$/);
    expect(r.host.exists('/img/srv/hb/.server_pool_hb')).toBe(true);
    expect(r.host.exists('/img/var/log/ovs/journal.log')).toBe(true);
  });

  it('--json: one document with the result', async () => {
    const r = await runOvs(['--json', 'hb-create'], pool());
    expect(r.json).toMatchObject({ ok: true, exit: 0, result: { path: HB, created: true, replaced: false, uuid: 'A'.repeat(32), size: 300 * MiB, slots: 16, label: 'server_pool_hb', blockSize: 2048, clusterSize: 4096, zeroFill: 'fallocate' } });
  });
});

describe('hb-create: never fills an empty mount point', () => {
  const U = 'F4135C096045458195057412169071E5';
  const image = { '/img/var/ovs/mount/F4135C096045458195057412169071E5': null, '/img/etc/ovs/repositories': `${U} nfs C fileserver:/OVS cluster root\n` };

  it('under --root on the image\'s NFS cluster root (/OVS -> its mount point): 64, nothing written or run', async () => {
    const h = pool({ files: image });
    const { memoryHost } = await import('../../src/lib/doubles/memory-host.js');
    const host = memoryHost(h);
    host.vol.symlinkSync(`/var/ovs/mount/${U}`, '/img/OVS');
    const r = await runOvs(['--root', '/img', 'hb-create'], host);
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain(`ovs: hb-create: /OVS/.server_pool_hb is on a repository, and under --root /img nothing is mounted on /var/ovs/mount/${U} while checking that the repository of /OVS/.server_pool_hb is mounted\n`);
    expect(r.stderr).toContain(`ovs: hint: run it on the running server once the ovsrepositories service has mounted /var/ovs/mount/${U}\n`);
    expect(host.calls).toEqual([]);
    expect(host.vol.readdirSync(`/img/var/ovs/mount/${U}`)).toEqual([]);
    expect(host.exists('/img/var/log/ovs/journal.log')).toBe(false);
  });

  it('under --root the same for the mount point named directly, and in a dry run (the plan is the run)', async () => {
    for (const argv of [['hb-create', `/var/ovs/mount/${U}/.server_pool_hb`], ['--dry-run', 'hb-create', `/var/ovs/mount/${U}/.server_pool_hb`]]) {
      const r = await runOvs(['--root', '/img', ...argv], pool({ files: image }));
      expect(r.exit).toBe(64);
      expect(r.host.calls).toEqual([]);
    }
  });

  it('live on an empty mount point: 78 with the hint to mount the repositories, nothing made', async () => {
    const r = await runOvs(['hb-create', `/var/ovs/mount/${U}/.server_pool_hb`], pool({ files: { [`/var/ovs/mount/${U}`]: null } }));
    expect(r.exit).toBe(78);
    expect(r.stderr).toContain(`ovs: hb-create: nothing is mounted on /var/ovs/mount/${U}: a file made there would be hidden by the repository's mount while checking that the repository of /var/ovs/mount/${U}/.server_pool_hb is mounted\n`);
    expect(r.stderr).toContain('ovs: hint: mount the repositories first: ovs repositories start\n');
    expect(r.host.calls).toEqual([]);
  });

  it('live on a plain /OVS directory with nothing mounted on it: 78', async () => {
    const r = await runOvs(['hb-create'], pool({ files: { '/proc/mounts': 'proc /proc proc rw 0 0\n' } }));
    expect(r.exit).toBe(78);
    expect(r.stderr).toContain('nothing is mounted on /OVS');
  });
});

describe('hb-create: run again, --force', () => {
  const valid = { [HB]: volumeImage({ uuid: 'C'.repeat(32) }) };

  it('an existing valid heartbeat file: already present, exit 0, nothing written (replayed tunefs/debugfs output)', async () => {
    const r = await runOvs(['hb-create'], pool({ files: valid }));
    expect(r.exit).toBe(0);
    expect(r.stdout).toBe(`${HB}: already present (a valid heartbeat file, UUID ${'C'.repeat(32)}); nothing to do\n`);
    expect(argvs(r).map((a) => a[0])).toEqual(['tunefs.ocfs2', 'debugfs.ocfs2']);
    expect(r.host.exists('/var/log/ovs/journal.log')).toBe(false);
    expect(r.host.readText(HB)).toBe(valid[HB]);
  });

  it('a second run after creating changes nothing', async () => {
    const first = await runOvs(['hb-create'], pool());
    const second = await runOvs(['hb-create'], first.host);
    expect(second.exit).toBe(0);
    expect(second.stdout).toMatch(/already present/);
    expect(first.host.calls.filter((c) => c.argv[0] === 'mkfs.ocfs2')).toHaveLength(1);
  });

  it('an explicit --size is also checked on an existing file', async () => {
    const r = await runOvs(['hb-create', '--size', '300M'], pool({ files: valid }));
    expect(r.exit).toBe(78);
    expect(r.stderr).toMatch(/is an OCFS2 heartbeat with size \d+ bytes \(expected 300 MiB\) \(not a valid heartbeat file\) while checking/);
  });

  it('--force replaces a valid file after confirmation, with a new UUID', async () => {
    const r = await runOvs(['--yes', 'hb-create', '--force'], pool({ files: valid }));
    expect(r.exit).toBe(0);
    expect(r.stdout).toBe(`${HB}: replaced (300M, 16 node slots, label server_pool_hb, block 2048, cluster 4096, UUID ${'A'.repeat(32)})\n`);
    expect(r.host.readText(HB)).toContain('A'.repeat(32));
    expect(ovsDir(r)).toEqual(['.server_pool_hb']);
  });

  it('--force without --yes and without a terminal: exit 64, nothing changed', async () => {
    const r = await runOvs(['hb-create', '--force'], pool({ files: valid }));
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain(`ovs: hb-create: confirmation needed: replace the heartbeat file ${HB}?`);
    expect(r.stderr).toContain('ovs: hint: no terminal to ask on: add --yes to confirm');
    expect(r.host.readText(HB)).toBe(valid[HB]);
    expect(argvs(r).some((a) => a[0] === 'mkfs.ocfs2' || a[0] === 'fallocate')).toBe(false);
  });

  it('--force on a terminal asks; "n" keeps the file, "y" replaces it', async () => {
    const no = await runOvs(['hb-create', '--force'], pool({ files: valid, tty: true, answers: ['n'] }));
    expect(no.exit).toBe(64);
    expect(no.stderr).toContain(`replace the heartbeat file ${HB}? [y/N]`);
    expect(no.host.readText(HB)).toBe(valid[HB]);
    const yes = await runOvs(['hb-create', '--force'], pool({ files: valid, tty: true, answers: ['y'] }));
    expect(yes.exit).toBe(0);
    expect(yes.host.readText(HB)).toContain('A'.repeat(32));
  });

  it('--force refuses while O2CB heartbeats on the file (78)', async () => {
    const files = { ...valid, [`/sys/kernel/config/cluster/ocfs2/heartbeat/${'C'.repeat(32)}`]: null };
    const r = await runOvs(['--yes', 'hb-create', '--force'], pool({ files }));
    expect(r.exit).toBe(78);
    expect(r.stderr).toContain(`ovs: hb-create: ${HB} is in use: cluster 'ocfs2' is heartbeating on it (region ${'C'.repeat(32)}) while replacing ${HB}`);
    expect(r.stderr).toContain('ovs: hint: stop the cluster services on every pool server first (ovs services stop)');
    expect(r.host.readText(HB)).toBe(valid[HB]);
  });
});

describe('hb-create: a file at the path that is not a valid heartbeat (replayed ocfs2-tools 1.8.7 output)', () => {
  const cases: [string, string | Uint8Array, string][] = [
    ['zeros', new Uint8Array(MiB), `${HB} holds only zeros: it was zero-filled but never formatted (mkfs.ocfs2 did not run, or failed)`],
    ['an ext4 image', foreignImage('ext4'), `${HB} holds an ext4 file system, not OCFS2`],
    ['other data', new Uint8Array(MiB).fill(0xff), `${HB} holds data that is not an OCFS2 file system`],
    ['a truncated volume', volumeImage({ clusters: 76800 }), `${HB} is truncated: ${volumeImage({ clusters: 76800 }).length} bytes long but its OCFS2 volume spans 300 MiB`],
    ['an empty file', '', `${HB} is empty (0 bytes): its creation was interrupted or ran out of space`],
    ['a short file', 'short', `${HB} is only 5 bytes: too short to hold an OCFS2 volume`],
    ['the wrong label', volumeImage({ label: 'other' }), `${HB} is an OCFS2 heartbeat with label 'other' (expected 'server_pool_hb')`],
    ['the wrong slot count', volumeImage({ slots: 8 }), `${HB} is an OCFS2 heartbeat with 8 node slots (expected 16)`],
    ['the wrong block and cluster size', volumeImage({ blockSize: 4096, clusterSize: 8192 }), `${HB} is an OCFS2 heartbeat with block size 4096 (expected 2048), cluster size 8192 (expected 4096)`],
  ];
  for (const [what, content, problem] of cases) {
    it(`${what}: exit 78 naming the problem, file untouched`, async () => {
      const r = await runOvs(['hb-create'], pool({ files: { [HB]: content } }));
      expect(r.exit).toBe(78);
      expect(r.stderr).toBe(`ovs: hb-create: ${problem} (not a valid heartbeat file) while checking ${HB}\novs: hint: ovs hb-create --force replaces it (the old content is lost)\novs: nothing was changed\n`);
      // Buffer.compare: a deep equality of 1 MiB is slow.
      expect(Buffer.compare(Buffer.from(r.host.vol.readFileSync(HB) as Uint8Array), Buffer.from(content))).toBe(0);
    });
  }

  it('--force --yes replaces it and says what it replaced (--json)', async () => {
    const r = await runOvs(['--json', '--yes', 'hb-create', '--force'], pool({ files: { [HB]: foreignImage('ext4') } }));
    expect(r.exit).toBe(0);
    expect(r.json.result).toMatchObject({ created: true, replaced: true, previous: `${HB} holds an ext4 file system, not OCFS2` });
    expect(r.host.readText(HB)).toContain('A'.repeat(32));
  });

  it('a directory at the path: 78 even with --force', async () => {
    const r = await runOvs(['--yes', 'hb-create', '--force'], pool({ files: { [HB]: null } }));
    expect(r.exit).toBe(78);
    expect(r.stderr).toContain(`ovs: hb-create: ${HB} is a directory, not a heartbeat file while creating ${HB}`);
    expect(r.stderr).toContain('ovs: hint: move it away or give another path: ovs never replaces it, even with --force');
  });

  it('a symbolic link at the path: 78', async () => {
    const host = pool({ files: { '/srv/hb': volumeImage() } });
    const r = await runOvs(['hb-create'], { ...host, files: { ...host.files } });
    r.host.vol.symlinkSync('/srv/hb', '/OVS/link');
    const again = await runOvs(['hb-create', '/OVS/link'], r.host);
    expect(again.exit).toBe(78);
    expect(again.stderr).toContain('ovs: hb-create: /OVS/link is a symbolic link, not a heartbeat file');
  });
});

describe('hb-create: bad option values (65), nothing run', () => {
  const bad: [string[], string, string][] = [
    [['--size', 'abc'], "'abc' is not a size while reading --size", 'give a whole number of bytes with an optional unit k, M, G or T (1024-based): 512, 4k, 64M, 300M, 1G'],
    [['--size', '-5M'], "'-5M' is not a size while reading --size", 'give a whole number of bytes'],
    [['--size', '135M'], '135M is too small for 16 node slots: mkfs.ocfs2 needs at least 136M (a 8M journal per slot) while reading --size', 'give --size 136M or more, or fewer --slots'],
    [['--slots', '255'], '300M is too small for 255 node slots: mkfs.ocfs2 needs at least', 'give --size'],
    [['--slots', '0'], '0 node slots is out of range; mkfs.ocfs2 allows 1 to 255 while reading --slots', 'give --slots between 1 and 255 (the guide uses 16)'],
    [['--slots', '256'], '256 node slots is out of range; mkfs.ocfs2 allows 1 to 255 while reading --slots', 'give --slots between 1 and 255'],
    [['--slots', '0x10'], "'0x10' is not a whole number while reading --slots", 'give --slots as a decimal number, e.g. 16'],
    [['--slots', '16x'], "'16x' is not a whole number while reading --slots", 'give --slots as a decimal number'],
    [['--label', 'a'.repeat(64)], 'volume label is 64 bytes long; mkfs.ocfs2 allows at most 63 while reading --label', 'shorten --label to 63 bytes or less'],
    [['--label', 'é'.repeat(32)], 'volume label is 64 bytes long; mkfs.ocfs2 allows at most 63 while reading --label', 'shorten --label to 63 bytes or less (a non-ASCII character takes 2 to 4)'],
    [['--label', 'two\nlines'], 'volume label contains a control character while reading --label', 'use printable characters in --label'],
    [['--block-size', '8k'], 'block size 8k is not one of 512, 1k, 2k, 4k while reading --block-size', 'give --block-size as 512, 1k, 2k or 4k'],
    [['--block-size', '3k'], 'block size 3k is not one of 512, 1k, 2k, 4k while reading --block-size', 'give --block-size as 512, 1k, 2k or 4k'],
    [['--cluster-size', '2k'], 'cluster size 2k is not a power of two between 4k and 1M while reading --cluster-size', 'give --cluster-size as 4k, 8k, 16k ... 1M'],
    [['--cluster-size', '2M'], 'cluster size 2M is not a power of two between 4k and 1M while reading --cluster-size', 'give --cluster-size as 4k'],
    [['--cluster-size', '6k'], 'cluster size 6k is not a power of two between 4k and 1M while reading --cluster-size', 'give --cluster-size as 4k'],
    [['--block-size', '512', '--size', '64M'], 'mkfs.ocfs2 would give 64M with 512-byte blocks a 2M journal, below its 4M minimum; use a larger block size or size while reading --size', 'give --size'],
    [['relative/hb'], "heartbeat path 'relative/hb' is not absolute while reading PATH", 'give an absolute file path such as /OVS/.server_pool_hb'],
    [['/OVS/'], "heartbeat path '/OVS/' does not name a file while reading PATH", 'give an absolute file path'],
  ];
  for (const [args, message, hint] of bad) {
    it(`${args.join(' ').slice(0, 40)}: ${message.slice(0, 50)}`, async () => {
      const r = await runOvs(['hb-create', ...args], pool());
      expect(r.exit).toBe(65);
      const [line1, line2] = r.stderr.split('\n');
      expect(line1).toContain(`ovs: hb-create: ${message}`);
      expect(line2).toContain(`ovs: hint: ${hint}`);
      expect(r.host.calls).toEqual([]);
      expect(ovsDir(r)).toEqual([]);
    });
  }
});

describe('hb-create: preflight', () => {
  const without = (p: string) => DEFAULT_PROGRAMS.filter((x) => x !== p);

  it('mkfs.ocfs2 missing: 69, name the package', async () => {
    const r = await runOvs(['hb-create'], pool({ programs: without('mkfs.ocfs2') }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: hb-create: mkfs.ocfs2 is not installed while checking the programs the heartbeat file needs');
    expect(r.stderr).toContain('ovs: hint: install ocfs2-tools: apt-get install ocfs2-tools (Debian, Ubuntu), or yum install ocfs2-tools (Oracle VM Server, RHEL)');
    expect(r.host.calls).toEqual([]);
  });

  it('/sbin/modprobe missing: 69, install kmod (mkfs.ocfs2 1.8 forks a duplicate of itself without it)', async () => {
    const r = await runOvs(['hb-create'], pool({ programs: without('modprobe') }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: hb-create: /sbin/modprobe is not installed');
    expect(r.stderr).toContain('ovs: hint: install kmod or module-init-tools: apt-get install kmod (Debian, Ubuntu), or yum install module-init-tools (Oracle VM Server, RHEL; kmod on newer releases); without /sbin/modprobe mkfs.ocfs2 1.8 forks a duplicate of itself and fails');
  });

  it('debugfs.ocfs2 missing (needed to verify): 69', async () => {
    const r = await runOvs(['hb-create'], pool({ programs: without('debugfs.ocfs2') }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('debugfs.ocfs2 is not installed');
  });

  it('/OVS missing: 66, mount the cluster root first', async () => {
    const r = await runOvs(['hb-create'], { ...pool(), files: {} });
    expect(r.exit).toBe(66);
    expect(r.stderr).toContain('ovs: hb-create: /OVS does not exist while checking the directory of /OVS/.server_pool_hb');
    expect(r.stderr).toContain('ovs: hint: mount the NFS cluster root on /OVS first (ovs makerepo HOST:/EXPORT C "cluster root")');
    expect(r.host.calls).toEqual([]);
  });

  it('another directory missing, or not a directory: 66', async () => {
    const r = await runOvs(['hb-create', '/srv/none/hb'], pool());
    expect(r.exit).toBe(66);
    expect(r.stderr).toContain('ovs: hint: create /srv/none or give another path');
    const f = await runOvs(['hb-create', '/OVS/file/hb'], pool({ files: { '/OVS/file': 'x' } }));
    expect(f.exit).toBe(66);
    expect(f.stderr).toContain('/OVS/file is not a directory');
  });

  it('not enough free space: 74, nothing made', async () => {
    const r = await runOvs(['hb-create'], pool({ freeBytes: 200 * MiB }));
    expect(r.exit).toBe(74);
    expect(r.stderr).toContain('ovs: hb-create: not enough free space on /OVS: 300 MiB needed, 200 MiB free while checking the directory of /OVS/.server_pool_hb');
    expect(r.stderr).toContain('ovs: hint: free space on the cluster root, or give a smaller --size');
    expect(r.host.calls).toEqual([]);
  });

  it('replacing needs the whole size free too (the old file stays until the new one is verified)', async () => {
    const r = await runOvs(['--yes', 'hb-create', '--force'], pool({ files: { [HB]: volumeImage() }, freeBytes: 10 * MiB }));
    expect(r.exit).toBe(74);
    expect(r.stderr).toContain('300 MiB needed (the old file stays until the new one is verified), 10 MiB free');
  });
});

describe('hb-create: failures leave no temporary file and never touch an existing file', () => {
  const old = { [HB]: foreignImage('ext4') };
  const failing = (program: string, result: { exitCode: number; stdout?: string; stderr?: string }, write?: boolean): Expectation => ({
    argv: program === 'mkfs.ocfs2' ? [...MKFS_GUIDE, TMP] : ['fallocate', '-l', /\d+/, '--', TMP],
    respond: ({ argv }, host) => {
      if (write) host.vol.writeFileSync(argv[argv.length - 1] as string, volumeImage());
      return result;
    },
  });

  it('a failing mkfs.ocfs2 (stubbed): 69 with its message, temporary file removed, old file untouched', async () => {
    const stub = failing('mkfs.ocfs2', { exitCode: 1, stderr: 'mkfs.ocfs2 1.8.7\nmkfs.ocfs2: Discard device blocks: Inappropriate ioctl for device\nmkfs.ocfs2: Unable to find available bit while formatting journal "journal:0018"\n' });
    const r = await runOvs(['--yes', 'hb-create', '--force'], pool({ files: old, before: [stub] }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toMatch(/^ovs: hb-create: mkfs\.ocfs2 failed \(exit 1\): mkfs\.ocfs2: Unable to find available bit while formatting journal "journal:0018" while formatting \/OVS\/\.server_pool_hb\.ovs-[0-9a-f]{8}\.tmp$/m);
    expect(ovsDir(r)).toEqual(['.server_pool_hb']);
    expect(r.host.readText(HB)).toBe(old[HB]);
    expect(r.stderr).toMatch(/changes applied before the failure:[^]*remove/);
  });

  it('mkfs.ocfs2 1.8 without /sbin/modprobe (replayed docs/tools.md output): named, with the kmod hint', async () => {
    const stdout = `Cluster stack: classic o2cb\nLabel: server_pool_hb\nmkfs.ocfs2 successful\n\nCluster stack: classic o2cb\nOverwriting existing ocfs2 partition.\nWARNING: Cluster check disabled.\nProceed (y/N): Aborting operation.\n`;
    const r = await runOvs(['hb-create'], pool({ before: [failing('mkfs.ocfs2', { exitCode: 1, stdout, stderr: 'mkfs.ocfs2 1.8.7\n' }, true)] }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('mkfs.ocfs2 formatted the file but a duplicate of itself then failed (ocfs2-tools 1.8 without /sbin/modprobe)');
    expect(r.stderr).toContain('ovs: hint: install kmod (apt-get install kmod), then run the command again');
    expect(ovsDir(r)).toEqual([]);
  });

  it('verification finds another label than asked for: 69, removed', async () => {
    const liar: Expectation = { argv: [...MKFS_GUIDE, TMP], respond: ({ argv }, host) => (host.vol.writeFileSync(argv[13] as string, volumeImage({ label: 'wrong', slots: 4 })), { exitCode: 0 }) };
    const r = await runOvs(['hb-create'], pool({ before: [liar] }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toMatch(/the new volume has label 'wrong' instead of 'server_pool_hb', 4 node slots instead of 16 while verifying \/OVS\/\.server_pool_hb\.ovs-/);
    expect(ovsDir(r)).toEqual([]);
  });

  it('mkfs.ocfs2 says success but wrote nothing: 69, removed', async () => {
    const r = await runOvs(['hb-create'], pool({ before: [failing('mkfs.ocfs2', { exitCode: 0 })] }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('mkfs.ocfs2 reported success but the file holds no OCFS2 volume');
    expect(ovsDir(r)).toEqual([]);
  });

  it('fallocate out of space: 74, removed', async () => {
    const r = await runOvs(['hb-create'], pool({ before: [failing('fallocate', { exitCode: 1, stderr: 'fallocate: fallocate failed: No space left on device\n' }, true)] }));
    expect(r.exit).toBe(74);
    expect(r.stderr).toMatch(/ovs: hb-create: fallocate failed: fallocate: fallocate failed: No space left on device while allocating 314572800 bytes for /);
    expect(ovsDir(r)).toEqual([]);
  });

  it('dd failing in the fallback: 74 on a read-only file system', async () => {
    const ro: Expectation = { argv: ['dd', 'if=/dev/zero', /^of=/, 'bs=1M', /^count=/, 'iflag=count_bytes', 'conv=excl,fsync', 'status=progress'], result: { exitCode: 1, stderr: "dd: failed to open '/OVS/x': Read-only file system\n" } };
    const r = await runOvs(['hb-create'], pool({ programs: DEFAULT_PROGRAMS, before: [ro] }));
    expect(r.exit).toBe(74);
    expect(r.stderr).toContain("writing zeros failed: dd: failed to open '/OVS/x': Read-only file system");
    expect(ovsDir(r)).toEqual([]);
  });

  it('permission denied creating the file: 77', async () => {
    const r = await runOvs(['hb-create'], pool({ before: [failing('fallocate', { exitCode: 1, stderr: "fallocate: cannot open /OVS/x: Permission denied\n" })] }));
    expect(r.exit).toBe(77);
  });
});

describe('hb-create --dry-run', () => {
  it('plans the allocation, the zeros, mkfs, the verification and the rename; changes nothing', async () => {
    const r = await runOvs(['--dry-run', 'hb-create'], pool());
    expect(r.exit).toBe(0);
    expect(r.host.calls).toEqual([]);
    expect(ovsDir(r)).toEqual([]);
    expect(r.host.exists('/var/log/ovs/journal.log')).toBe(false);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe(`${HB}: would be created (300M, 16 node slots, label server_pool_hb, block 2048, cluster 4096)`);
    expect(out[1]).toBe('  after formatting, the volume is verified with:');
    expect(out[2]).toMatch(/^ {4}tunefs\.ocfs2 -Q '%U\\n%N\\n%T\\n%V' -- \/OVS\/\.server_pool_hb\.ovs-[0-9a-f]{8}\.tmp$/);
    expect(out[3]).toMatch(/^ {4}debugfs\.ocfs2 -R stats -- \/OVS\/\.server_pool_hb\.ovs-/);
    expect(out[4]).toBe('Plan (dry run: nothing was changed):');
    expect(out[5]).toMatch(/^ {2}run {6}fallocate -l 314572800 -- \/OVS\/\.server_pool_hb\.ovs-/);
    expect(out[6]).toMatch(/^ {2}run {6}dd if=\/dev\/zero of=\S+ bs=1M count=142606336 iflag=count_bytes conv=notrunc status=progress$/);
    expect(out[7]).toMatch(/^ {2}run {6}mkfs\.ocfs2 -L server_pool_hb -N 16 -b 2k -C 4k --force -x --nodiscard -- /);
    expect(out[8]).toMatch(/^ {2}rename {3}\/OVS\/\.server_pool_hb\.ovs-[0-9a-f]{8}\.tmp -> \/OVS\/\.server_pool_hb$/);
  });

  it('over an existing valid file: probes run for real, "already present"', async () => {
    const r = await runOvs(['--dry-run', 'hb-create'], pool({ files: { [HB]: volumeImage() } }));
    expect(r.exit).toBe(0);
    expect(r.stdout).toMatch(/already present[^]*Plan \(dry run\): nothing to change\./);
    expect(argvs(r).map((a) => a[0])).toEqual(['tunefs.ocfs2', 'debugfs.ocfs2']);
  });

  it('--force over a valid file: a replacement plan, no confirmation needed, the file untouched', async () => {
    const r = await runOvs(['--dry-run', 'hb-create', '--force'], pool({ files: { [HB]: volumeImage() } }));
    expect(r.exit).toBe(0);
    expect(r.stdout).toMatch(/would be replaced/);
    expect(r.host.readText(HB)).toBe(volumeImage());
  });
});
