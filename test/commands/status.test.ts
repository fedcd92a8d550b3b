/**
 * `ovs status` on the fixture servers (test/fixtures/servers): the healthy pool member is one
 * healthy screen (exit 0); each failure the guide describes is listed with its fix (exit 1),
 * or, when it stops the cluster, exit 3; --json carries the same report.
 */
import { describe, expect, it } from 'vitest';
import { FAILURES } from '../fixtures/servers/failures.js';
import { HEARTBEAT, MOUNT_POINT, ROOT_UUID, healthyServer, liveHost } from '../fixtures/servers/servers.js';
import { runOvs } from '../helpers/run.js';

describe('ovs status: the healthy pool member', () => {
  it('one screen: host, cluster, O2CB, repositories, heartbeat file, services, last run; exit 0', async () => {
    const h = liveHost(healthyServer());
    h.vol.mkdirSync('/etc/rc3.d', { recursive: true });
    h.vol.symlinkSync('../init.d/o2cb', '/etc/rc3.d/S24o2cb');
    const r = await runOvs(['status'], h);
    expect(r.stderr).toBe('');
    expect(r.exit).toBe(0);
    expect(r.stdout).toBe(
      [
        'Host: ovs1.example.com, node 0',
        'Cluster: ocfs2 (/etc/ocfs2/cluster.conf, 2 nodes)',
        '    0  ovs1.example.com  192.168.100.100:7777  (this host)',
        '    1  ovs2.example.com  192.168.100.101:7777',
        'O2CB: online; driver enabled (/etc/sysconfig/o2cb); o2cb starts at boot',
        '  timeouts: heartbeat threshold 31, idle 30000 ms, keepalive 2000 ms, reconnect 2000 ms',
        '  heartbeat regions active: none',
        'Repositories:',
        `  ${ROOT_UUID}  nfs    C  fileserver.example.com:/OVS  mounted`,
        `  /OVS -> ${MOUNT_POINT}`,
        `Heartbeat file: ${HEARTBEAT} is a valid heartbeat file (label server_pool_hb, 16 slots, block 2048, cluster 4096, uuid EDD4846F5C214A6E984EEFA24BE1D0BC); 167 bytes`,
        'Services: o2cb running, ocfs2 not-installed, ovsrepositories running, ovs-agent not-installed',
        'Last run: none journaled',
        '',
        'Status: healthy',
        '',
      ].join('\n'),
    );
    // Read-only: status probes, never a start or stop.
    expect(h.serviceLog).toEqual(['status o2cb', 'status o2cb', 'status ovsrepositories']);
  });

  it('--json: the same report in the common envelope, and the last run from the journal', async () => {
    const h = liveHost(healthyServer());
    h.vol.mkdirSync('/var/log/ovs', { recursive: true });
    h.vol.writeFileSync('/var/log/ovs/journal.log', '{"time":"2026-11-25T11:00:00.000Z","run":"20261125T110000Z-9","command":"ovs services start","kind":"service","argv":["service","o2cb","start"],"service":{"name":"o2cb","action":"start"},"exit":0,"result":"applied"}\n');
    const r = await runOvs(['--json', 'status'], h);
    expect(r.exit).toBe(0);
    expect(r.json).toMatchObject({ ok: true, command: 'status', exit: 0, changes: [] });
    expect(r.json.result).toMatchObject({
      health: 'healthy',
      host: { name: 'ovs1.example.com', nodeNumber: 0 },
      cluster: { name: 'ocfs2', nodes: [{ number: 0, thisHost: true }, { number: 1, thisHost: false }] },
      o2cb: { enabledAtBoot: true, serviceAtBoot: false, online: true, regions: [] },
      repositories: [{ uuid: ROOT_UUID, type: 'nfs', role: 'C', mounted: true }],
      ovsLink: { target: MOUNT_POINT, expected: MOUNT_POINT },
      lastRun: { run: '20261125T110000Z-9', status: 'ok', command: 'ovs services start' },
      attention: [],
    });
  });
});

describe('ovs status: heartbeat regions', () => {
  it('lists the regions active in configfs (each a directory under the cluster heartbeat)', async () => {
    const h = liveHost(healthyServer());
    h.vol.mkdirSync('/sys/kernel/config/cluster/ocfs2/heartbeat/5A1E0C3BB1D44E0E9E9B3F3C8D6A7F10', { recursive: true });
    const r = await runOvs(['status'], h);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('\n  heartbeat regions active: 5A1E0C3BB1D44E0E9E9B3F3C8D6A7F10\n');
  });
});

describe('ovs status: each failure the guide describes', () => {
  for (const f of FAILURES) {
    it(`${f.name}: listed with its fix`, async () => {
      const s = healthyServer();
      f.change(s);
      const r = await runOvs(['status'], liveHost(s));
      // Only a failure that leaves O2CB offline is "not running" (3); the rest need attention (1).
      const notRunning = f.id === 'o2cb.running';
      expect(r.stdout.includes('\nO2CB: OFFLINE;')).toBe(notRunning);
      expect(r.exit).toBe(notRunning ? 3 : 1);
      expect(r.stdout).toContain(`\nStatus: ${notRunning ? 'not running' : 'needs attention'} (`);
      const at = r.stdout.split('\n').findIndex((l) => l.startsWith(`  FAIL  ${f.id} `));
      expect(at).toBeGreaterThan(0);
      expect(r.stdout.split('\n')[at]?.replace(/^ {2}FAIL {2}\S+ +/, '')).toBe(f.message);
      expect(r.stdout.split('\n')[at + 1]).toBe(`        fix: ${f.hint}`);
    });
  }

  it('the O2CB cluster not online: exit 3, OFFLINE, and the fix', async () => {
    const s = healthyServer();
    for (const p of Object.keys(s.live.files)) if (p.startsWith('/sys/kernel/config/')) delete s.live.files[p];
    s.live.services = { ...s.live.services, o2cb: {} };
    const r = await runOvs(['status'], liveHost(s));
    expect(r.exit).toBe(3);
    expect(r.stdout).toContain('\nO2CB: OFFLINE; driver enabled (/etc/sysconfig/o2cb); o2cb does NOT start at boot\n');
    expect(r.stdout).toContain("\nStatus: not running (1 to fix)\n  FAIL  o2cb.running  the O2CB cluster 'ocfs2' is not online (o2cb is stopped)\n");
  });
});
