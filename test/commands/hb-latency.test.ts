/**
 * `ovs hb-latency` on the memory host, with ioping's per-request output replayed from real
 * runs (test/helpers/ioping-double.ts): the figures, the budget and its verdicts, the early
 * stop, the default target (the cluster root), and every input error with its exit code.
 * The real ioping on throttled storage is test/integration/hb-latency.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Expectation, MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { DEFAULT_PROGRAMS } from '../../src/lib/doubles/memory-host.js';
import { MOUNT_POINT, healthyServer, liveHost } from '../fixtures/servers/servers.js';
import { IOPING_RAW, iopingDouble } from '../helpers/ioping-double.js';
import { runOvs } from '../helpers/run.js';

const SCRATCH = /^\/srv\/hb\/\.ovs-hb-latency\.[0-9a-f]{8}$/;

/** ioping null: a run refused before it measures (ioping is not scripted, so running it would fail the run). */
function host(ioping: Expectation | null = iopingDouble(IOPING_RAW.fast), extra: Partial<MemoryHostOptions> = {}): MemoryHostOptions {
  return { files: { '/srv/hb': null, '/srv/file': 'data\n', '/dev/sdb': '' }, blockDevices: ['/dev/sdb'], programs: [...DEFAULT_PROGRAMS, 'ioping'], expect: ioping ? [ioping] : [], ...extra };
}

describe('hb-latency (replayed ioping 1.3 raw output)', () => {
  it('fast storage: every figure, the budget from the default threshold, PASS, exit 0, the scratch file removed', async () => {
    const r = await runOvs(['--json', 'hb-latency', '--count', '5', '/srv/hb'], host());
    expect(r.exit).toBe(0);
    expect(r.json.result).toMatchObject({
      target: '/srv/hb', io: 'write', threshold: 31, thresholdFrom: 'default', budgetMs: 60_000, requested: 5,
      samples: 5, minMs: 0.144, medianMs: 4.344, p99Ms: 15.862, maxMs: 15.862, samplesMs: [15.862, 0.165, 0.144, 4.344, 5.384],
      percentOfBudget: 0.03, verdict: 'PASS',
    });
    expect(r.json.result.stoppedEarly).toBeUndefined();
    const [call] = r.host.calls;
    expect(call?.argv.slice(0, -1)).toEqual(['ioping', '-D', '-WWW', '-c', '5', '-i', '0', '-a', '0', '-s', '4k', '-p', '1', '-q', '--']);
    expect(call?.argv.at(-1)).toMatch(SCRATCH);
    expect(r.host.vol.readdirSync('/srv/hb')).toEqual([]);
  });

  it('human report: target, budget, samples, min/median/p99/max and the verdict line', async () => {
    const r = await runOvs(['hb-latency', '--count', '5', '--heartbeat-threshold', '61', '/srv/hb'], host());
    expect(r.exit).toBe(0);
    expect(r.stdout).toMatch(/^target: {3}\/srv\/hb \(given; direct writes to the scratch file \/srv\/hb\/\.ovs-hb-latency\.[0-9a-f]{8}, removed\)$/m);
    expect(r.stdout).toContain('budget:   (61 - 1) x 2 s = 120.00 s (O2CB_HEARTBEAT_THRESHOLD 61 from --heartbeat-threshold)');
    expect(r.stdout).toContain('samples:  5 of 5: 15.9 ms, 0.165 ms, 0.144 ms, 4.3 ms, 5.4 ms');
    expect(r.stdout).toContain('latency:  min 0.144 ms, median 4.3 ms, p99 15.9 ms, max 15.9 ms');
    expect(r.stdout).toContain('PASS: slowest write 15.9 ms = 0.01 % of the 120.00 s heartbeat budget (threshold 61) on /srv/hb');
  });

  it('8 s writes against the default 60 s budget: WARN (13 %), exit 1, every sample taken', async () => {
    const r = await runOvs(['--json', 'hb-latency', '--count', '2', '/srv/hb'], host(iopingDouble(IOPING_RAW.throttled)));
    expect(r.exit).toBe(1);
    expect(r.json.result).toMatchObject({ verdict: 'WARN', samples: 2, maxMs: 8017.858, percentOfBudget: 13.36 });
  });

  it('8 s writes against a 12 s budget (threshold 7): FAIL at the first I/O, the rest not waited for', async () => {
    const r = await runOvs(['hb-latency', '--count', '10', '--heartbeat-threshold', '7', '/srv/hb'], host(iopingDouble(IOPING_RAW.throttled)));
    expect(r.exit).toBe(1);
    expect(r.stdout).toContain('samples:  1 of 10: 8.02 s');
    expect(r.stdout).toContain('stopped early: one I/O alone took half the budget or more');
    expect(r.stdout).toContain('FAIL: slowest write 8.02 s = 66.82 % of the 12.00 s heartbeat budget (threshold 7)');
  });

  it('an I/O still in flight after the whole budget: ioping stopped, FAIL at 100 %', async () => {
    const stalled = { ...iopingDouble([]), result: { exitCode: 143, stdout: '', stopped: 'silence' as const } };
    const r = await runOvs(['--json', 'hb-latency', '--heartbeat-threshold', '7', '/srv/hb'], host(stalled));
    expect(r.exit).toBe(1);
    expect(r.json.result).toMatchObject({ verdict: 'FAIL', stoppedEarly: 'over-budget', samples: 0, percentOfBudget: 100 });
    expect(r.host.vol.readdirSync('/srv/hb')).toEqual([]);
  });

  it('a block device is read, never written (no -WWW, no scratch file)', async () => {
    const r = await runOvs(['--json', 'hb-latency', '--count', '5', '/dev/sdb'], host(iopingDouble(IOPING_RAW.fast, { io: 'read' })));
    expect(r.exit).toBe(0);
    expect(r.json.result).toMatchObject({ io: 'read', target: '/dev/sdb' });
    expect(r.host.calls[0]?.argv).toEqual(['ioping', '-D', '-c', '5', '-i', '0', '-a', '0', '-s', '4k', '-p', '1', '-q', '--', '/dev/sdb']);
  });
});

