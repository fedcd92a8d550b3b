/**
 * `ovs hb-latency` on real slow storage: an ext4 file system on a loop device, made slow for
 * one process group by the kernel's block-I/O throttling (a cgroup v1 blkio group with
 * blkio.throttle.write_bps_device, or cgroup v2 io.max): at 512 bytes/s every 4 KiB direct
 * write takes 8 s. The real ioping does the I/O. Threshold 7 makes the budget 12 s: the
 * throttled storage FAILs at its first I/O (8 s >= half the budget) without waiting for the
 * other samples; at 256 bytes/s one I/O (16 s) outlives the budget and ioping is stopped
 * while it is still in flight. The same storage unthrottled PASSes.
 * Namespace, cgroup and loop device are this test's own (prefix ovspred), removed by id.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { inNamespaces, scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

const TOOLS = ['ioping', 'losetup', 'mkfs.ext4', 'unshare', 'mount'];
const V1 = '/sys/fs/cgroup/blkio';
const V2 = '/sys/fs/cgroup';

interface Throttle {
  dir: string;
  set(bytesPerSecond: number): void;
}

/** A cgroup of this test's own that throttles direct writes to one device. */
function throttleGroup(name: string, majMin: string): Throttle {
  if (existsSync(join(V1, 'blkio.throttle.write_bps_device'))) {
    const dir = join(V1, name);
    mkdirSync(dir);
    return { dir, set: (bps) => writeFileSync(join(dir, 'blkio.throttle.write_bps_device'), `${majMin} ${bps}`) };
  }
  if (!readFileSync(join(V2, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('io')) throw new Error('no blkio (cgroup v1) or io (cgroup v2) controller');
  writeFileSync(join(V2, 'cgroup.subtree_control'), '+io');
  const dir = join(V2, name);
  mkdirSync(dir);
  return { dir, set: (bps) => writeFileSync(join(dir, 'io.max'), `${majMin} wbps=${bps}`) };
}

/** rmdir works once the group is empty: a stopped ioping leaves when its I/O returns (<= 16 s). */
function removeGroup(dir: string): void {
  const until = Date.now() + 30_000;
  while (readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim() !== '' && Date.now() < until) spawnSync('sleep', ['0.2']);
  rmdirSync(dir);
}

describeWithTools(TOOLS, 'hb-latency on a throttled loop device (real ioping, blkio cgroup)', () => {
  let scratch: ReturnType<typeof scratchDir>;
  let loop = '';
  let group: Throttle;
  const image = () => join(scratch.path, 'disk.img');
  const mnt = () => join(scratch.path, 'mnt');

  beforeAll(() => {
    scratch = scratchDir('ovspred-latency');
    writeFileSync(image(), '');
    truncateSync(image(), 32 * 1024 * 1024);
    loop = execFileSync('losetup', ['--find', '--show', image()], { encoding: 'utf8' }).trim();
    execFileSync('mkfs.ext4', ['-q', loop]);
    mkdirSync(mnt());
    const majMin = readFileSync(`/sys/block/${basename(loop)}/dev`, 'utf8').trim();
    group = throttleGroup(`ovspred-${process.pid}`, majMin);
  });

  afterAll(() => {
    if (group) removeGroup(group.dir);
    if (loop) execFileSync('losetup', ['-d', loop]);
    scratch?.remove();
  });

  /** ovs hb-latency on the loop device's file system, mounted in a private namespace, in the throttled group or not. */
  function hbLatency(args: string[], throttled: boolean) {
    const join = throttled ? `echo $$ > "${group.dir}/cgroup.procs" && ` : '';
    const started = Date.now();
    const r = inNamespaces(['bash', '-c', `mount "$1" "$2" && ${join}exec "$3" bin/ovs --json hb-latency "\${@:4}" "$2"`, 'hb', loop, mnt(), process.execPath, ...args], { timeoutMs: 120_000 });
    const json = JSON.parse(r.stdout) as { result: Record<string, unknown> };
    return { ...r, result: json.result, seconds: (Date.now() - started) / 1000 };
  }

  it('fast storage: PASS, every sample taken, the scratch file removed', () => {
    const r = hbLatency(['--count', '20', '--heartbeat-threshold', '7'], false);
    console.log(`hb-latency unthrottled loop device: ${JSON.stringify(r.result)} (${r.seconds} s)`);
    expect(r.exitCode).toBe(0);
    expect(r.result).toMatchObject({ verdict: 'PASS', budgetMs: 12_000, threshold: 7, samples: 20, io: 'write' });
    expect(r.result.maxMs as number).toBeLessThan(1200);
    expect(r.result.stoppedEarly).toBeUndefined();
    expect(readdirSync(mnt())).toEqual([]); // the file system is unmounted: nothing was left on the mount point itself
  });

  it('512 B/s (8 s per 4 KiB write): FAIL at the first sample, not after all ten', () => {
    group.set(512);
    const r = hbLatency(['--count', '10', '--heartbeat-threshold', '7'], true);
    console.log(`hb-latency at 512 B/s: ${JSON.stringify(r.result)} (${r.seconds} s)`);
    expect(r.exitCode).toBe(1);
    expect(r.result).toMatchObject({ verdict: 'FAIL', stoppedEarly: 'half-budget', samples: 1, requested: 10, budgetMs: 12_000 });
    expect(r.result.maxMs as number).toBeGreaterThan(6000);
    expect(r.result.maxMs as number).toBeLessThan(12_000);
  });

  it('256 B/s (16 s per write): the I/O in flight outlives the 12 s budget, ioping is stopped, FAIL', () => {
    group.set(256);
    const r = hbLatency(['--count', '10', '--heartbeat-threshold', '7'], true);
    console.log(`hb-latency at 256 B/s: ${JSON.stringify(r.result)} (${r.seconds} s)`);
    expect(r.exitCode).toBe(1);
    expect(r.result).toMatchObject({ verdict: 'FAIL', stoppedEarly: 'over-budget', samples: 0, percentOfBudget: 100 });
  });
});
