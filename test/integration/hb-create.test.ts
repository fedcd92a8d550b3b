/**
 * `ovs hb-create` against the real mkfs.ocfs2 / tunefs.ocfs2 / debugfs.ocfs2 (ocfs2-tools
 * 1.8.7), fallocate, dd, blkid and cmp, in scratch directories under .scratch/. The result
 * is checked with the real tools, never with ovs's own parsers. Runs the built CLI
 * (`npm run build`, as the test command does). Most runs use --root so the lock and the
 * journal stay in the scratch directory; one runs on live paths, and every run has a private
 * /var/log, /var/lib and /run/lock, so none journals into the machine's own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, writeSync, readdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { minimumVolumeSize, type MkfsGeometry } from '../../src/lib/ocfs2/mkfs.js';
import { inNamespaces, scratchDir, withPrivateState } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

const MiB = 1024 * 1024;
const TOOLS = ['mkfs.ocfs2', 'tunefs.ocfs2', 'debugfs.ocfs2', 'fallocate', 'dd', 'blkid', 'cmp', 'mkfs.ext4', '/sbin/modprobe', 'unshare', 'mount'];

/** The built CLI; on live paths (no --root) with its own /var/log, /var/lib and /run/lock (withPrivateState). */
function ovs(args: string[], env: Record<string, string> = {}) {
  const [cmd = '', ...argv] = withPrivateState([process.execPath, 'bin/ovs', ...args]);
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env: { ...process.env, ...env }, input: '' });
  return { exit: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** label, slots, cluster size and UUID from the real tunefs.ocfs2; block size from the real debugfs.ocfs2. */
function realVolume(file: string) {
  const [label, slots, cluster, uuid] = execFileSync('tunefs.ocfs2', ['-Q', '%V\\n%N\\n%T\\n%U', file], { encoding: 'utf8' }).split('\n');
  const stats = execFileSync('debugfs.ocfs2', ['-R', 'stats', file], { encoding: 'utf8', env: { ...process.env, PAGER: '__none__' } });
  const bits = Number(/Block Size Bits: (\d+)/.exec(stats)?.[1]);
  return { label, slots: Number(slots), clusterSize: Number(cluster), blockSize: 2 ** bits, uuid };
}

/**
 * A file formatted by the real mkfs.ocfs2. Zeros written first: on this ext4 the direct
 * writes of mkfs into holes are several times slower than over written blocks.
 */
function realMkfs(file: string, size: number, args: string[]) {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(4 * MiB);
  for (let at = 0; at < size; at += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, size - at));
  closeSync(fd);
  execFileSync('mkfs.ocfs2', ['-q', '-x', '--nodiscard', ...args, '--', file], { stdio: ['ignore', 'ignore', 'pipe'] });
}

