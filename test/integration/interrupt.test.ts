/**
 * `kill` (SIGTERM, which reaches ovs alone, not its process group) in the middle of a real
 * hb-create: ovs passes the signal on to the program it is running, the step fails, and the
 * half-made 300 MiB temporary file is removed. The mkfs.ocfs2 here is a stand-in that only
 * sleeps (first on PATH) so the signal lands while it runs; fallocate and dd are real.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { scratchDir, withPrivateState } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describeWithTools(['fallocate', 'dd', '/sbin/modprobe', 'tunefs.ocfs2', 'debugfs.ocfs2', 'unshare', 'mount'], 'interrupting a real run', () => {
  const scratch = scratchDir('interrupt');
  afterAll(() => scratch.remove());

  it('SIGTERM during mkfs.ocfs2: the program is stopped too and no temporary file is left', async () => {
    const bin = join(scratch.path, 'bin');
    const ovsDir = join(scratch.path, 'OVS');
    const mark = join(scratch.path, 'mkfs.pid');
    mkdirSync(bin);
    mkdirSync(ovsDir);
    writeFileSync(join(bin, 'mkfs.ocfs2'), `#!/bin/sh\necho $$ > '${mark}'\nexec sleep 60\n`);
    chmodSync(join(bin, 'mkfs.ocfs2'), 0o755);
    // A live run (no --root), journaling into a private /var/log, not the machine's.
    const [cmd = '', ...argv] = withPrivateState([process.execPath, 'bin/ovs', '--yes', 'hb-create', join(ovsDir, '.server_pool_hb')]);
    const child = spawn(cmd, argv, {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    for (let i = 0; i < 400 && !existsSync(mark); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(mark), stderr).toBe(true);
    const mkfsPid = Number(readFileSync(mark, 'utf8'));
    expect(readdirSync(ovsDir)).toHaveLength(1); // the temporary file, being formatted
    child.kill('SIGTERM');
    const code = await exited;
    expect(code, stderr).toBe(143);
    expect(stderr).toContain('ovs: warning: interrupted by SIGTERM');
    expect(stderr).toContain("ovs: hb-create: interrupted by SIGTERM: mkfs.ocfs2 failed (exit 143)");
    expect(readdirSync(ovsDir)).toEqual([]);
    expect(alive(mkfsPid)).toBe(false);
  });
});