describe('hb-latency: the default target is the cluster root', () => {
  it("NFS: the heartbeat file's directory, the threshold from the O2CB settings", async () => {
    const r = await runOvs(['--json', 'hb-latency', '--count', '5'], liveHost(healthyServer()));
    expect(r.exit).toBe(0);
    expect(r.json.result).toMatchObject({ target: MOUNT_POINT, io: 'write', threshold: 31, thresholdFrom: '/etc/sysconfig/o2cb' });
    expect(r.json.result.origin).toBe("the NFS cluster root fileserver.example.com:/OVS (heartbeat file's directory)");
  });

  it('NFS root not mounted: exit 66, nothing run', async () => {
    const s = healthyServer();
    s.live.files['/proc/mounts'] = 'proc /proc proc rw 0 0\n';
    const r = await runOvs(['hb-latency'], liveHost(s));
    expect(r.exit).toBe(66);
    expect(r.stderr).toContain(`ovs: hb-latency: the NFS cluster root fileserver.example.com:/OVS is not mounted on ${MOUNT_POINT} while choosing the storage to measure\novs: hint: mount it: ovs repositories start`);
    expect(r.host.calls).toEqual([]);
  });

  it('OCFS2 root: its mounted device, read only', async () => {
    const uuid = '0004FB0000050000A1B2C3D4E5F60718';
    const r = await runOvs(['--json', 'hb-latency', '--count', '5'], host(iopingDouble(IOPING_RAW.fast, { io: 'read' }), {
      files: { '/etc/ovs/repositories': `${uuid} ocfs2 C /dev/sdb cluster root\n`, '/proc/mounts': `/dev/sdb /var/ovs/mount/${uuid} ocfs2 rw 0 0\n`, '/dev/sdb': '' },
    }));
    expect(r.exit).toBe(0);
    expect(r.json.result).toMatchObject({ target: '/dev/sdb', io: 'read', origin: `the OCFS2 cluster root ${uuid} (its device, read only)` });
  });

  it('no cluster root registered: exit 78 with the way out', async () => {
    const r = await runOvs(['hb-latency'], host(null));
    expect(r.exit).toBe(78);
    expect(r.stderr).toContain('ovs: hb-latency: no cluster root in /etc/ovs/repositories while choosing the storage to measure\novs: hint: give the PATH to measure');
  });
});

