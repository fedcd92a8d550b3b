/**
 * Ctrl-C or `kill` in the middle of a run: the program running then gets the signal, the
 * step fails, and the command takes back what it made. On the memory host the signal is
 * delivered from inside the scripted mkfs.ocfs2 (which then dies of it: exit 130).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAMS, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { ocfs2ToolsDouble } from '../../src/lib/doubles/ocfs2-tools.js';
import { runOvs } from '../helpers/run.js';

/** A server whose mkfs.ocfs2 receives SIGNAL while it runs, and dies of it (exit CODE). */
function signalDuringMkfs(signal: 'SIGINT' | 'SIGTERM', code: number): MemoryHostOptions {
  return {
    programs: [...DEFAULT_PROGRAMS, 'fallocate'],
    files: { '/OVS': null, '/proc/mounts': 'fileserver:/OVS /OVS nfs rw 0 0\n' },
    expect: [
      {
        argv: ['mkfs.ocfs2', /.*/, /.*/, /.*/, /.*/, /.*/, /.*/, /.*/, /.*/, /.*/, /.*/, /.*/, /.*/, /.*/],
        respond: (_call, host) => {
          host.interrupt(signal);
          return { exitCode: code, stdout: '', stderr: '' };
        },
      },
    ],
    tools: ocfs2ToolsDouble(),
  };
}

describe('an interrupted run', () => {
  it('hb-create interrupted during mkfs.ocfs2: no temporary file left, no heartbeat file, the interruption said', async () => {
    const r = await runOvs(['hb-create'], signalDuringMkfs('SIGINT', 130));
    expect(r.exit).toBe(130);
    expect(r.stderr).toContain('ovs: warning: interrupted by SIGINT: stopping; what this run made is taken back where it can be');
    expect(r.stderr).toMatch(/^ovs: hb-create: interrupted by SIGINT: mkfs\.ocfs2 failed \(exit 130\)/m);
    expect(r.stderr).toContain('ovs: hint: what the interrupted step made was taken back');
    expect(r.host.vol.readdirSync('/OVS')).toEqual([]);
  });

  it('--json: the one document says interrupted, exit 143 for SIGTERM, the clean-up done', async () => {
    const r = await runOvs(['--json', 'hb-create'], signalDuringMkfs('SIGTERM', 143));
    expect(r.exit).toBe(143);
    expect(r.json).toMatchObject({ ok: false, command: 'hb-create', exit: 143, error: { exit: 143 } });
    expect(r.json.error.message).toMatch(/^interrupted by SIGTERM: /);
    expect(r.json.warnings[0]).toMatch(/^interrupted by SIGTERM/);
    expect(r.host.vol.readdirSync('/OVS')).toEqual([]);
  });

  it('a signal during a step that then completes still ends with 130: the caller asked to stop', async () => {
    const host = (await import('../../src/lib/doubles/memory-host.js')).memoryHost({ files: { '/etc/hosts': '' } });
    const read = host.fs.readFile.bind(host.fs);
    let sent = false;
    host.fs.readFile = async (p) => {
      if (!sent && p === '/etc/hosts') {
        sent = true;
        host.interrupt('SIGINT');
      }
      return read(p);
    };
    const r = await runOvs(['cluster-check'], host);
    expect(sent).toBe(true);
    expect(r.exit).toBe(130);
    expect(r.stderr).toContain('ovs: cluster-check: interrupted by SIGINT after the last step: the run finished');
  });

  it('an interruption while waiting for the lock stops the wait: 143, nothing changed', async () => {
    const lock = JSON.stringify({ pid: 999, command: 'ovs makerepo x C y', started: 'now' });
    const host = (await import('../../src/lib/doubles/memory-host.js')).memoryHost({ files: { '/run/lock/ovs.lock': lock, '/etc/hosts': '' }, alivePids: [999] });
    // The memory host's sleep is instant: deliver the signal on the first wait.
    const sleep = host.sleep;
    host.sleep = async (ms) => {
      host.interrupt('SIGTERM');
      return sleep(ms);
    };
    const r = await runOvs(['--lock-timeout', '600', 'cluster-check', '--alter-fstab'], host);
    expect(r.exit).toBe(143);
    expect(r.stderr).toContain('ovs: cluster-check: interrupted by SIGTERM while waiting for the lock');
    expect(r.stderr).toContain('ovs: nothing was changed');
  });
});
