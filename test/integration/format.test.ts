/**
 * `ovs format` on REAL loop devices with the real mkfs.ocfs2, sfdisk, partx and blkid. The
 * ovs process runs in a private mount namespace with /run (its lock) and /var/log (its
 * journal) on scratch directories; mounts made for a test exist only in that namespace.
 * Images are sparse files under .scratch/; every loop device is detached at the end.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inNamespaces, scratchDir, type SandboxResult } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

const MiB = 2 ** 20;

function run(argv: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

/** `blkid -p -o export` as a record (TYPE, LABEL, UUID, PTTYPE ...); {} when nothing is found. */
function blkid(dev: string): Record<string, string> {
  const r = run(['blkid', '-p', '-o', 'export', '--', dev]);
  return Object.fromEntries(r.stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

// Binds the scratch run/ and var-log/ over /run and /var/log, optionally mounts $3 on $4, then runs ovs.
const SETUP = 'set -e; mount --bind "$1/run" /run; mount --bind "$1/var-log" /var/log; if [ -n "$2" ]; then mount "$2" "$3"; fi; shift 3; exec "$@"';

describeWithTools(['mkfs.ocfs2', 'tunefs.ocfs2', 'debugfs.ocfs2', 'blkid', 'blockdev', 'sfdisk', 'partx', 'losetup', 'mkfs.ext4', 'unshare'], 'format on real loop devices', () => {
  const scratch = scratchDir('format');
  const loops = new Set<string>();
  let images = 0;

  beforeAll(() => {
    mkdirSync(join(scratch.path, 'run', 'lock'), { recursive: true });
    mkdirSync(join(scratch.path, 'var-log'), { recursive: true });
    mkdirSync(join(scratch.path, 'mnt'), { recursive: true });
  });

  afterAll(() => {
    for (const dev of loops) detach(dev);
    const left = run(['losetup', '--list', '--noheadings', '--output', 'NAME,BACK-FILE']).stdout;
    expect(left).not.toContain(scratch.path);
    scratch.remove();
  });

  function detach(dev: string): void {
    run(['losetup', '--detach', dev]);
    loops.delete(dev);
  }

  /** A sparse image on a new loop device (partition scanning on request), detached after fn. */
  function withLoop(size: number, fn: (dev: string) => void, partscan = false): void {
    const dev = loop(size, partscan);
    try {
      fn(dev);
    } finally {
      detach(dev);
    }
  }

  function loop(size: number, partscan: boolean): string {
    const img = join(scratch.path, `disk${++images}.img`);
    writeFileSync(img, '');
    run(['truncate', '-s', String(size), img]);
    const r = run(['losetup', '--find', '--show', ...(partscan ? ['--partscan'] : []), img]);
    expect(r.status, r.stderr).toBe(0);
    const dev = r.stdout.trim();
    loops.add(dev);
    return dev;
  }

  function ovs(args: string[], mount?: [string, string]): SandboxResult {
    return inNamespaces(['bash', '-c', SETUP, 'setup', scratch.path, mount?.[0] ?? '', mount?.[1] ?? '', process.execPath, 'bin/ovs', ...args], { timeoutMs: 120_000 });
  }

  it("formats a loop device for real with the guide's values; label and UUID read back with blkid", () => {
    withLoop(1200 * MiB, (dev) => {
      const r = ovs(['--yes', '--json', 'format', '--label', 'mylabel', dev]);
      expect(r.exitCode, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout).result;
      expect(result).toMatchObject({ target: dev, label: 'mylabel', slots: 16, blockSize: 4096, clusterSize: 4096, journalSize: 64 * MiB, planned: false });
      const seen = blkid(dev);
      expect(seen).toMatchObject({ TYPE: 'ocfs2', LABEL: 'mylabel', BLOCK_SIZE: '4096' });
      expect(seen.UUID?.replace(/-/g, '').toUpperCase()).toBe(result.uuid);
      expect(run(['tunefs.ocfs2', '-Q', '%N %T', '--', dev]).stdout).toBe('16 4096');
    });
  });

  it('refuses a device holding ext4 without --force (nothing written), and formats it with --force', () => {
    withLoop(300 * MiB, (dev) => {
      expect(run(['mkfs.ext4', '-q', '-L', 'data', dev]).status).toBe(0);
      const refused = ovs(['--yes', 'format', '--slots', '4', '--journal-size', '8M', dev]);
      expect(refused.exitCode, refused.stderr).toBe(65);
      expect(refused.stderr).toContain(`ovs: format: ${dev} holds an ext4 file system labelled 'data' while checking ${dev}`);
      expect(refused.stderr).toContain('ovs: hint: if its data can go, add --force');
      expect(blkid(dev)).toMatchObject({ TYPE: 'ext4', LABEL: 'data' });
      const forced = ovs(['--yes', 'format', '--slots', '4', '--journal-size', '8M', '--label', 'fresh', '--force', dev]);
      expect(forced.exitCode, forced.stderr).toBe(0);
      expect(blkid(dev)).toMatchObject({ TYPE: 'ocfs2', LABEL: 'fresh' });
    });
  });

  it('refuses a mounted device, --force or not', () => {
    withLoop(64 * MiB, (dev) => {
      expect(run(['mkfs.ext4', '-q', dev]).status).toBe(0);
      const mnt = join(scratch.path, 'mnt');
      const r = ovs(['--yes', 'format', '--force', '--slots', '2', '--journal-size', '4M', dev], [dev, mnt]);
      expect(r.exitCode, r.stderr).toBe(65);
      expect(r.stderr).toContain(`ovs: format: ${dev} is in use: ${dev} is mounted on ${mnt}`);
      expect(blkid(dev).TYPE).toBe('ext4');
    });
  });

  it('--partition makes one partition spanning the disk (loop device with partition scanning) and formats it', () => {
    withLoop(400 * MiB, (dev) => {
      const r = ovs(['--yes', 'format', '--partition', '--slots', '4', '--journal-size', '8M', '--label', 'part1', dev]);
      expect(r.exitCode, r.stderr).toBe(0);
      const part = `${dev}p1`;
      expect(r.stdout).toContain(`partitioned ${dev}: one partition, ${part}, spanning the disk`);
      const table = run(['sfdisk', '--dump', dev]).stdout;
      expect(table).toContain('label: dos');
      expect(table.split('\n').filter((l) => l.startsWith('/dev/'))).toEqual([`${part} : start=        2048, size=      817152, type=83`]);
      expect(blkid(part)).toMatchObject({ TYPE: 'ocfs2', LABEL: 'part1' });
    }, true);
  });

  it('a bad label, slot count, block or cluster size is refused with 65 before mkfs runs: the device stays blank', () => {
    withLoop(64 * MiB, (dev) => {
      for (const [bad, option] of [
        [['--label', 'x'.repeat(64)], '--label'],
        [['--slots', '256'], '--slots'],
        [['--block-size', '3k'], '--block-size'],
        [['--cluster-size', '2k'], '--cluster-size'],
      ] as const) {
        const r = ovs(['--yes', 'format', ...bad, dev]);
        expect(r.exitCode, r.stderr).toBe(65);
        expect(r.stderr).toContain(`while reading ${option}`);
        expect(r.stderr).toContain('ovs: nothing was changed');
        expect(blkid(dev)).toEqual({});
      }
    });
  });

  it('a regular file is not a block device (65), a missing device is 66', () => {
    const file = join(scratch.path, 'plain.img');
    writeFileSync(file, '');
    const notBlock = ovs(['--yes', 'format', file]);
    expect(notBlock.exitCode).toBe(65);
    expect(notBlock.stderr).toContain(`${file} is not a block device (it is a regular file)`);
    const missing = ovs(['--yes', 'format', '/dev/ovs-no-such-disk']);
    expect(missing.exitCode).toBe(66);
    expect(missing.stderr).toContain('/dev/ovs-no-such-disk does not exist');
  });
});