describe('hb-latency: bad input and failures, each with its exit code and nothing left behind', () => {
  const cases: [string, string[], number, RegExp][] = [
    ['relative PATH', ['srv/hb'], 65, /PATH 'srv\/hb' is not absolute while reading PATH/],
    ['PATH missing', ['/srv/none'], 66, /\/srv\/none does not exist while choosing the storage to measure/],
    ['PATH an existing file (maybe a heartbeat region)', ['/srv/file'], 65, /\/srv\/file is not a directory or a block device \(ovs never writes into an existing file/],
    ['--count 0', ['--count', '0', '/srv/hb'], 65, /--count takes a whole number from 1 to 10000, not '0' while reading --count/],
    ['--heartbeat-threshold below the minimum', ['--heartbeat-threshold', '5', '/srv/hb'], 65, /--heartbeat-threshold 5 is below the minimum of 7/],
  ];
  for (const [name, args, exit, message] of cases) {
    it(`${name}: exit ${exit}`, async () => {
      const r = await runOvs(['hb-latency', ...args], host(null));
      expect(r.exit).toBe(exit);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^ovs: hint: /m);
      expect(r.host.calls).toEqual([]);
    });
  }

  it('under --root: refused, exit 64 (the storage of an image means nothing)', async () => {
    const r = await runOvs(['--root', '/img', 'hb-latency', '/srv/hb'], host(null, { files: { '/img': null, '/srv/hb': null } }));
    expect(r.exit).toBe(64);
    expect(r.stderr).toMatch(/^ovs: hb-latency: hb-latency needs the live machine and cannot run under --root \/img/);
  });

  it('ioping not installed: exit 69 with the package to install, scratch file removed', async () => {
    const r = await runOvs(['hb-latency', '/srv/hb'], host({ ...iopingDouble([]), result: { exitCode: 127, notFound: true, stderr: 'ioping: command not found\n' } }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: hb-latency: ioping is not installed while measuring the heartbeat latency\novs: hint: install ioping: apt-get install ioping (Debian, Ubuntu), or yum install ioping (Oracle VM Server, RHEL; from EPEL)');
    expect(r.host.vol.readdirSync('/srv/hb')).toEqual([]);
  });

  it('a device it may not open: exit 69 with the cause (replayed ioping 1.3 error, in a container)', async () => {
    const r = await runOvs(['hb-latency', '/dev/sdb'], host(iopingDouble([], { io: 'read', error: { exitCode: 2, stderr: 'ioping: failed to open "/dev/sdb": Operation not permitted\n' } })));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: hb-latency: ioping failed: ioping: failed to open "/dev/sdb": Operation not permitted while measuring the heartbeat latency\novs: hint: run ovs as root');
  });

  it('a file system refusing direct I/O: exit 69 with the last line of ioping and the likely cause', async () => {
    const r = await runOvs(['hb-latency', '/srv/hb'], host(iopingDouble([], { error: { exitCode: 2, stderr: 'ioping: failed to open "/srv/hb/x": Invalid argument\n' } })));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: hb-latency: ioping failed: ioping: failed to open "/srv/hb/x": Invalid argument while measuring the heartbeat latency\novs: hint: the file system refuses direct I/O (O_DIRECT)');
    expect(r.host.vol.readdirSync('/srv/hb')).toEqual([]);
  });
});
