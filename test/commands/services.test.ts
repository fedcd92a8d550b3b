import { describe, expect, it } from 'vitest';

import { DEFAULT_PROGRAMS, type FakeService, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { runOvs } from '../helpers/run.js';

const ALL = ['o2cb', 'ocfs2', 'ovsrepositories', 'ovs-agent'];
const O2CB_ON = { '/etc/default/o2cb': 'O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=ocfs2\n' };

function pool(over: Record<string, FakeService> = {}, extra: MemoryHostOptions = {}): MemoryHostOptions {
  const services = Object.fromEntries(ALL.map((n) => [n, over[n] ?? {}]));
  return { services, ...extra, files: { ...O2CB_ON, ...extra.files } };
}

describe('services start / stop / restart', () => {
  it('starts in the guide order, each checked through its status before the next', async () => {
    const r = await runOvs(['services', 'start'], pool());
    expect(r.exit).toBe(0);
    // Each: is it running already? start it; is it running now?
    expect(r.host.serviceLog).toEqual(ALL.flatMap((n) => [`status ${n}`, `start ${n}`, `status ${n}`]));
    expect(r.host.calls[1]?.argv).toEqual(['service', 'o2cb', 'start']);
    expect(r.stdout).toBe('o2cb            started\nocfs2           started\novsrepositories started\novs-agent       started\n');
  });

  it('stops in reverse order', async () => {
    const running = { running: true };
    const r = await runOvs(['services', 'stop'], pool({ o2cb: running, ocfs2: running, ovsrepositories: running, 'ovs-agent': running }));
    expect(r.exit).toBe(0);
    expect(r.host.serviceLog).toEqual(['stop ovs-agent', 'stop ovsrepositories', 'stop ocfs2', 'stop o2cb']);
    expect(Object.values(r.host.services).every((s) => !s.running)).toBe(true);
  });

  it('restarts: everything down in reverse, then up in order', async () => {
    const r = await runOvs(['services', 'restart'], pool());
    expect(r.host.serviceLog.filter((l) => !l.startsWith('status'))).toEqual([
      'stop ovs-agent', 'stop ovsrepositories', 'stop ocfs2', 'stop o2cb', 'start o2cb', 'start ocfs2', 'start ovsrepositories', 'start ovs-agent',
    ]);
  });

  it('stops at the first failed start, saying what is up and what was not started (69)', async () => {
    const r = await runOvs(['--json', 'services', 'start'], pool({ ovsrepositories: { failStart: { stderr: 'mount: /OVS: cannot mount\n' } } }));
    expect(r.exit).toBe(69);
    expect(r.json.error.message).toBe(
      'ovsrepositories failed to start (exit 1: mount: /OVS: cannot mount) (running: o2cb, ocfs2; not started: ovs-agent) while starting the cluster services in order',
    );
    expect(r.host.serviceLog).toEqual(['status o2cb', 'start o2cb', 'status o2cb', 'status ocfs2', 'start ocfs2', 'status ocfs2', 'status ovsrepositories', 'start ovsrepositories']);
    expect(r.host.services['ovs-agent']?.running).toBeFalsy();
  });

  it('a start whose status then says stopped (3) is a failure', async () => {
    const stopped = { argv: ['service', 'ocfs2', 'status'], result: { exitCode: 3, stdout: 'ocfs2 is stopped\n' }, times: 2 };
    const r = await runOvs(['services', 'start'], pool({}, { expect: [stopped] }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: services: ocfs2 was started but its status says it is not running (status exit 3: ocfs2 is stopped) (running: o2cb; not started: ovsrepositories, ovs-agent)');
  });

  it("accepts a status that is neither 0 nor 3 after a good start, with a note (ocfs2's script answers 1 with nothing mounted)", async () => {
    const odd = { argv: ['service', 'ocfs2', 'status'], result: { exitCode: 1 }, times: 2 };
    const r = await runOvs(['services', 'start'], pool({}, { expect: [odd] }));
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('ocfs2           started (status answered exit 1, neither running (0) nor stopped (3); its start succeeded)');
    expect(r.host.serviceLog).toContain('start ovs-agent');
  });

  it('a repeat start starts nothing already running and reports changed: false', async () => {
    const up = { running: true };
    const files = { '/sys/kernel/config/cluster/ocfs2/node/ovs1/local': '1\n' };
    const r = await runOvs(['--json', 'services', 'start'], pool({ o2cb: up, ocfs2: up, ovsrepositories: up, 'ovs-agent': up }, { files }));
    expect(r.exit).toBe(0);
    expect(r.json).toMatchObject({ ok: true, changed: false, changes: [] });
    expect(r.json.result.steps.map((s: { outcome: string }) => s.outcome)).toEqual(['already running', 'already running', 'already running', 'already running']);
    expect(r.host.serviceLog.every((l) => l.startsWith('status'))).toBe(true);
    const half = await runOvs(['--json', 'services', 'start'], pool({ o2cb: up, ocfs2: up }, { files }));
    expect(half.json.changed).toBe(true);
    expect(half.host.serviceLog.filter((l) => l.startsWith('start'))).toEqual(['start ovsrepositories', 'start ovs-agent']);
  });

  it('o2cb answering running with its cluster offline is started, not skipped', async () => {
    const r = await runOvs(['services', 'start'], pool({ o2cb: { running: true } }, { files: { '/sys/kernel/config/cluster': null } }));
    expect(r.host.serviceLog.slice(0, 2)).toEqual(['status o2cb', 'start o2cb']);
  });

  it('reports and skips a service that is not installed', async () => {
    const r = await runOvs(['--json', 'services', 'start'], pool({ ovsrepositories: { installed: false } }));
    expect(r.exit).toBe(0);
    expect(r.json.result.steps.map((s: { name: string; outcome: string }) => `${s.name} ${s.outcome}`)).toEqual(['o2cb started', 'ocfs2 started', 'ovsrepositories not-installed', 'ovs-agent started']);
  });

  it('--strict makes a missing service an error before anything starts (69)', async () => {
    const r = await runOvs(['services', 'start', '--strict'], pool({ ovsrepositories: { installed: false }, 'ovs-agent': { installed: false } }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: services: services ovsrepositories, ovs-agent not installed (no /etc/init.d/ovsrepositories) while checking the cluster services (--strict)');
    expect(r.host.calls).toEqual([]);
  });

  it('a failed stop stops the sequence and names what is still up (69)', async () => {
    const busy = { argv: ['service', 'ocfs2', 'stop'], result: { exitCode: 1, stdout: 'Unmounting ocfs2 filesystems: Failed\n' } };
    const r = await runOvs(['services', 'stop'], pool({}, { expect: [busy] }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: services: ocfs2 failed to stop (exit 1: Unmounting ocfs2 filesystems: Failed) (stopped: ovs-agent, ovsrepositories; still up: ocfs2, o2cb) while stopping the cluster services in order');
    expect(r.host.serviceLog).toEqual(['stop ovs-agent', 'stop ovsrepositories']);
  });

  it('uses systemctl when systemd runs (/run/systemd/system)', async () => {
    const r = await runOvs(['services', 'start'], pool({}, { files: { '/run/systemd/system': null } }));
    expect(r.host.calls.slice(0, 3).map((c) => c.argv.join(' '))).toEqual(['systemctl is-active o2cb', 'systemctl start o2cb', 'systemctl is-active o2cb']);
  });

  it('o2cb disabled in its settings: started, with a note that no cluster is online', async () => {
    const r = await runOvs(['services', 'start'], pool({}, { files: { '/etc/default/o2cb': 'O2CB_ENABLED=false\n' } }));
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('o2cb            started (o2cb is disabled (O2CB_ENABLED=false in /etc/default/o2cb): its start did nothing and no O2CB cluster is online)');
  });

  it('o2cb started but its cluster missing from configfs is a failure (69)', async () => {
    const r = await runOvs(['services', 'start'], pool({}, { files: { '/sys/kernel/config/cluster': null } }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain("ovs: services: o2cb was started but the O2CB cluster 'ocfs2' is not online (not registered in configfs) (running: none; not started: ocfs2, ovsrepositories, ovs-agent)");
  });

  it('o2cb started and its cluster online in configfs: no note', async () => {
    const files = { '/sys/kernel/config/cluster/ocfs2/node/ovs1/local': '1\n' };
    const r = await runOvs(['services', 'start'], pool({}, { files }));
    expect(r.exit).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('o2cb            started');
  });

  it('--dry-run plans the actions in order and runs nothing', async () => {
    const r = await runOvs(['--dry-run', 'services', 'restart'], pool());
    expect(r.exit).toBe(0);
    expect(r.host.calls).toEqual([]);
    expect(r.stdout).toContain('ovs-agent       stop: planned');
    expect(r.stdout).toMatch(/service +stop ovs-agent[\s\S]*service +stop o2cb[\s\S]*service +start o2cb[\s\S]*service +start ovs-agent/);
  });

  it('under --root records each action as skipped (offline)', async () => {
    const files = Object.fromEntries(ALL.map((n) => [`/img/etc/init.d/${n}`, '#!/bin/sh\n']));
    const r = await runOvs(['--json', '--root', '/img', 'services', 'start'], { files });
    expect(r.exit).toBe(0);
    expect(r.json.result.steps.map((s: { outcome: string }) => s.outcome)).toEqual(Array(4).fill('skipped (offline)'));
    expect(r.host.calls).toEqual([]);
  });
});

describe('services --kill-heartbeat', () => {
  const dev = { '/dev/sdb1': '' };
  const progs = { programs: [...DEFAULT_PROGRAMS] };

  it("runs ocfs2_hb_ctl -K -d DEVICE ocfs2 first (the guide's heartbeat-error step)", async () => {
    const r = await runOvs(['services', 'restart', '--kill-heartbeat', '/dev/sdb1'], pool({}, { ...progs, files: dev, expect: [{ argv: ['ocfs2_hb_ctl', '-K', '-d', '/dev/sdb1', 'ocfs2'] }] }));
    expect(r.exit).toBe(0);
    expect(r.host.calls[0]?.argv).toEqual(['ocfs2_hb_ctl', '-K', '-d', '/dev/sdb1', 'ocfs2']);
    expect(r.stdout.split('\n')[0]).toBe('heartbeat       killed on /dev/sdb1');
  });

  it('a device that does not exist is 66, before anything runs', async () => {
    const r = await runOvs(['services', 'start', '--kill-heartbeat', '/dev/sdz9'], pool());
    expect(r.exit).toBe(66);
    expect(r.stderr).toContain('ovs: services: /dev/sdz9: no such device while preparing to stop the heartbeat on /dev/sdz9');
    expect(r.host.calls).toEqual([]);
  });

  it('ocfs2_hb_ctl missing is 69', async () => {
    const r = await runOvs(['services', 'start', '--kill-heartbeat', '/dev/sdb1'], pool({}, { files: dev, programs: ['service'] }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ocfs2_hb_ctl is not installed');
  });

  it('ocfs2_hb_ctl failing is 69 and nothing else is done (synthetic failure text)', async () => {
    const fail = { argv: ['ocfs2_hb_ctl', '-K', '-d', '/dev/sdb1', 'ocfs2'], result: { exitCode: 1, stderr: 'ocfs2_hb_ctl: synthetic failure\n' } };
    const r = await runOvs(['services', 'restart', '--kill-heartbeat', '/dev/sdb1'], pool({}, { files: dev, expect: [fail] }));
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ocfs2_hb_ctl -K -d /dev/sdb1 ocfs2 failed (exit 1): ocfs2_hb_ctl: synthetic failure');
    expect(r.host.serviceLog).toEqual([]);
  });

  it.each([
    [['services', 'status', '--kill-heartbeat', '/dev/sdb1'], 64, '--kill-heartbeat goes with start, stop or restart, not status'],
    [['services', 'start', '--kill-heartbeat', 'sdb1'], 65, "--kill-heartbeat 'sdb1' is not a device path"],
    [['services', 'reload'], 64, "ovs: services: unknown action 'reload' (one of: start, stop, restart, status, install)"],
  ])('%j is refused (%i)', async (argv, exit, message) => {
    const r = await runOvs(argv, pool());
    expect(r.exit).toBe(exit);
    expect(r.stderr).toContain(message);
    expect(r.host.calls).toEqual([]);
  });
});

describe('services status', () => {
  it('prints each state in order, and --json gives them as data', async () => {
    const opts = pool({ o2cb: { running: true }, ocfs2: { running: true }, 'ovs-agent': { installed: false } });
    const r = await runOvs(['services', 'status'], opts);
    expect(r.exit).toBe(3); // ovsrepositories is installed and not running
    expect(r.stdout).toBe('o2cb            running\nocfs2           running\novsrepositories stopped\novs-agent       not-installed\n');
    const j = await runOvs(['--json', 'services', 'status'], opts);
    expect(j.json.result.services).toEqual([
      { name: 'o2cb', state: 'running', exitCode: 0 },
      { name: 'ocfs2', state: 'running', exitCode: 0 },
      { name: 'ovsrepositories', state: 'stopped', exitCode: 3 },
      { name: 'ovs-agent', state: 'not-installed' },
    ]);
    expect(j.host.serviceLog.every((l) => l.startsWith('status'))).toBe(true);
  });

  it('exits 0 when every installed service runs (a missing one is not counted)', async () => {
    const up = { running: true };
    const r = await runOvs(['services', 'status'], pool({ o2cb: up, ocfs2: up, ovsrepositories: up, 'ovs-agent': { installed: false } }));
    expect(r.exit).toBe(0);
  });

  // /etc/init.d/o2cb status of ocfs2-tools 1.8.7 with O2CB_ENABLED=false: these lines, exit 0.
  const O2CB_OFFLINE = [
    'Driver for "configfs": Not loaded',
    'Driver for "ocfs2_dlmfs": Not loaded',
    'Checking O2CB cluster "ocfs2": Offline',
    "stat: cannot read file system information for '/dlm': No such file or directory",
    'Debug file system at /sys/kernel/debug: not mounted',
    '',
  ].join('\n');

  it('o2cb whose status exits 0 but says Offline is stopped, with the reason; exit 3 (replayed o2cb 1.8.7 status output)', async () => {
    const offline = { argv: ['service', 'o2cb', 'status'], result: { exitCode: 0, stdout: O2CB_OFFLINE } };
    const up = { running: true };
    const opts = pool({ ocfs2: up, ovsrepositories: up, 'ovs-agent': up }, { expect: [offline], files: { '/etc/default/o2cb': 'O2CB_ENABLED=false\nO2CB_BOOTCLUSTER=ocfs2\n' } });
    const r = await runOvs(['services', 'status'], opts);
    expect(r.exit).toBe(3);
    expect(r.stdout.split('\n')[0]).toBe('o2cb            stopped (Checking O2CB cluster "ocfs2": Offline; O2CB_ENABLED=false)');
    const j = await runOvs(['--json', 'services', 'status'], pool({ ocfs2: up, ovsrepositories: up, 'ovs-agent': up }, { expect: [offline] }));
    expect(j.exit).toBe(3);
    expect(j.json).toMatchObject({ ok: false, exit: 3, changed: false });
    expect(j.json.result.services[0]).toMatchObject({ name: 'o2cb', state: 'stopped', exitCode: 0, reason: 'Checking O2CB cluster "ocfs2": Offline' });
  });

  it('o2cb answering running while configfs lacks its cluster is stopped: the kernel decides', async () => {
    const up = { running: true };
    const opts = pool({ o2cb: up, ocfs2: up, ovsrepositories: up, 'ovs-agent': up }, { files: { '/sys/kernel/config/cluster': null } });
    const r = await runOvs(['services', 'status'], opts);
    expect(r.exit).toBe(3);
    expect(r.stdout.split('\n')[0]).toBe("o2cb            stopped (cluster 'ocfs2' is not registered in configfs with this host as a node)");
  });

  it('shows an odd status code as unknown, and --strict fails on a missing service', async () => {
    const r = await runOvs(['services', 'status'], pool({}, { expect: [{ argv: ['service', 'ocfs2', 'status'], result: { exitCode: 4 } }] }));
    expect(r.stdout).toContain('ocfs2           unknown (status exit 4)');
    const s = await runOvs(['services', 'status', '--strict'], pool({ 'ovs-agent': { installed: false } }));
    expect(s.exit).toBe(69);
  });

  it('under --root says unknown for what is installed (no live machine to ask)', async () => {
    const r = await runOvs(['--root', '/img', 'services', 'status'], { files: { '/img/etc/init.d/o2cb': '' } });
    expect(r.stdout).toBe('o2cb            unknown\nocfs2           not-installed\novsrepositories not-installed\novs-agent       not-installed\n');
  });
});

describe('services and the run lock', () => {
  it('starting ovsrepositories, whose init script runs `ovs repositories start` (which locks), does not deadlock', async () => {
    const { main } = await import('../../src/cli.js');
    const nested: number[] = [];
    const base = pool();
    const r = await runOvs(['--lock-timeout', '0', 'services', 'start'], {
      ...base,
      files: { ...(base.files ?? {}), '/etc/ovs/repositories': '# no repositories yet\n', '/proc/mounts': '' },
      expect: [
        {
          argv: ['service', 'ovsrepositories', 'start'],
          // The real init script: `ovs repositories start`, a second ovs run on the same machine.
          respond: async (_call, host) => {
            const exit = await main(['--lock-timeout', '0', 'repositories', 'start'], host);
            nested.push(exit);
            return { exitCode: exit === 0 ? 0 : 1 };
          },
        },
        { argv: ['service', 'ovsrepositories', 'status'], result: { exitCode: 3 } }, // before: stopped
        { argv: ['service', 'ovsrepositories', 'status'], result: { exitCode: 0 } }, // after the start
      ],
    });
    expect(nested).toEqual([0]);
    expect(r.exit, r.stderr).toBe(0);
    expect(r.host.err).not.toContain('another ovs run holds');
  });

  it('status answers while another run holds the lock', async () => {
    const lock = JSON.stringify({ pid: 999, command: 'ovs makerepo x C y', started: 'now' });
    const r = await runOvs(['--lock-timeout', '0', 'services', 'status'], { ...pool(), alivePids: [999], files: { ...(pool().files ?? {}), '/run/lock/ovs.lock': lock } });
    expect(r.stderr).not.toContain('another ovs run holds');
  });
});
