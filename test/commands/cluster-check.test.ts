/**
 * `ovs cluster-check` on the memory host: a healthy pool member passes every check; each
 * failure the guide describes (test/fixtures/servers/failures.ts) prints its FAIL line with
 * the exact fix on the next line, exits 1, and fails nothing else; --json carries the same.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/lib/checks/check.js';
import { FAILURES } from '../fixtures/servers/failures.js';
import { memoryHost } from '../../src/lib/doubles/memory-host.js';
import { foreignImage } from '../../src/lib/doubles/ocfs2-tools.js';
import { HEARTBEAT, MOUNT_POINT, ROOT_UUID, healthyServer, liveHost, type ServerFixture } from '../fixtures/servers/servers.js';
import { runOvs } from '../helpers/run.js';

function failing(checks: CheckResult[]): string[] {
  return checks.filter((c) => c.status === 'FAIL').map((c) => c.id);
}

/** The FAIL line for a check and the fix line right after it, as a terminal shows them. */
function failLines(stdout: string, id: string): [string, string] | undefined {
  const lines = stdout.split('\n');
  const i = lines.findIndex((l) => new RegExp(`^FAIL  ${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `).test(l));
  return i < 0 ? undefined : [lines[i] as string, lines[i + 1] as string];
}

describe('cluster-check on a healthy server', () => {
  it('passes every check and exits 0', async () => {
    const r = await runOvs(['cluster-check'], liveHost(healthyServer()));
    expect(r.exit).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const summary = lines.pop();
    expect(lines.length).toBeGreaterThan(20);
    for (const l of lines) expect(l).toMatch(/^PASS  \S+ +\S/);
    expect(summary).toBe(`${lines.length} passed, 0 warnings, 0 failed`);
    expect(r.stderr).toBe('');
  });

  it('--json: every check as {id, status, message, hint} plus a summary', async () => {
    const r = await runOvs(['--json', 'cluster-check'], liveHost(healthyServer()));
    expect(r.exit).toBe(0);
    expect(r.json.ok).toBe(true);
    const checks = r.json.result.checks as CheckResult[];
    for (const c of checks) expect(Object.keys(c).sort()).toEqual(['hint', 'id', 'message', 'status']);
    expect(checks.map((c) => c.id)).toContain('repositories.root-mounted');
    expect(r.json.result.summary).toEqual({ pass: checks.length, warn: 0, fail: 0, skip: 0 });
  });

  it('is read-only: no file, no journal, no change', async () => {
    const host = liveHost(healthyServer());
    const before = JSON.stringify(host.vol.toJSON());
    const r = await runOvs(['cluster-check'], host);
    expect(r.json).toBeUndefined();
    const after = host.vol.toJSON() as Record<string, unknown>;
    delete after['/run/lock'];
    expect(after).toEqual(JSON.parse(before));
  });
});

describe('cluster-check: each failure the guide describes', () => {
  for (const f of FAILURES) {
    it(`${f.name} -> FAIL ${f.id}`, async () => {
      const s: ServerFixture = healthyServer();
      f.change(s);
      const r = await runOvs(['cluster-check'], liveHost(s));
      expect(r.exit).toBe(1);
      const [line, fix] = failLines(r.stdout, f.id) ?? [];
      expect(line).toMatch(new RegExp(`^FAIL  ${f.id.replace(/\./g, '\\.')} +`));
      expect(line?.replace(/^FAIL  \S+ +/, '')).toBe(f.message);
      expect(fix).toBe(`      fix: ${f.hint}`);

      const j = await runOvs(['--json', 'cluster-check'], liveHost(s));
      expect(j.exit).toBe(1);
      const checks = j.json.result.checks as CheckResult[];
      expect(checks.find((c) => c.id === f.id)).toEqual({ id: f.id, status: 'FAIL', message: f.message, hint: f.hint });
      expect(failing(checks).sort()).toEqual([f.id, ...(f.alsoFails ?? [])].sort());
    });
  }
});

