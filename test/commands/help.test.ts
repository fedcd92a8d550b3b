/**
 * `ovs help <command>`: the command's options, the global ones, examples; defaults and
 * choices as an operator types them; an unknown command said, not a silent full help.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/index.js';
import { EXAMPLES } from '../../src/lib/help.js';
import { runOvs } from '../helpers/run.js';

describe('sub-command help', () => {
  it('every command: its options, the global options, and two or three examples', async () => {
    for (const { name } of COMMANDS) {
      const r = await runOvs(['help', name]);
      expect(r.exit, name).toBe(0);
      expect(r.stdout, name).toContain('\nGlobal Options:\n');
      expect(r.stdout, name).toMatch(/--root <dir> +operate on the system installed under DIR/);
      expect(r.stdout, name).toContain('\nExamples:\n');
      const examples = EXAMPLES[name] ?? [];
      expect(examples.length, name).toBeGreaterThanOrEqual(2);
      expect(examples.length, name).toBeLessThanOrEqual(3);
      for (const e of examples) expect(e.startsWith(`ovs ${name} `) || e === `ovs ${name}` || /^ovs --\S+( \S+)? /.test(e), e).toBe(true);
    }
  });

  it("every example is accepted by the command's parser (no unknown option, no extra argument)", async () => {
    const usage = /unknown option|too many arguments|missing required argument|argument missing|unknown command/;
    for (const [name, examples] of Object.entries(EXAMPLES)) {
      for (const e of examples) {
        // The shell's part: a comment, quotes, a redirection.
        const words = (e.replace(/\s+#.*$/, '').match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^(["'])(.*)\1$/, '$2'));
        const end = words.indexOf('>');
        const r = await runOvs(words.slice(1, end < 0 ? undefined : end));
        expect(r.stderr, `${name}: ${e}`).not.toMatch(usage);
      }
    }
  });

  it('defaults and choices print without quotes', async () => {
    const r = await runOvs(['help', 'cluster-check']);
    expect(r.stdout).toMatch(/\(default: 30\)/);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('(choices: never, warn, fail, default: fail)');
    expect(r.stdout).not.toMatch(/default: "/);
    const s = await runOvs(['services', '--help']);
    expect(s.stdout.replace(/\s+/g, ' ')).toContain('(choices: start, stop, restart, status, install)');
  });

  it('ovs help frob: unknown command (64), with the closest name when there is one', async () => {
    const r = await runOvs(['help', 'frob']);
    expect(r.exit).toBe(64);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual(["ovs: help: unknown command 'frob'", 'ovs: hint: ovs --help lists the commands']);
    const near = await runOvs(['help', 'servics']);
    expect(near.stderr).toContain("ovs: help: unknown command 'servics' (did you mean services?)");
    const json = await runOvs(['--json', 'help', 'frob']);
    expect(json.json).toMatchObject({ ok: false, command: 'help', exit: 64, error: { message: "unknown command 'frob'" } });
  });
});
