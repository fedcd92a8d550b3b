import { describe, expect, it } from 'vitest';
import { runOvs } from '../helpers/run.js';

const held = { '/run/lock/ovs.lock': JSON.stringify({ pid: 999, command: 'ovs makerepo x C y', started: 'earlier' }), '/etc/hosts': '127.0.0.1 localhost\n' };

describe('cluster-check and the run lock', () => {
  it('a plain check only reads: it runs while another ovs run holds the lock', async () => {
    const r = await runOvs(['--lock-timeout', '0', 'cluster-check'], { files: held, alivePids: [999] });
    expect(r.exit).toBe(1); // findings, not exit 75
    expect(r.stderr).not.toContain('waiting for /run/lock/ovs.lock');
  });

  it('--alter-fstab changes files: it waits for the lock like any change', async () => {
    const r = await runOvs(['--lock-timeout', '0', 'cluster-check', '--alter-fstab'], { files: held, alivePids: [999] });
    expect(r.exit).toBe(75);
    expect(r.stderr).toContain('another ovs run holds /run/lock/ovs.lock: pid 999 (ovs makerepo x C y)');
  });
});