describe('cluster-check: warnings do not fail the run', () => {
  it('a pool member resolving to another address than cluster.conf gives is a WARN with a note', async () => {
    const s = healthyServer();
    s.files['/etc/hosts'] = (s.files['/etc/hosts'] as string).replace('192.168.100.101 ovs2', '10.0.0.2 ovs2');
    s.live.dns['ovs2.example.com'] = ['10.0.0.2'];
    const r = await runOvs(['cluster-check'], liveHost(s));
    expect(r.exit).toBe(0);
    expect(r.stdout).toMatch(/^WARN  names\.resolve:ovs2\.example\.com +'ovs2\.example\.com' resolves to 10\.0\.0\.2 \(\/etc\/hosts line 3\) but \/etc\/ocfs2\/cluster\.conf gives it 192\.168\.100\.101$/m);
    expect(r.stdout).toMatch(/^ {6}note: fine for a dedicated cluster network; otherwise correct the name service or the node's ip_address \(stanza at \/etc\/ocfs2\/cluster\.conf line 8\)$/m);
    expect(r.stdout).toMatch(/, 1 warning, 0 failed$/m);
  });

  it('the host name also on a loopback line further down is a WARN naming the line', async () => {
    const s = healthyServer();
    s.files['/etc/hosts'] = `${s.files['/etc/hosts'] as string}127.0.1.1 ovs1.example.com ovs1\n`;
    const r = await runOvs(['cluster-check'], liveHost(s));
    expect(r.exit).toBe(0);
    expect(r.stdout).toMatch(/^WARN  hostname\.address +'ovs1\.example\.com' resolves to 192\.168\.100\.100 \(\/etc\/hosts line 2\) but is also on the loopback line 4 of \/etc\/hosts$/m);
  });
});

/** The server's image under /img on the memory host, for --root. */
function imageHost(s: ServerFixture) {
  const files: Record<string, string | null> = {};
  for (const [p, c] of Object.entries(s.files)) files[`/img${p}`] = c;
  const host = memoryHost({ files, programs: [] });
  for (const [p, t] of Object.entries(s.links)) host.vol.symlinkSync(t, `/img${p}`);
  return host;
}

describe('cluster-check --root on an installed image (memory host)', () => {
  it('a healthy image: every check passes or is skipped (offline), exit 0', async () => {
    const r = await runOvs(['--root', '/img', '--json', 'cluster-check'], imageHost(healthyServer()));
    expect(r.exit).toBe(0);
    const checks = r.json.result.checks as CheckResult[];
    const notPass = checks.filter((c) => c.status !== 'PASS');
    expect(notPass.map((c) => c.id).sort()).toEqual(['heartbeat.file', 'heartbeat.latency', 'o2cb.running', 'o2net.reachable', 'repositories.no-local-ovs', 'repositories.root-mounted']);
    for (const c of notPass) expect(c).toMatchObject({ status: 'SKIP', message: expect.stringMatching(/^skipped \(offline\): /) });
    expect(r.host.calls).toEqual([]); // nothing run on the machine for an image
  });

  for (const f of FAILURES.filter((c) => c.offline)) {
    it(`${f.name} -> FAIL ${f.id}`, async () => {
      const s = healthyServer();
      f.change(s);
      const r = await runOvs(['--root', '/img', '--json', 'cluster-check'], imageHost(s));
      expect(r.exit).toBe(1);
      const checks = r.json.result.checks as CheckResult[];
      expect(checks.find((c) => c.id === f.id)).toMatchObject({ status: 'FAIL', message: f.message });
      // Offline some consequences are skipped instead (DNS is not asked under --root).
      for (const id of failing(checks)) expect([f.id, ...(f.alsoFails ?? [])]).toContain(id);
    });
  }
});

describe('cluster-check --master', () => {
  const mkfs = (calls: { argv: string[] }[]) => calls.filter((c) => c.argv[0] === 'mkfs.ocfs2');

  it('creates a missing NFS heartbeat file through the hb-create library, then checks it', async () => {
    const s = healthyServer();
    delete s.live.files[HEARTBEAT];
    const r = await runOvs(['cluster-check', '--master'], liveHost(s));
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain(`master: created the heartbeat file ${HEARTBEAT} (uuid 5A1E0C3BB1D44E0E9E9B3F3C8D6A7F10)`);
    expect(r.stdout).toMatch(new RegExp(`^PASS  heartbeat\\.file +${HEARTBEAT} is a valid heartbeat file \\(label server_pool_hb, 16 slots, block 2048, cluster 4096, uuid 5A1E0C3BB1D44E0E9E9B3F3C8D6A7F10\\)$`, 'm'));
    const [call] = mkfs(r.host.calls);
    expect(call?.argv.slice(0, 9)).toEqual(['mkfs.ocfs2', '-L', 'server_pool_hb', '-N', '16', '-b', '2k', '-C', '4k']);
    expect(r.host.exists(HEARTBEAT)).toBe(true);
  });

  it('leaves a valid heartbeat file alone', async () => {
    const r = await runOvs(['cluster-check', '--master'], liveHost(healthyServer()));
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain(`master: the heartbeat file ${HEARTBEAT} is already present`);
    expect(mkfs(r.host.calls)).toEqual([]);
  });

  it('never replaces a file that is not a valid heartbeat: the check fails with the fix', async () => {
    const s = healthyServer();
    s.live.files[HEARTBEAT] = foreignImage('ext4');
    const host = liveHost(s);
    const r = await runOvs(['cluster-check', '--master'], host);
    expect(r.exit).toBe(1);
    expect(r.stdout).toContain(`master: the heartbeat file was not created: ${HEARTBEAT} holds an ext4 file system, not OCFS2: cluster-check never replaces it (see heartbeat.file)`);
    expect(r.stdout).toMatch(/^FAIL  heartbeat\.file /m);
    expect(mkfs(r.host.calls)).toEqual([]);
    expect(host.readText(HEARTBEAT)).toBe(foreignImage('ext4'));
  });

  it('creates nothing when this host is not a node of cluster.conf', async () => {
    const s = healthyServer();
    delete s.live.files[HEARTBEAT];
    s.files['/etc/ocfs2/cluster.conf'] = (s.files['/etc/ocfs2/cluster.conf'] as string).replace(/ovs1\.example\.com/g, 'ovs9.example.com');
    const r = await runOvs(['cluster-check', '--master'], liveHost(s));
    expect(r.exit).toBe(1);
    expect(r.stdout).toContain('master: the heartbeat file was not created: this host is not a node of cluster.conf (see cluster-conf.this-host)');
    expect(r.stdout).toMatch(/^FAIL  cluster-conf\.this-host /m);
    expect(mkfs(r.host.calls)).toEqual([]);
  });

  it('needs no heartbeat file for an OCFS2 cluster root', async () => {
    const s = healthyServer();
    s.files['/etc/ovs/repositories'] = `${ROOT_UUID}  ocfs2  C     /dev/sdb1                      cluster root\n`;
    s.live.files['/proc/mounts'] = `/dev/sdb1 ${MOUNT_POINT} ocfs2 rw,relatime,_netdev,heartbeat=local 0 0\n`;
    const r = await runOvs(['cluster-check', '--master'], liveHost(s));
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('master: no heartbeat file to create: not needed: an OCFS2 cluster root heartbeats inside its own file system');
    expect(r.stdout).toMatch(/^PASS  heartbeat\.file +not needed: an OCFS2 cluster root heartbeats inside its own file system$/m);
  });

  it('--dry-run plans the heartbeat file and creates nothing', async () => {
    const s = healthyServer();
    delete s.live.files[HEARTBEAT];
    const host = liveHost(s);
    const r = await runOvs(['--dry-run', 'cluster-check', '--master'], host);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain(`master: would create the heartbeat file ${HEARTBEAT}`);
    expect(r.stdout).toMatch(new RegExp(`^PASS  heartbeat\\.file +${HEARTBEAT} would be created by cluster-check --master \\(dry run\\)$`, 'm'));
    expect(r.stdout).toMatch(/^ {2}run +mkfs\.ocfs2 -L server_pool_hb -N 16 /m);
    expect(host.exists(HEARTBEAT)).toBe(false);
  });

  it('under --root creates nothing: the NFS cluster root is mounted at boot', async () => {
    const r = await runOvs(['--root', '/img', 'cluster-check', '--master'], imageHost(healthyServer()));
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain("master: the heartbeat file was not created: offline: the NFS cluster root is mounted at boot; run ovs cluster-check --master on the running master");
  });
});

describe('cluster-check: an empty /OVS directory (the old fstab mount point)', () => {
  const withEmptyOvs = (): ServerFixture => {
    const s = healthyServer();
    delete s.links['/OVS'];
    s.files['/OVS'] = null;
    return s;
  };

  it('live: FAIL, ovsrepositories replaces it with the link', async () => {
    const r = await runOvs(['--json', 'cluster-check'], liveHost(withEmptyOvs()));
    expect(r.exit).toBe(1);
    expect((r.json.result.checks as CheckResult[]).find((c) => c.id === 'repositories.ovs-link')).toEqual({
      id: 'repositories.ovs-link',
      status: 'FAIL',
      message: `/OVS is an empty directory, not a link to the cluster root ${MOUNT_POINT}`,
      hint: 'ovs repositories start (replaces the empty directory with the link to the cluster root)',
    });
  });

  it('under --root: skipped, the service replaces it at boot', async () => {
    const r = await runOvs(['--root', '/img', '--json', 'cluster-check'], imageHost(withEmptyOvs()));
    expect(r.exit).toBe(0);
    expect((r.json.result.checks as CheckResult[]).find((c) => c.id === 'repositories.ovs-link')).toMatchObject({
      status: 'SKIP',
      message: 'skipped (offline): the empty /OVS directory is replaced by the link at boot',
    });
  });
});

describe('cluster-check: /etc/hosts lines the resolver ignores', () => {
  it('is a WARN naming the line', async () => {
    const s = healthyServer();
    s.files['/etc/hosts'] = `${s.files['/etc/hosts'] as string}192.168.100.300 ovs3.example.com ovs3\n`;
    const r = await runOvs(['cluster-check'], liveHost(s));
    expect(r.exit).toBe(0);
    expect(r.stdout).toMatch(/^WARN  hostname\.hosts-file +\/etc\/hosts line 4 is ignored: "192\.168\.100\.300" is not an IPv4 or IPv6 address; the resolver ignores this line$/m);
    expect(r.stdout).toMatch(/^ {6}note: correct or remove \/etc\/hosts line 4$/m);
  });
});

describe('cluster-check --alter-fstab --json', () => {
  it('result.fstab lists each move and the backup; result.checks follow', async () => {
    const s = healthyServer();
    s.files['/etc/fstab'] = `${s.files['/etc/fstab'] as string}/dev/sdc1 /OVS/local ext3 defaults 1 2\n`;
    const r = await runOvs(['--json', 'cluster-check', '--alter-fstab'], liveHost(s));
    expect(r.exit).toBe(0);
    expect(r.json.result.fstab).toEqual({
      dryRun: false,
      backup: expect.stringMatching(/^\/var\/lib\/ovs\/backups\/[^/]+\/etc\/fstab$/),
      moves: [
        {
          line: 8,
          mountPoint: '/OVS/local',
          uuid: expect.stringMatching(/^[0-9A-F]{32}$/),
          uuidFrom: 'new',
          type: 'ext3',
          role: 'L',
          source: '/dev/sdc1',
          description: 'moved from /etc/fstab (/OVS/local)',
          notes: [expect.stringMatching(/^it will be reachable as \/OVS\/[0-9A-F]{32} instead of \/OVS\/local$/)],
        },
      ],
    });
    expect(r.json.changes.map((c: { kind: string; path: string }) => `${c.kind} ${c.path}`)).toEqual(['write /etc/ovs/repositories', 'write /etc/fstab']);
  });
});

describe('cluster-check --master: a cluster root that is not shared', () => {
  it('gets no heartbeat file: the root-shared check says why', async () => {
    const s = healthyServer();
    delete s.live.files[HEARTBEAT];
    s.files['/etc/ovs/repositories'] = `${ROOT_UUID}  nfs    C     localhost:/OVS                 cluster root\n`;
    const r = await runOvs(['cluster-check', '--master'], liveHost(s));
    expect(r.exit).toBe(1);
    expect(r.stdout).toContain('master: the heartbeat file was not created: the cluster root is not shared storage (see repositories.root-shared)');
    expect(r.stdout).toMatch(/^FAIL  repositories\.root-shared /m);
    expect(r.host.calls.filter((c) => c.argv[0] === 'mkfs.ocfs2')).toEqual([]);
  });
});

describe('cluster-check and services status agree on O2CB', () => {
  const offlineCluster = (s: ServerFixture) => {
    for (const p of Object.keys(s.live.files)) if (p.startsWith('/sys/kernel/config/cluster/ocfs2/node/')) delete s.live.files[p];
  };

  it('o2cb answering running while its cluster is not in configfs: never "not online (o2cb is running)"', async () => {
    const s = healthyServer();
    offlineCluster(s);
    const check = await runOvs(['cluster-check'], liveHost(s));
    expect(failLines(check.stdout, 'o2cb.running')?.[0]).toMatch(/is not online \(cluster 'ocfs2' is not registered in configfs with this host as a node\)$/);
    expect(check.stdout).not.toContain('o2cb is running');
    const status = await runOvs(['services', 'status'], liveHost(s));
    expect(status.stdout.split('\n')[0]).toBe("o2cb            stopped (cluster 'ocfs2' is not registered in configfs with this host as a node)");
    expect(status.exit).toBe(3);
  });

  it('o2cb status exit 0 saying Offline: the same reason in both (replayed o2cb 1.8.7 status output)', async () => {
    const s = healthyServer();
    offlineCluster(s);
    const said = 'Driver for "configfs": Not loaded\nDriver for "ocfs2_dlmfs": Not loaded\nChecking O2CB cluster "ocfs2": Offline\n';
    s.live.expect = [...(s.live.expect ?? []), { argv: ['service', 'o2cb', 'status'], result: { exitCode: 0, stdout: said } }];
    const check = await runOvs(['cluster-check'], liveHost(s));
    expect(failLines(check.stdout, 'o2cb.running')?.[0]).toMatch(/is not online \(Checking O2CB cluster "ocfs2": Offline\)$/);
  });
});

describe('cluster-check columns', () => {
  it('stay aligned for ids longer than any built-in one (all-nodes ids carry a key and a host)', async () => {
    const { renderResults } = await import('../../src/lib/checks/check.js');
    const long = 'all-nodes.o2cb.O2CB_HEARTBEAT_THRESHOLD.ovs2.example.com';
    const lines = renderResults([
      { id: 'o2cb.running', status: 'PASS', message: 'online', hint: null },
      { id: long, status: 'FAIL', message: 'differs', hint: 'set it' },
    ] as CheckResult[]);
    expect(lines[0]?.indexOf('online')).toBe(lines[1]?.indexOf('differs'));
    expect(lines[1]).toBe(`FAIL  ${long}  differs`);
  });
});
