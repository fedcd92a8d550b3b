/**
 * cluster-check's failure predictors on the memory host: heartbeat.latency (ioping replayed
 * from real runs) and o2net.reachable (each connection outcome). The healthy server passes
 * both (cluster-check.test.ts); here each way they fail, with its line and fix.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/lib/checks/check.js';
import { DEFAULT_PROGRAMS } from '../../src/lib/doubles/memory-host.js';
import { MOUNT_POINT, healthyServer, liveHost, type ServerFixture } from '../fixtures/servers/servers.js';
import { IOPING_RAW, iopingDouble } from '../helpers/ioping-double.js';
import { runOvs } from '../helpers/run.js';

/** The healthy server with ioping answering otherwise. */
function withIoping(answer: ReturnType<typeof iopingDouble>): ServerFixture {
  const s = healthyServer();
  s.live.tools = [answer, ...s.live.tools.filter((e) => e.argv[0] !== 'ioping')];
  return s;
}

async function check(s: ServerFixture, prefix: string): Promise<{ exit: number; checks: CheckResult[]; stdout: string }> {
  const r = await runOvs(['--json', 'cluster-check'], liveHost(s));
  const checks = (r.json.result.checks as CheckResult[]).filter((c) => c.id.startsWith(prefix));
  const human = await runOvs(['cluster-check'], liveHost(s));
  return { exit: r.exit, checks, stdout: human.stdout };
}

describe('cluster-check heartbeat.latency (replayed ioping 1.3 raw output)', () => {
  it('fast storage: PASS with the slowest of 5 direct writes against the 60 s budget', async () => {
    const { exit, checks } = await check(healthyServer(), 'heartbeat.latency');
    expect(exit).toBe(0);
    expect(checks).toEqual([{ id: 'heartbeat.latency', status: 'PASS', hint: null, message: `slowest write 15.9 ms = 0.03 % of the 60.00 s heartbeat budget (threshold 31) on ${MOUNT_POINT} (5 of 5 I/Os)` }]);
  });

  it('8 s writes: WARN (13 % of the budget) with what to do, exit 0', async () => {
    const { exit, checks, stdout } = await check(withIoping(iopingDouble(IOPING_RAW.throttled)), 'heartbeat.latency');
    expect(exit).toBe(0);
    expect(checks[0]).toMatchObject({ status: 'WARN', message: expect.stringMatching(/^slowest write 8\.02 s = 13\.36 % of the 60\.00 s heartbeat budget/) });
    expect(stdout).toMatch(/^ {6}note: move the heartbeat to faster or less loaded storage, or raise O2CB_HEARTBEAT_THRESHOLD on every server/m);
  });

  it('an I/O outliving the budget: FAIL, exit 1, stopped early', async () => {
    const stalled = { ...iopingDouble([]), result: { exitCode: 143, stdout: '', stopped: 'silence' as const } };
    const { exit, checks, stdout } = await check(withIoping(stalled), 'heartbeat.latency');
    expect(exit).toBe(1);
    expect(checks[0]).toMatchObject({ status: 'FAIL', message: `no I/O completed within the 60.00 s heartbeat budget (threshold 31) on ${MOUNT_POINT} (0 of 5 I/Os, stopped early)` });
    expect(stdout).toMatch(/^FAIL  heartbeat\.latency .*\n {6}fix: move the heartbeat to faster/m);
  });

  it('ioping not installed: WARN naming the package, nothing run', async () => {
    const s = healthyServer();
    s.live.programs = [...DEFAULT_PROGRAMS];
    const { exit, checks } = await check(s, 'heartbeat.latency');
    expect(exit).toBe(0);
    expect(checks[0]).toEqual({ id: 'heartbeat.latency', status: 'WARN', message: 'not measured: ioping is not installed', hint: 'apt-get install ioping (Debian, Ubuntu), or yum install ioping (Oracle VM Server, RHEL; from EPEL)' });
  });

  it('cluster root not mounted: SKIP (repositories.root-mounted already FAILs)', async () => {
    const s = healthyServer();
    s.live.files['/proc/mounts'] = 'proc /proc proc rw 0 0\n';
    const { checks } = await check(s, 'heartbeat.latency');
    expect(checks[0]).toMatchObject({ status: 'SKIP', message: expect.stringMatching(/^skipped: the NFS cluster root .* is not mounted/) });
  });
});

describe('cluster-check o2net.reachable', () => {
  const ovs2 = (outcome: 'open' | 'refused' | 'timeout' | 'unreachable'): ServerFixture => {
    const s = healthyServer();
    s.live.network = { '192.168.100.101:7777': outcome };
    return s;
  };

  it('a refused connection means the path is open: PASS', async () => {
    const { exit, checks } = await check(ovs2('refused'), 'o2net');
    expect(exit).toBe(0);
    expect(checks).toEqual([{ id: 'o2net.reachable:ovs2.example.com', status: 'PASS', hint: null, message: 'ovs2.example.com answers on 192.168.100.101:7777 (refused: o2cb not running there, but the network path is open)' }]);
  });

  it('no answer: FAIL naming the node, address and port, the firewall as the likely cause', async () => {
    const { exit, checks, stdout } = await check(ovs2('timeout'), 'o2net');
    expect(exit).toBe(1);
    expect(checks[0]).toMatchObject({ status: 'FAIL', message: 'o2net cannot reach ovs2.example.com at 192.168.100.101:7777: no answer within 3 s (a firewall dropping TCP port 7777, or the node is down)' });
    expect(stdout).toContain('      fix: allow TCP port 7777 between the pool servers on both sides (iptables -I INPUT -p tcp --dport 7777 -j ACCEPT) and check that ovs2.example.com is up');
  });

  it('no route: FAIL with routing as the cause', async () => {
    const { exit, checks } = await check(ovs2('unreachable'), 'o2net');
    expect(exit).toBe(1);
    expect(checks[0]).toMatchObject({ status: 'FAIL', message: 'o2net cannot reach ovs2.example.com at 192.168.100.101:7777: network unreachable (no route to 192.168.100.101)', hint: expect.stringMatching(/^check the interconnect link and routing to 192\.168\.100\.101 \(ip route get 192\.168\.100\.101\)/) });
  });
});
