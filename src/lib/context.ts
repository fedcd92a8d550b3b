/**
 * A run's context (what `run(ctx, options)` gets): made here for cli.ts and for testContext()
 * (src/lib/doubles/test-context.ts), so a test of a lib module gets the real one.
 */
import { posix } from 'node:path';
import { Changes, type GeneratedValue } from './changes.js';
import type { Context, GlobalOptions, Program } from './command.js';
import { EXIT, OvsError } from './errors.js';
import type { Host } from './host.js';
import type { Reporter } from './output.js';
import { OverlayFs } from './overlay-fs.js';
import { RootedFs } from './paths.js';
import { quoteArg } from './render.js';
import { isoUtc } from './time.js';

function runId(host: Host): string {
  return `${isoUtc(host.now(), false).replace(/[-:]/g, '')}-${host.pid}`;
}

export interface ContextParts {
  program: Program;
  host: Host;
  global: GlobalOptions;
  /** The command's name, for messages. */
  command: string;
  report: Reporter;
  /** The run's arguments (journaled as its command line). */
  argv: readonly string[];
  /** The boot the run belongs to (journaled; recovery tells a run of another boot by it). */
  boot: string | undefined;
  /** Generated values to use again (`ovs apply`). */
  replay?: readonly GeneratedValue[];
}

/** The context of one run: the --root view, the --dry-run overlay, the changes path, confirmations. */
export function makeContext({ program, host, global: g, command, report, argv, boot, replay }: ContextParts): Context {
  const rooted = g.root === '/' ? undefined : new RootedFs(host.fs, g.root);
  const system = rooted ?? host.fs;
  const fs = g.dryRun ? new OverlayFs(system) : system;
  const offline = g.root !== '/';
  const user = host.env.SUDO_USER ?? host.env.USER ?? host.env.LOGNAME;
  const changes = new Changes({ host, fs, dryRun: g.dryRun, offline, runId: runId(host), commandLine: ['ovs', ...argv].map(quoteArg).join(' '), report, boot, user, ...(replay ? { replay } : {}) });
  const hostPath = async (p: string) => (rooted ? rooted.resolve(p) : posix.normalize(p));
  return {
    host,
    fs,
    changes,
    global: g,
    offline,
    report,
    command,
    program,
    hostPath,
    // A dry run plans the directory in the overlay, where there is nothing to hold.
    hostDir: async (p) => (g.dryRun ? undefined : await rooted?.pinDir(p)) ?? { path: await hostPath(p), release: async () => {} },
    probe(a, opts) {
      report.debug(`probe: ${a.map(quoteArg).join(' ')}`);
      return host.run(a, opts);
    },
    async confirm(question) {
      if (g.dryRun || g.yes) return;
      if (!host.stdin.isTTY || g.json) {
        throw new OvsError(EXIT.USAGE, `confirmation needed: ${question}`, { hint: 'no terminal to ask on: add --yes to confirm' });
      }
      const answer = await host.stdin.prompt(`${question} [y/N] `);
      if (!/^y(es)?$/i.test(answer.trim())) throw new OvsError(EXIT.USAGE, 'not confirmed: nothing was changed', { hint: 'answer y, or add --yes' });
    },
  };
}
