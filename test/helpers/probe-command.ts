/**
 * A small command used only by the foundation's tests: it writes a file, makes a
 * directory and a link, runs a program and starts a service — one of each kind of change —
 * so the global behaviour (dry run, --root, --json, the lock, failure reports) is tested
 * without depending on any real command.
 */
import { COMMANDS } from '../../src/commands/index.js';
import type { MemoryHost, MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { runOvs, type Outcome } from './run.js';
import { defineCommand } from '../../src/lib/command.js';
import { EXIT, OvsError } from '../../src/lib/errors.js';

export const probeCommand = defineCommand({
  name: 'probe-changes',
  summary: 'test only: one change of each kind',
  define: (cmd) => cmd.argument('<content>').option('--fail-after-write', 'fail after the first change'),
  options: (args, flags) => {
    if (args[0] === 'bad') throw new OvsError(EXIT.DATAERR, `'bad' is not valid content`, { hint: 'use anything else' });
    return { content: args[0] as string, failAfterWrite: Boolean(flags.failAfterWrite) };
  },
  async run(ctx, o) {
    const wrote = await ctx.changes.writeFile('/etc/probe/probe.conf', `${o.content}\n`);
    if (o.failAfterWrite) throw new OvsError(EXIT.UNAVAILABLE, 'the probe failed on purpose', { while: 'probing', hint: 'it always does' });
    await ctx.changes.mkdir('/var/probe/dir');
    await ctx.changes.symlink('/var/probe/dir', '/PROBE');
    const r = await ctx.changes.run(['probe-tool', '--apply', o.content]);
    await ctx.changes.run(['service', 'probe', 'start'], { service: { name: 'probe', action: 'start' } });
    return { wrote, planned: Boolean(r.planned) };
  },
  human: (r) => [r.wrote ? 'probe: written' : 'probe: unchanged'],
});

/** The shipped registry and the probe: the shipped one is never changed (tests share it). */
export const WITH_PROBE = [...COMMANDS, { name: probeCommand.name, summary: probeCommand.summary, load: async () => probeCommand }];

/** runOvs with the probe command known. */
export const runProbe = (argv: string[], hostOrOptions: MemoryHost | MemoryHostOptions = {}): Promise<Outcome> => runOvs(argv, hostOrOptions, WITH_PROBE);
