/**
 * SIGKILL of ovs in the middle of a real hb-create: the program it was running (fallocate,
 * dd, mkfs.ocfs2 ...) dies with it, and the next hb-create removes the killed run's
 * temporary file. To be sure the program was still running when ovs died, the test stops it
 * (SIGSTOP) first: a stopped orphan would stay forever, so "gone" can only come from the
 * parent-death signal. A live run's temporary file and an unrelated one stay. Real tools,
 * real processes, scratch image under --root.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { scratchDir, lockPresent } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';


/** 'R', 'S', 'T', 'Z' ... or undefined when the process is gone. */
function state(pid: number): string | undefined {
  try {
    return /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'latin1'))?.[1];
  } catch {
    return undefined;
  }
}
const gone = (pid: number) => state(pid) === undefined || state(pid) === 'Z';

function childrenOf(pid: number): { pid: number; comm: string }[] {
  try {
    const pids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(/\s+/).filter(Boolean).map(Number);
    return pids.map((p) => ({ pid: p, comm: (() => { try { return readFileSync(`/proc/${p}/comm`, 'latin1').trim(); } catch { return ''; } })() }));
  } catch {
    return [];
  }
}

const tick = () => new Promise((r) => setTimeout(r, 2));

/** Wait for a child of `ovs` running one of `wanted` (after setpriv's exec), stop it, return it. */
async function stopAChild(ovs: ChildProcess, wanted: readonly string[]): Promise<{ pid: number; comm: string } | undefined> {
  for (let i = 0; i < 5000 && ovs.exitCode === null; i++) {
    for (const c of childrenOf(ovs.pid as number)) {
      if (!wanted.includes(c.comm)) continue;
      try {
        process.kill(c.pid, 'SIGSTOP');
      } catch {
        continue; // finished in between
      }
      for (let j = 0; j < 500 && state(c.pid) !== 'T' && !gone(c.pid); j++) await tick();
      if (state(c.pid) === 'T') return c;
    }
    await tick();
  }
  return undefined;
}

describeWithTools(['setpriv', 'fallocate', 'dd', '/sbin/modprobe', 'mkfs.ocfs2', 'tunefs.ocfs2', 'debugfs.ocfs2'], 'programs die with a killed ovs', () => {
  const scratch = scratchDir('i11-orphans');
  const leftovers: number[] = [];
  afterAll(() => {
    for (const pid of leftovers) if (!gone(pid)) process.kill(pid, 'SIGKILL');
    scratch.remove();
  });

  it.each([['dd'], ['mkfs.ocfs2']])('SIGKILL while %s runs: the program is gone within a second, the next run removes the temporary file', async (program) => {
    const wanted = [program];
    const root = join(scratch.path, `img-${program}`);
    mkdirSync(join(root, 'hb'), { recursive: true });
    const ovs = spawn(process.execPath, ['bin/ovs', '--root', root, 'hb-create', '/hb/.server_pool_hb', '--size', '136M'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const closed = new Promise((r) => ovs.on('close', r));
    const child = await stopAChild(ovs, wanted);
    expect(child, 'no program of hb-create was caught running').toBeDefined();
    leftovers.push(child!.pid);
    expect(readdirSync(join(root, 'hb'))).toEqual([expect.stringMatching(/^\.server_pool_hb\.ovs-\d+-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}\.tmp$/)]);
    ovs.kill('SIGKILL');
    await closed;
    const t0 = Date.now();
    while (!gone(child!.pid) && Date.now() - t0 < 1000) await tick();
    expect(gone(child!.pid), `${child!.comm} (pid ${child!.pid}) outlived ovs`).toBe(true);

    // Beside it: a live run's file (this test's own pid, this boot, this machine) and an unrelated one.
    const id8 = (f: string) => readFileSync(f, 'latin1').replace(/-/g, '').slice(0, 8);
    const live = `.server_pool_hb.ovs-${process.pid}-${id8('/proc/sys/kernel/random/boot_id')}-${id8('/etc/machine-id')}-0badcafe.tmp`;
    writeFileSync(join(root, 'hb', live), 'live');
    writeFileSync(join(root, 'hb', '.server_pool_hb.ovs-notes.tmp'), 'mine');
    const again = spawnSync(process.execPath, ['bin/ovs', '--root', root, 'hb-create', '/hb/.server_pool_hb', '--size', '136M'], { encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    // Either the journal's recovery (the killed run's intent names the file) or the heartbeat
    // clean-up (the file's owner tag names a dead pid) takes it: both say so on stderr.
    expect(again.stderr).toMatch(new RegExp(`removed /hb/\\.server_pool_hb\\.ovs-${ovs.pid}-\\S+\\.tmp, left by an interrupted run|run \\S+ \\(ovs --root \\S+ hb-create [^)]*\\) was interrupted`));
    expect(readdirSync(join(root, 'hb')).sort()).toEqual(['.server_pool_hb', '.server_pool_hb.ovs-notes.tmp', live].sort());
    expect(lockPresent(root)).toBe(false);
  });
});
