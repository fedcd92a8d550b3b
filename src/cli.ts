/**
 * main(argv, host): the whole `ovs` program. Parses the global options of SPEC §1.1 and the
 * command's own, validates, builds the context (--root view, --dry-run overlay, the changes
 * path, the lock), runs the command and renders its result as text or one --json document.
 * Errors become exit statuses here and only here. Never calls process.exit.
 */
import { Command, CommanderError, Option } from 'commander';
import { posix } from 'node:path';
import { COMMANDS, type CommandEntry } from './commands/index.js';
import { Changes } from './lib/changes.js';
import type { CommandDef, Context, GlobalOptions } from './lib/command.js';
import { EXIT, OvsError, exitCodeOf } from './lib/errors.js';
import { statOrUndefined } from './lib/files.js';
import type { Host } from './lib/host.js';
import { acquireLock } from './lib/lock.js';
import { colorWanted, createReporter, type Reporter } from './lib/output.js';
import { OverlayFs } from './lib/overlay-fs.js';
import { RootedFs } from './lib/paths.js';
import { quoteArg, renderApplied, renderPlan } from './lib/render.js';
import { VERSION } from './version.js';

interface Selected {
  def: CommandDef;
  args: string[];
  flags: Record<string, unknown>;
}

export const HELP_WIDTH = 80;

/** Global options that take a value: their value is not the command word. */
const VALUED_GLOBALS = new Set(['--root', '--lock-timeout']);

/** The command words of argv (the command, and for `help X` also X), without loading anything. */
function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i] as string;
    if (VALUED_GLOBALS.has(a)) i++;
    else if (!a.startsWith('-')) words.push(a);
    if (words.length === 1 && words[0] !== 'help') break;
  }
  return words;
}

/** Load the definitions of the commands this argv names; the others stay summaries. */
async function loadNamed(argv: readonly string[]): Promise<Map<string, CommandDef>> {
  const wanted = commandWords(argv);
  const entries = COMMANDS.filter((e) => wanted.includes(e.name));
  return new Map(await Promise.all(entries.map(async (e): Promise<[string, CommandDef]> => [e.name, await e.load()])));
}

function buildProgram(host: Host, sink: { errors: string[]; json: boolean }, defs: Map<string, CommandDef>, onSelect: (s: Selected) => void): Command {
  const program = new Command('ovs')
    .description('Oracle VM Server 2.x server-pool high availability: storage, heartbeat, O2CB cluster, repositories, checks, services')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--root <dir>', 'operate on the system installed under DIR (env OVS_ROOT)')
    .option('-n, --dry-run', 'change nothing; print the plan (diffs, commands, service actions)')
    .option('--json', 'print exactly one JSON document on stdout')
    .option('-y, --yes', 'answer yes to confirmations')
    .option('-q, --quiet', 'less progress on stderr')
    .option('-v, --verbose', 'more progress on stderr; echo every command run')
    .addOption(new Option('--no-color', 'no colour (also NO_COLOR, FORCE_COLOR)'))
    .option('--lock-timeout <seconds>', 'how long to wait for another ovs run holding the lock', '30')
    .showSuggestionAfterError(true)
    .addHelpText('after', '\nRun `ovs help <command>` for a command\'s options; `man ovs` for exit statuses and files.');
  program.exitOverride();
  const output = (name: string) => ({
    writeOut: (s: string) => host.stdout.write(s),
    writeErr: (s: string) => host.stderr.write(s),
    // Help is laid out for 80 columns everywhere, so it reads the same in a terminal, a log
    // and the copy the build keeps for a fast `ovs --help` (see bin.ts).
    getOutHelpWidth: () => HELP_WIDTH,
    getErrHelpWidth: () => HELP_WIDTH,
    outputError: (s: string, write: (t: string) => void) => {
      const msg = s.trim().replace(/^error: /, '');
      sink.errors.push(msg);
      if (!sink.json) write(`ovs: ${name ? `${name}: ` : ''}${msg}\novs: hint: ${name ? `ovs help ${name}` : 'ovs --help'} shows the usage\n`);
    },
  });
  program.configureOutput(output(''));
  for (const entry of COMMANDS) {
    const cmd = program.command(entry.name).description(entry.summary);
    cmd.configureOutput(output(entry.name));
    const def = defs.get(entry.name);
    if (!def) {
      cmd.allowUnknownOption().allowExcessArguments().action(() => notLoaded(entry));
      continue;
    }
    def.define(cmd);
    cmd.action((...received: unknown[]) => {
      const self = received[received.length - 1] as Command;
      // Keep commander's own parsed values (variadic arguments arrive as arrays).
      onSelect({ def, args: received.slice(0, self.registeredArguments.length) as string[], flags: self.opts() });
    });
  }
  return program;
}

