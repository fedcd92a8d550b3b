/**
 * Live progress of hb-create with the real dd and mkfs.ocfs2, seen on a real pseudo-terminal
 * (`script`) and without one: on a terminal one self-rewriting line that never outgrows the
 * terminal, even when it is resized mid-run (to 0 columns too), and is cleared at the end;
 * with 0 columns, or on a pipe, plain whole lines, bounded, without a carriage return; --json
 * and --quiet draw nothing. Every process started is stopped by its pid.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { onPty, screenPieces, spinnerFrames } from '../helpers/pty.js';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

/** Long enough that the step's line must be cut on a 40-column terminal. */
const HB = '/hb/heartbeat-of-the-pool-with-a-rather-long-name.img';

/** Columns a piece of the screen takes (the spinner's braille dots and ✔ are one column each). */
const width = (piece: string) => [...piece].length;

/** Output lines as a pty delivers them (`\r\n`), with no bare carriage return left in between. */
function plainLines(out: string): string[] {
  expect(out.replace(/\r\n/g, '\n')).not.toContain('\r');
  expect(out).not.toContain('\x1b');
  return out.replace(/\r\n/g, '\n').split('\n').filter(Boolean);
}

/** Per step (`ovs: LABEL: detail`), how many progress lines it printed. */
function progressLinesPerStep(lines: string[]): number[] {
  const steps = lines.filter((l) => /^ovs: (writing zeros to|formatting) \S+$/.test(l)).map((l) => l.slice('ovs: '.length));
  return steps.map((label) => lines.filter((l) => l.startsWith(`ovs: ${label}: `)).length);
}

describeWithTools(['script', 'stty', 'fallocate', 'dd', 'mkfs.ocfs2', '/sbin/modprobe', 'tunefs.ocfs2', 'debugfs.ocfs2'], 'live progress of hb-create (real dd and mkfs.ocfs2)', () => {
  const scratch = scratchDir('i14prog');
  afterAll(() => scratch.remove());

  function image(name: string): string {
    const root = join(scratch.path, name);
    mkdirSync(join(root, 'hb'), { recursive: true });
    return root;
  }

  it('80 columns, resized to 40 mid-run: every frame fits the width of its moment, the figures show, the line is cleared at the end', async () => {
    const root = image('resize');
    const ttyFile = join(scratch.path, 'resize.tty');
    // 3 GiB: about 520 MiB of zeros and as much of journals, so the run outlasts the resize.
    const run = onPty(80, `--yes --root ${root} hb-create --size 3G ${HB}`, { ttyFile });
    await run.waitFor(/writing zeros to [^\x1b]*\x1b\[\?2026l/); // a whole frame drawn (its synchronized update ended)
    const before = run.output().length;
    run.resize(40);
    const code = await run.exited;
    const out = run.output();
    rmSync(join(root, HB), { force: true });
    expect(code, out).toBe(0);

    const early = spinnerFrames(out.slice(0, before));
    const late = spinnerFrames(out.slice(before));
    expect(early.length, out).toBeGreaterThan(0);
    for (const f of early) expect(width(f), f).toBeLessThanOrEqual(79);
    expect(early.some((f) => width(f) > 40), 'the 80-column frames use the width').toBe(true);
    // A frame or two may still be drawn before ovs handles SIGWINCH; from the first narrow
    // frame on, every frame fits the new width.
    const first = late.findIndex((f) => width(f) <= 39);
    expect(first, out).toBeGreaterThanOrEqual(0);
    expect(first, 'frames drawn at the old width after the resize').toBeLessThanOrEqual(6);
    for (const f of late.slice(0, first)) expect(width(f), f).toBeLessThanOrEqual(79);
    for (const f of late.slice(first)) expect(width(f), f).toBeLessThanOrEqual(39);
    expect(late.length - first, out).toBeGreaterThanOrEqual(3);

    // The figures: mkfs.ocfs2's stages, kept whole while the label is cut.
    expect(late.some((f) => /…: \S.* \(\d+\/11\)$/.test(f)), late.join('\n')).toBe(true);
    // Cleared at the end: the last frame drawn (each ends its synchronized update) is erased
    // before the line that follows it.
    const afterLast = out.slice(out.lastIndexOf('\x1b[?2026l') + '\x1b[?2026l'.length);
    expect(afterLast.startsWith('\x1b[1G\x1b[0K'), afterLast).toBe(true);
    expect(screenPieces(out).at(-1)).toMatch(/^\/hb\/heartbeat-of-the-pool-with-a-rather-long-name\.img: created \(3G, 16 node slots/);
  });

  it('resized to 0 columns mid-run (a console that stops reporting its width): the run ends, its output small, no frame past 79 columns', async () => {
    const root = image('to-zero');
    const ttyFile = join(scratch.path, 'to-zero.tty');
    const run = onPty(80, `--yes --root ${root} hb-create --size 1G ${HB}`, { ttyFile });
    await run.waitFor(/writing zeros to [^\x1b]*\x1b\[\?2026l/);
    run.resize(0);
    const code = await run.exited;
    const out = run.output();
    expect(code, out).toBe(0);
    expect(out.length).toBeLessThan(32 * 1024);
    for (const f of spinnerFrames(out)) expect(width(f), f).toBeLessThanOrEqual(79);
  });

  it('0 columns: plain lines, no carriage return, no escape sequence, at most ten progress lines a step', async () => {
    const root = image('zero');
    const run = onPty(0, `--yes --root ${root} hb-create ${HB}`);
    const code = await run.exited;
    const lines = plainLines(run.output());
    expect(code, run.output()).toBe(0);
    expect(lines).toContain(`ovs: writing zeros to ${HB}`);
    expect(lines).toContain(`ovs: formatting ${HB}`);
    for (const n of progressLinesPerStep(lines)) expect(n).toBeLessThanOrEqual(10);
  });

  it('on a pipe (a kickstart log): plain whole lines on stderr, bounded, no carriage return', () => {
    const root = image('pipe');
    const r = spawnSync('node', ['bin/ovs', '--yes', '--root', root, 'hb-create', '--size', '1G', HB], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = plainLines(r.stderr);
    for (const l of lines) expect(l).toMatch(/^ovs: /);
    expect(lines).toContain(`ovs: writing zeros to ${HB}`);
    const counts = progressLinesPerStep(lines);
    expect(counts).toHaveLength(2);
    for (const n of counts) expect(n).toBeLessThanOrEqual(10);
  });

  for (const flag of ['--json', '--quiet']) {
    it(`${flag} on an 80-column terminal: no spinner, no step, no progress`, async () => {
      const root = image(flag.slice(2));
      const run = onPty(80, `${flag} --yes --root ${root} hb-create ${HB}`);
      const code = await run.exited;
      const out = run.output();
      expect(code, out).toBe(0);
      expect(spinnerFrames(out)).toEqual([]);
      expect(out).not.toContain('writing zeros');
      expect(out).not.toContain('\x1b[1G');
      if (flag === '--json') expect(JSON.parse(out).changed).toBe(true);
      else expect(out.trim()).toMatch(/^\/hb\/heartbeat-of-the-pool-with-a-rather-long-name\.img: created/);
    });
  }
});
