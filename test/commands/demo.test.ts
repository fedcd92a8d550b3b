import { describe, expect, it } from 'vitest';
import { runOvs } from '../helpers/run.js';

describe('ovs demo (the README first command)', () => {
  it("plans and applies the guide's NFS pool set-up on the in-memory sample server, every step succeeding", async () => {
    const r = await runOvs(['--json', 'demo']);
    expect(r.exit, r.stderr).toBe(0);
    const steps = r.json.result.steps as { command: string; exit: number; plan: string; error?: string }[];
    expect(steps.map((s) => s.command)).toEqual([
      'ovs cluster-check --alter-fstab',
      'ovs cluster-configure --node ovs1.example.com --node ovs2.example.com --node ovs3.example.com',
      'ovs makerepo fileserver.example.com:/OVS C "Cluster Root"',
      'ovs cluster-check --master',
      'ovs services start',
    ]);
    expect(steps.map((s) => s.error)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(steps[0]?.exit).toBe(1); // the checks before the pool exists fail, as expected there
    expect(steps[1]?.plan).toContain('+++ /etc/ocfs2/cluster.conf');
    expect(steps[2]?.plan).toMatch(/run {6}mkfs\.ocfs2 -L server_pool_hb -N 16 -b 2k -C 4k/);
    // the sample server has no ioping: the latency check warns that it was not measured
    // every other check passes: o2net.reachable to ovs2 and ovs3, repositories.service (the sample server has ovsrepositories) included
    expect(steps[3]?.plan).toContain('31 passed, 1 warning, 0 failed');
    expect(steps[3]?.plan).toContain('WARN  heartbeat.latency                 not measured: ioping is not installed');
    expect(steps[4]?.plan).toContain('service  start ovs-agent');
  });

  it('prints the plan of each step for a person, and changes nothing on the host it runs on', async () => {
    const r = await runOvs(['demo']);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('$ ovs --dry-run makerepo fileserver.example.com:/OVS C "Cluster Root"');
    expect(r.stdout).toContain('Done: the pool master is set up (in memory). Nothing on this machine was changed.');
    expect(r.host.vol.toJSON()).toEqual({});
    expect(r.host.calls).toEqual([]);
  });
});