function notLoaded(entry: CommandEntry): never {
  throw new Error(`command ${entry.name} was selected but not loaded (argv scan and commander disagree)`);
}

function globalOptions(flags: Record<string, unknown>, host: Host): GlobalOptions {
  const rootArg = (flags.root as string | undefined) ?? host.env.OVS_ROOT ?? '/';
  if (rootArg === '') throw new OvsError(EXIT.USAGE, '--root needs a directory', { hint: 'e.g. --root /mnt/sysimage' });
  if (flags.quiet && flags.verbose) throw new OvsError(EXIT.USAGE, '--quiet and --verbose cannot be used together');
  const lockTimeout = Number(flags.lockTimeout);
  if (!Number.isFinite(lockTimeout) || lockTimeout < 0) throw new OvsError(EXIT.USAGE, `--lock-timeout takes seconds (a number >= 0), not '${String(flags.lockTimeout)}'`);
  return {
    root: posix.resolve(host.cwd(), rootArg),
    dryRun: Boolean(flags.dryRun),
    json: Boolean(flags.json),
    yes: Boolean(flags.yes),
    verbosity: flags.quiet ? 'quiet' : flags.verbose ? 'verbose' : 'normal',
    color: colorWanted(host, flags.color === false),
    lockTimeout,
  };
}

function runId(host: Host): string {
  return `${host.now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${host.pid}`;
}