const HB = '/hb/.server_pool_hb';
const temps = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describeWithTools(TOOLS, 'ovs hb-create with the real ocfs2-tools', () => {
  const scratch = scratchDir('hb-create');
  afterAll(() => scratch.remove());
  const root = join(scratch.path, 'root');
  // Under --root a heartbeat file is never made on a repository (/OVS): these tests make it in
  // a plain directory of the image, /hb, with the same real tools.
  const ovsDir = join(root, 'hb');
  const hb = join(ovsDir, '.server_pool_hb');
  beforeAll(() => mkdirSync(ovsDir, { recursive: true }));

  describe('the guide heartbeat file: create, run again, --force', () => {
    let first: ReturnType<typeof realVolume>;

    it('creates it: label server_pool_hb, 16 slots, block 2048, cluster 4096, 300 MiB, fully allocated', () => {
      const r = ovs(['--root', root, 'hb-create', HB]);
      expect(r.stderr).not.toMatch(/hint|error/);
      expect(r.exit).toBe(0);
      first = realVolume(hb);
      expect(first).toMatchObject({ label: 'server_pool_hb', slots: 16, blockSize: 2048, clusterSize: 4096 });
      expect(r.stdout).toBe(`/hb/.server_pool_hb: created (300M, 16 node slots, label server_pool_hb, block 2048, cluster 4096, UUID ${first.uuid})\n`);
      const st = statSync(hb);
      expect(st.size).toBe(300 * MiB);
      expect(st.blocks * 512).toBeGreaterThanOrEqual(300 * MiB); // no hole anywhere
      expect(execFileSync('mounted.ocfs2', ['-d', hb], { encoding: 'utf8' })).toContain(`${first.uuid}  server_pool_hb`);
      expect(temps(ovsDir)).toEqual([]);
    });

    it('a second run is a no-op: already present, the same file', () => {
      const before = statSync(hb);
      const r = ovs(['--root', root, 'hb-create', HB]);
      expect(r.exit).toBe(0);
      expect(r.stdout).toBe(`/hb/.server_pool_hb: already present (a valid heartbeat file, UUID ${first.uuid}); nothing to do\n`);
      const after = statSync(hb);
      expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    });

    it('--force --yes makes a new volume (new UUID) in its place', () => {
      const r = ovs(['--root', root, '--yes', 'hb-create', '--force', HB]);
      expect(r.exit).toBe(0);
      const again = realVolume(hb);
      expect(again).toMatchObject({ label: 'server_pool_hb', slots: 16, blockSize: 2048, clusterSize: 4096 });
      expect(again.uuid).not.toBe(first.uuid);
      expect(r.stdout).toContain(`replaced (300M, 16 node slots, label server_pool_hb, block 2048, cluster 4096, UUID ${again.uuid})`);
      expect(temps(ovsDir)).toEqual([]);
    });

    it('a failing mkfs.ocfs2 (stubbed) leaves no temporary file and the existing file untouched', () => {
      const stubs = join(scratch.path, 'stubs');
      mkdirSync(stubs, { recursive: true });
      // A stand-in that scribbles on its target, then fails with the real 1.8.7 message (docs/tools.md).
      writeFileSync(join(stubs, 'mkfs.ocfs2'), '#!/bin/sh\nfor f; do :; done\necho garbage > "$f"\necho \'mkfs.ocfs2: Unable to find available bit while formatting journal "journal:0018"\' >&2\nexit 1\n');
      chmodSync(join(stubs, 'mkfs.ocfs2'), 0o755);
      const before = statSync(hb);
      const uuid = realVolume(hb).uuid;
      const r = ovs(['--root', root, '--yes', 'hb-create', '--force', HB], { PATH: `${stubs}:${process.env.PATH}` });
      expect(r.exit).toBe(69);
      expect(r.stderr).toMatch(/^ovs: hb-create: mkfs\.ocfs2 failed \(exit 1\): mkfs\.ocfs2: Unable to find available bit while formatting journal "journal:0018" while formatting \/hb\/\.server_pool_hb\.ovs-(?:\d+-[0-9a-f]{8}-[0-9a-f]{8}-)?[0-9a-f]{8}\.tmp$/m);
      expect(temps(ovsDir)).toEqual([]);
      expect(statSync(hb).ino).toBe(before.ino);
      expect(realVolume(hb).uuid).toBe(uuid);
    });
  });

  it('a path with blanks in the directory and the file name: created, verified, found valid on the second run', () => {
    // debugfs.ocfs2 splits its device name at blanks ("open <device>"): this failed with 69.
    // Not under /OVS: under --root a repository path is refused (nothing is mounted in an image).
    const dir = join(scratch.path, 'blanks', 'hb', 'pool one');
    mkdirSync(dir, { recursive: true });
    const r = ovs(['--root', join(scratch.path, 'blanks'), 'hb-create', '/hb/pool one/hb file', '--size', '140M']);
    expect(r.stderr).not.toMatch(/hint|error|debugfs/);
    expect(r.exit).toBe(0);
    // The real debugfs.ocfs2 below needs a blank-free name too.
    symlinkSync(join(dir, 'hb file'), join(scratch.path, 'hb-file-link'));
    const made = realVolume(join(scratch.path, 'hb-file-link'));
    expect(made).toMatchObject({ label: 'server_pool_hb', slots: 16, blockSize: 2048, clusterSize: 4096 });
    expect(r.stdout).toContain(`/hb/pool one/hb file: created (140M, 16 node slots, label server_pool_hb, block 2048, cluster 4096, UUID ${made.uuid})`);
    const again = ovs(['--root', join(scratch.path, 'blanks'), 'hb-create', '/hb/pool one/hb file', '--size', '140M']);
    expect(again.exit).toBe(0);
    expect(again.stdout).toContain('already present (a valid heartbeat file');
    expect(readdirSync(dir)).toEqual(['hb file']);
    expect(readdirSync('/tmp').filter((f) => f.startsWith(`ovs-debugfs-`))).toEqual([]);
  });

  it('a read-only directory: 74, nothing left behind', () => {
    const dir = join(scratch.path, 'ro', 'hb');
    mkdirSync(dir, { recursive: true });
    const rootRo = join(scratch.path, 'ro');
    const r = inNamespaces(['bash', '-c', 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && exec "$2" bin/ovs --root "$3" hb-create /hb/.server_pool_hb', 'ro', dir, process.execPath, rootRo]);
    expect(r.exitCode).toBe(74);
    expect(r.stderr).toMatch(/^ovs: hb-create: fallocate failed: fallocate: cannot open .*: Read-only file system while allocating 314572800 bytes for \/hb\/\.server_pool_hb\.ovs-(?:\d+-[0-9a-f]{8}-[0-9a-f]{8}-)?[0-9a-f]{8}\.tmp$/m);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('on live paths, with every option: the real tools read back what was asked for', () => {
    const dir = join(scratch.path, 'live');
    mkdirSync(dir);
    const file = join(dir, 'hb');
    const r = ovs(['hb-create', '--size', '136M', '--slots', '4', '--label=-x odd: label', '--block-size', '4k', '--cluster-size', '64k', file]);
    expect(r.stderr).not.toMatch(/hint|error/);
    expect(r.exit).toBe(0);
    expect(realVolume(file)).toMatchObject({ label: '-x odd: label', slots: 4, blockSize: 4096, clusterSize: 65536 });
    const st = statSync(file);
    expect(st.size).toBe(136 * MiB);
    expect(st.blocks * 512).toBeGreaterThanOrEqual(136 * MiB);
  });

  describe('a file at the path that is not a valid heartbeat: 78, named, untouched', () => {
    const cases: [string, (f: string) => void, RegExp][] = [
      ['zeros', (f) => (writeFileSync(f, ''), truncateSync(f, 300 * MiB)), /holds only zeros: it was zero-filled but never formatted/],
      ['an ext4 image', (f) => (writeFileSync(f, ''), truncateSync(f, 64 * MiB), execFileSync('mkfs.ext4', ['-q', '-F', f])), /holds an ext4 file system, not OCFS2/],
      ['a truncated heartbeat', (f) => (realMkfs(f, 300 * MiB, ['-L', 'server_pool_hb', '-N', '16', '-b', '2k', '-C', '4k']), truncateSync(f, 100 * MiB)), /is truncated: 100 MiB long but its OCFS2 volume spans 300 MiB/],
      ['8 slots', (f) => realMkfs(f, 300 * MiB, ['-L', 'server_pool_hb', '-N', '8', '-b', '2k', '-C', '4k']), /is an OCFS2 heartbeat with 8 node slots \(expected 16\)/],
      ['another label', (f) => realMkfs(f, 300 * MiB, ['-L', 'mylabel', '-N', '16', '-b', '2k', '-C', '4k']), /is an OCFS2 heartbeat with label 'mylabel' \(expected 'server_pool_hb'\)/],
    ];
    for (const [what, make, problem] of cases) {
      it(what, () => {
        const dir = join(scratch.path, `bad-${what.replace(/\W+/g, '-')}`, 'hb');
        mkdirSync(dir, { recursive: true });
        const file = join(dir, '.server_pool_hb');
        make(file);
        const before = statSync(file);
        const r = ovs(['--root', join(dir, '..'), 'hb-create', HB]);
        expect(r.exit).toBe(78);
        expect(r.stderr).toMatch(problem);
        expect(r.stderr).toContain('ovs: hint: ovs hb-create --force replaces it (the old content is lost)');
        expect([statSync(file).ino, statSync(file).mtimeMs, statSync(file).size]).toEqual([before.ino, before.mtimeMs, before.size]);
      });
    }
  });

  it('each bad option value: its exit code and message, nothing created', () => {
    const bad: [string[], string][] = [
      [['--slots', '256'], 'ovs: hb-create: 256 node slots is out of range; mkfs.ocfs2 allows 1 to 255 while reading --slots'],
      [['--label', 'a'.repeat(64)], 'ovs: hb-create: volume label is 64 bytes long; mkfs.ocfs2 allows at most 63 while reading --label'],
      [['--size', '135M'], 'ovs: hb-create: 135M is too small for 16 node slots: mkfs.ocfs2 needs at least 136M (a 8M journal per slot) while reading --size'],
      [['--block-size', '3k'], 'ovs: hb-create: block size 3k is not one of 512, 1k, 2k, 4k while reading --block-size'],
      [['--cluster-size', '2M'], 'ovs: hb-create: cluster size 2M is not a power of two between 4k and 1M while reading --cluster-size'],
      [['--size', 'lots'], "ovs: hb-create: 'lots' is not a size while reading --size"],
    ];
    const dir = join(scratch.path, 'bad-options', 'hb');
    mkdirSync(dir, { recursive: true });
    for (const [args, message] of bad) {
      const r = ovs(['--root', join(dir, '..'), 'hb-create', HB, ...args]);
      expect(r.exit, args.join(' ')).toBe(65);
      expect(r.stderr.split('\n')[0]).toBe(message);
      expect(r.stderr).toMatch(/^ovs: hint: /m);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--dry-run: the plan, nothing on disk', () => {
    const dir = join(scratch.path, 'dry', 'hb');
    mkdirSync(dir, { recursive: true });
    const r = ovs(['--root', join(dir, '..'), '--dry-run', 'hb-create', HB]);
    expect(r.exit).toBe(0);
    expect(r.stdout).toMatch(/would be created[^]*debugfs\.ocfs2 -R stats[^]*run {6}fallocate -l 314572800[^]*run {6}mkfs\.ocfs2 -L server_pool_hb -N 16 -b 2k -C 4k --force -x --nodiscard --[^]*rename {3}\/hb\/\.server_pool_hb\.ovs-(?:\d+-[0-9a-f]{8}-[0-9a-f]{8}-)?[0-9a-f]{8}\.tmp -> \/hb\/\.server_pool_hb/);
    expect(readdirSync(dir)).toEqual([]);
  });

  describe('the minimum sizes ovs allows are enough for the real mkfs.ocfs2', () => {
    const geometries: [number, number, number][] = [
      [16, 2048, 4096], [1, 2048, 4096], [8, 2048, 4096], [4, 1024, 4096], [4, 4096, 4096], [4, 4096, 1048576], [16, 2048, 65536], [1, 512, 4096],
    ];
    for (const [slots, blockSize, clusterSize] of geometries) {
      const g: MkfsGeometry = { label: 'x', slots, blockSize, clusterSize };
      it(`${slots} slots, block ${blockSize}, cluster ${clusterSize}: ${minimumVolumeSize(g) / MiB} MiB formats`, () => {
        const f = join(scratch.path, 'min.img');
        expect(() => realMkfs(f, minimumVolumeSize(g), ['-L', 'x', '-N', String(slots), '-b', String(blockSize), '-C', String(clusterSize)])).not.toThrow();
      });
    }

    it('and the real mkfs.ocfs2 does fail where ovs says the journals outgrow the volume (8 slots of 2k at 64M)', () => {
      const f = join(scratch.path, 'min.img');
      expect(() => realMkfs(f, 64 * MiB, ['-L', 'x', '-N', '8', '-b', '2048', '-C', '4096'])).toThrow(/Unable to find available bit/);
    });
  });
});
