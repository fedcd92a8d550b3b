/**
 * testContext(host): the context a command's run() gets, made exactly as cli.ts makes it
 * (the --root view, the --dry-run overlay, the changes path) — for testing a lib module, or a
 * CI check of one's own, on a memory host without going through argv.
 */
import type { Context, GlobalOptions, Program } from '../command.js';
import { makeContext } from '../context.js';
import type { Host } from '../host.js';
import { createReporter } from '../output.js';

export interface TestContextOptions extends Partial<GlobalOptions> {
  /** The command's name in messages (default `test`). */
  command?: string;
  /** The program ctx.program answers with (default: none; running a command through it fails). */
  program?: Program;
}

const noProgram = (): never => {
  throw new Error('testContext: no program given (testContext(host, { program }))');
};

const NO_PROGRAM: Program = { commands: [], globalOptions: [], main: async () => noProgram(), nested: async () => noProgram() };

export async function testContext(host: Host, o: TestContextOptions = {}): Promise<Context> {
  const { command = 'test', program = NO_PROGRAM, ...flags } = o;
  const global: GlobalOptions = { root: '/', dryRun: false, json: false, yes: false, verbosity: 'quiet', color: false, lockTimeout: 30, ...flags };
  const report = await createReporter(host, { verbosity: global.verbosity, json: global.json, color: false });
  return makeContext({ program, host, global, command, report, argv: [command], boot: undefined });
}