function makeContext(host: Host, g: GlobalOptions, def: CommandDef, report: Reporter, argv: readonly string[]): Context {
  const rooted = g.root === '/' ? undefined : new RootedFs(host.fs, g.root);
  const system = rooted ?? host.fs;
  const fs = g.dryRun ? new OverlayFs(system) : system;
  const offline = g.root !== '/';
  const changes = new Changes({ host, fs, dryRun: g.dryRun, offline, runId: runId(host), commandLine: ['ovs', ...argv].map(quoteArg).join(' '), report });
  return {
    host,
    fs,
    changes,
    global: g,
    offline,
    report,
    command: def.name,
    hostPath: async (p) => (rooted ? rooted.resolve(p) : posix.normalize(p)),
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

async function execute(sel: Selected, g: GlobalOptions, host: Host, argv: readonly string[]): Promise<number> {
  const { def } = sel;
  const report = await createReporter(host, { verbosity: g.verbosity, json: g.json, color: g.color });
  let ctx: Context | undefined;
  let release: (() => Promise<void>) | undefined;
  // Ctrl-C or kill: the program running now gets the signal too, so the step fails and the
  // command takes back what it made (a half-written heartbeat file, a fresh mount); the
  // failure report then says what was applied. A second signal ends the process at once.
  let interrupted: string | undefined;
  const offInterrupt = host.onInterrupt((signal) => {
    interrupted = signal;
    report.warn(`interrupted by ${signal}: stopping; what this run made is taken back where it can be`);
  });
  try {
    const rootSt = await statOrUndefined(host.fs, g.root);
    if (rootSt?.kind !== 'dir') throw new OvsError(EXIT.NOINPUT, `--root ${g.root}: no such directory`);
    if (def.live && g.root !== '/') {
      throw new OvsError(EXIT.USAGE, `${def.name} needs the live machine and cannot run under --root ${g.root}`, { hint: `run it on the server itself after it boots` });
    }
    const options = await def.options(sel.args, sel.flags, g);
    ctx = makeContext(host, g, def, report, argv);
    const wantsLock = typeof def.lock === 'function' ? def.lock(options) : def.lock !== false;
    if (wantsLock && !g.dryRun) {
      const system = g.root === '/' ? host.fs : new RootedFs(host.fs, g.root);
      release = await acquireLock(system, host, { command: `ovs ${argv.join(' ')}`.slice(0, 200), timeoutSeconds: g.lockTimeout, report, interrupted: () => interrupted });
    }
    const result = await def.run(ctx, options);
    report.stop();
    const exit = def.exitCode?.(result) ?? EXIT.OK;
    if (g.json) {
      host.stdout.write(`${JSON.stringify({ ok: exit === EXIT.OK, command: def.name, dryRun: g.dryRun, root: g.root, exit, result, changes: ctx.changes.applied, warnings: report.warnings })}\n`);
    } else {
      const lines = def.human(result, ctx);
      if (g.dryRun) lines.push(...renderPlan(ctx.changes.applied));
      if (lines.length) host.stdout.write(`${lines.join('\n')}\n`);
    }
    if (exit === EXIT.OK && !g.dryRun && ctx.changes.applied.length > 0) await (await import('./lib/backups.js')).pruneBackups(ctx);
    return exit;
  } catch (err) {
    report.stop();
    return reportFailure(err, def.name, g, host, ctx, report.warnings);
  } finally {
    offInterrupt();
    await release?.();
  }
}

function reportFailure(err: unknown, command: string, g: GlobalOptions, host: Host, ctx?: Context, warnings: string[] = []): number {
  const exit = exitCodeOf(err);
  const applied = ctx?.changes.applied ?? [];
  const e = err instanceof OvsError ? err : undefined;
  const message = e ? e.text : `internal error: ${(err as Error)?.message ?? String(err)}`;
  if (g.json) {
    host.stdout.write(`${JSON.stringify({ ok: false, command, dryRun: g.dryRun, root: g.root, exit, error: { exit, message, hint: e?.hint ?? null }, changes: applied, warnings })}\n`);
    return exit;
  }
  host.stderr.write(`ovs: ${command}: ${message}\n`);
  if (e?.hint) host.stderr.write(`ovs: hint: ${e.hint}\n`);
  if (!e && (err as Error)?.name !== 'UnexpectedCommandError') host.stderr.write(`${(err as Error)?.stack ?? ''}\novs: this is a bug; please report it with the output of --verbose\n`);
  if (!g.dryRun && applied.length > 0) host.stderr.write(`ovs: changes applied before the failure:\n${renderApplied(applied).join('\n')}\n`);
  else if (!g.dryRun) host.stderr.write('ovs: nothing was changed\n');
  return exit;
}

/** Run `ovs` with these arguments (without the program name) on this host; returns the exit status. */
export async function main(argv: readonly string[], host: Host): Promise<number> {
  const sink = { errors: [] as string[], json: argv.includes('--json') };
  let selected: Selected | undefined;
  const program = buildProgram(host, sink, await loadNamed(argv), (s) => (selected = s));
  let g: GlobalOptions;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    g = globalOptions(program.opts(), host);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code) && err.exitCode === 0) return EXIT.OK;
      if (sink.json) host.stdout.write(`${JSON.stringify({ ok: false, exit: EXIT.USAGE, error: { exit: EXIT.USAGE, message: sink.errors.join('; ') || err.message, hint: 'ovs --help' }, changes: [] })}\n`);
      return EXIT.USAGE;
    }
    const fake: GlobalOptions = { root: '/', dryRun: false, json: sink.json, yes: false, verbosity: 'normal', color: false, lockTimeout: 30 };
    return reportFailure(err, 'usage', fake, host);
  }
  if (!selected) {
    host.stderr.write(program.helpInformation());
    return EXIT.USAGE;
  }
  return execute(selected, g, host, argv);
}
