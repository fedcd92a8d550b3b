/**
 * ovs on a real pseudo-terminal (util-linux `script`), the way a serial console, IPMI SOL or
 * a kickstart's `script` log sees it. A terminal that reports 0 columns once made the spinner
 * erase lines forever (360 MB in 10 minutes, SIGTERM never handled, the lock left behind):
 * here the output stays small, the run ends, and a SIGTERM ends it with 143 and its lock gone,
 * with and without a spinner. Every process started is stopped by its pid.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { scratchDir, lockPresent } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

/** The CI variable must be unset for a spinner to be possible (`script` passes the environment on). */
function withoutCi(): Record<string, string> {
  const env = { ...process.env } as Record<string, string>;
  delete env.CI;
  return env;
}

/** Output kept at most (the broken spinner wrote megabytes a second). */
const OUTPUT_LIMIT = 64 * 1024;

interface PtyRun {
  pid: number;
  output: () => string;
  exited: Promise<number | null>;
  stop: () => void;
}

/** `script -qec "stty cols C rows R; exec node bin/ovs ARGS" /dev/null`: ovs on a pty of that size. */
function onPty(columns: number, args: string, env: Record<string, string> = {}): PtyRun {
  const command = `stty cols ${columns} rows ${columns ? 24 : 0}; exec node bin/ovs ${args}`;
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...withoutCi(), TERM: 'xterm', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const keep = (c: Buffer) => {
    if (out.length < OUTPUT_LIMIT) out += c.toString();
    else child.kill('SIGKILL'); // runaway output: stop it, the test then fails on the size
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  void exited.then(() => clearTimeout(timer));
  return { pid: child.pid as number, output: () => out, exited, stop: () => child.kill('SIGKILL') };
}


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
    const run = onPty(80, `--root ${root} services start`, { TERM: 'dumb' });
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
      const run = onPty(columns, `--yes --root ${root} hb-create /hb/.server_pool_hb`, { PATH: `${bin}:${process.env.PATH}` });
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
