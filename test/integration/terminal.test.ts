/**
 * ovs on a real pseudo-terminal (util-linux `script`), the way a serial console, IPMI SOL or
 * a kickstart's `script` log sees it. A terminal that reports 0 columns once made the spinner
 * erase lines forever (360 MB in 10 minutes, SIGTERM never handled, the lock left behind):
 * here the output stays small, the run ends, and a SIGTERM ends it with 143 and its lock gone,
 * with and without a spinner. Every process started is stopped by its pid.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { OUTPUT_LIMIT, onPty } from '../helpers/pty.js';
import { scratchDir, lockPresent } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

describeWithTools(['script', 'stty', 'fallocate', 'dd', '/sbin/modprobe', 'tunefs.ocfs2', 'debugfs.ocfs2'], 'ovs on a real pseudo-terminal', () => {
  const scratch = scratchDir('i14term');
  afterAll(() => scratch.remove());

  function image(name: string): string {
    const root = join(scratch.path, name);
    mkdirSync(join(root, 'etc/init.d'), { recursive: true });
    mkdirSync(join(root, 'hb'), { recursive: true });
    for (const s of ['o2cb', 'ocfs2', 'ovsrepositories', 'ovs-agent']) writeFileSync(join(root, 'etc/init.d', s), '#!/bin/sh\n', { mode: 0o755 });
    return root;
  }

  it('0 columns: no spinner, plain step lines, bounded output, exit 0', async () => {
    const root = image('zero');
    const run = onPty(0, `--root ${root} services start`);
    const code = await run.exited;
    const out = run.output();
    expect(out.length).toBeLessThan(4096);
    expect(code, out).toBe(0);
    expect(out).toContain('ovs: starting o2cb');
    expect(out).not.toContain('\x1b[1A'); // no line erasing
  });

  it('80 columns: the spinner draws, and the run still ends with the same result', async () => {
    const root = image('wide');
    const run = onPty(80, `--root ${root} services start`);
    const code = await run.exited;
    const out = run.output();
    expect(code, out).toBe(0);
    expect(out).toContain('\x1b[1G'); // ora redrawing its line
    expect(out).toContain('ovs-agent       start: skipped (offline)');
  });

  it('TERM=dumb on a terminal: no spinner and no colour', async () => {
    const root = image('dumb');
    const run = onPty(80, `--root ${root} services start`, { env: { TERM: 'dumb' } });
    const code = await run.exited;
    const out = run.output();
    expect(code, out).toBe(0);
    expect(out).toContain('ovs: starting o2cb');
    expect(out).not.toContain('\x1b[');
  });

  for (const columns of [0, 80]) {
    it(`SIGTERM during hb-create on a ${columns}-column terminal: 143, interrupted, no temporary file, lock released`, async () => {
      const root = image(`term${columns}`);
      const bin = join(scratch.path, `bin${columns}`);
      const mark = join(scratch.path, `ovs${columns}.pid`);
      mkdirSync(bin);
      // A stand-in mkfs.ocfs2 that only waits, so the signal lands while it runs; it
      // records its parent, the ovs process, to be signalled by pid.
      writeFileSync(join(bin, 'mkfs.ocfs2'), `#!/bin/sh\necho $PPID > '${mark}'\nexec sleep 60\n`);
      chmodSync(join(bin, 'mkfs.ocfs2'), 0o755);
      const run = onPty(columns, `--yes --root ${root} hb-create /hb/.server_pool_hb`, { env: { PATH: `${bin}:${process.env.PATH}` } });
      for (let i = 0; i < 400 && !existsSync(mark); i++) await new Promise((r) => setTimeout(r, 50));
      if (!existsSync(mark)) run.stop();
      expect(existsSync(mark), run.output()).toBe(true);
      expect(lockPresent(root)).toBe(true);
      process.kill(Number(readFileSync(mark, 'utf8')), 'SIGTERM');
      const code = await run.exited;
      const out = run.output();
      expect(code, out).toBe(143);
      expect(out).toContain('ovs: hb-create: interrupted by SIGTERM: mkfs.ocfs2 failed (exit 143)');
      expect(out.length).toBeLessThan(OUTPUT_LIMIT);
      expect(readdirSync(join(root, 'hb'))).toEqual([]);
      expect(lockPresent(root)).toBe(false);
    });
  }
});
