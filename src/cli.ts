/**
 * main(argv, host): the whole `ovs` program. Parses the global options of ovs(8) and the
 * command's own, validates, builds the context (--root view, --dry-run overlay, the changes
 * path, the lock), runs the command and renders its result as text or one --json document.
 * Errors become exit statuses here and only here. Never calls process.exit.
 */
import { Command, CommanderError, Option } from 'commander';
import { posix } from 'node:path';
import { COMMANDS } from './commands/index.js';
import type { Change, Changes, GeneratedValue } from './lib/changes.js';
import { makeContext } from './lib/context.js';
import type { CommandDef, CommandEntry, Context, GlobalOptions, NestedRun, Program } from './lib/command.js';
import { examplesText, HELP_CONFIGURATION, plainParserMessage } from './lib/help.js';
import { failureEnvelope, jsonLine, successEnvelope, type EnvelopeBase } from './lib/envelope.js';
import { EXIT, OvsError, eachLineEscaped, exitCodeOf, oneLine, readFailure, shown, systemError } from './lib/errors.js';
import { statOrUndefined } from './lib/files.js';
import { didYouMean } from './lib/suggest.js';
import type { Host } from './lib/host.js';
import { acquireLock } from './lib/lock.js';
import { bootId } from './lib/run-owner.js';
import { colorWanted, createReporter, type Reporter } from './lib/output.js';
import { phase } from './lib/phases.js';
import { RootedFs } from './lib/paths.js';
import { noticeInterrupted, recoverInterrupted } from './lib/recovery.js';
import { serializePlan } from './lib/plan-file.js';
import { renderApplied, renderPlan } from './lib/render.js';
import { VERSION } from './version.js';
import { isoUtc } from './lib/time.js';

interface Selected {
  def: CommandDef;
  args: string[];
  flags: Record<string, unknown>;
}

export const HELP_WIDTH = 80;

/** Room for commander's own words around the value it echoes (the value itself is untrusted). */
const COMMANDER_MESSAGE_LENGTH = 160;


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
async function loadNamed(commands: readonly CommandEntry[], argv: readonly string[]): Promise<Map<string, CommandDef>> {
  const wanted = commandWords(argv);
  const entries = commands.filter((e) => wanted.includes(e.name));
  return new Map(await Promise.all(entries.map(async (e): Promise<[string, CommandDef]> => [e.name, await e.load()])));
}

/** The global options (ovs(8)), on the program, and on a bare command for the completion scripts. */
function withGlobalOptions(cmd: Command): Command {
  return cmd
    .version(VERSION, '-V, --version', 'print the version (with -v or --json: also Node\'s and the tools\')')
    .helpOption('-h, --help', 'show help')
    .option('--root <dir>', 'operate on the system installed under DIR (env OVS_ROOT)')
    .option('-n, --dry-run', 'change nothing; print the plan (diffs, commands, service actions)')
    .option('--json', 'print exactly one JSON document on stdout')
    .option('-y, --yes', 'answer yes to confirmations')
    .addOption(new Option('-q, --quiet', 'less progress on stderr').conflicts('verbose'))
    .option('-v, --verbose', 'more progress on stderr; echo every command run')
    .addOption(new Option('--no-color', 'no colour (also NO_COLOR, FORCE_COLOR)'))
    .option('--lock-timeout <seconds>', 'how long to wait for another ovs run holding the lock', '30')
    .option('--save-plan <file>', 'with --dry-run: save the plan to FILE for `ovs apply FILE`');
}

/** The global options, read from their one declaration above (argv scanning, completion). */
const GLOBAL_OPTIONS: readonly Option[] = withGlobalOptions(new Command('ovs')).options;
const flagsOf = (o: Option) => [o.short, o.long].filter((f): f is string => Boolean(f));
/** Global options that take a value: their value is not the command word. */
const VALUED_GLOBALS = new Set(GLOBAL_OPTIONS.filter((o) => o.required || o.optional).flatMap(flagsOf));
/** Global options without a value (-V and -h end the run before any command is read). */
const GLOBAL_FLAGS = new Set(GLOBAL_OPTIONS.filter((o) => !o.required && !o.optional).flatMap(flagsOf));
/** Whether argv gives this global flag (by commander's attribute name), before commander has parsed it. */
const gives = (argv: readonly string[], name: string): boolean => {
  const flags = flagsOf(GLOBAL_OPTIONS.find((o) => o.attributeName() === name) as Option);
  return argv.some((a) => flags.includes(a));
};

/**
 * The commands the parser needs for this argv: only the one it names, when it names one
 * (a 255-node plan made 16 parsers it never used); all of them for help, suggestions and errors.
 */
function parserCommands(commands: readonly CommandEntry[], argv: readonly string[]): readonly CommandEntry[] {
  const [first] = commandWords(argv);
  const named = commands.filter((e) => e.name === first);
  return named.length === 1 ? named : commands;
}

function buildProgram(commands: readonly CommandEntry[], host: Host, sink: { errors: string[]; json: boolean }, defs: Map<string, CommandDef>, onSelect: (s: Selected) => void): Command {
  const program = withGlobalOptions(new Command('ovs'))
    .description('Oracle VM Server 2.x server-pool high availability: storage, heartbeat, O2CB cluster, repositories, checks, services')
    .showSuggestionAfterError(true)
    .configureHelp(HELP_CONFIGURATION)
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
      // commander echoes the argument it refuses: joined on one line, escaped and cut (shown).
      const msg = shown(plainParserMessage(s.trim().replace(/^error: /, '')).replace(/\n+/g, ' '), COMMANDER_MESSAGE_LENGTH);
      sink.errors.push(msg);
      if (!sink.json) write(`ovs: ${name ? `${name}: ` : ''}${msg}\novs: hint: ${name ? `ovs help ${name}` : 'ovs --help'} shows the usage\n`);
    },
  });
  program.configureOutput(output(''));
  for (const entry of commands) {
    const cmd = program.command(entry.name).description(entry.summary).addHelpText('after', examplesText(entry.name));
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
  const lockTimeout = Number(flags.lockTimeout);
  if (String(flags.lockTimeout).trim() === '' || !Number.isFinite(lockTimeout) || lockTimeout < 0) throw new OvsError(EXIT.USAGE, `--lock-timeout takes seconds (a number >= 0), not '${shown(String(flags.lockTimeout))}'`);
  if (flags.savePlan !== undefined && !flags.dryRun) throw new OvsError(EXIT.USAGE, '--save-plan saves the plan of a dry run: it goes with --dry-run', { hint: 'ovs --dry-run --save-plan FILE COMMAND ..., then ovs apply FILE' });
  return {
    ...(flags.savePlan !== undefined ? { savePlan: posix.resolve(host.cwd(), String(flags.savePlan)) } : {}),
    root: posix.resolve(host.cwd(), rootArg),
    dryRun: Boolean(flags.dryRun),
    json: Boolean(flags.json),
    yes: Boolean(flags.yes),
    verbosity: flags.quiet ? 'quiet' : flags.verbose ? 'verbose' : 'normal',
    color: colorWanted(host, flags.color === false),
    lockTimeout,
  };
}

async function execute(program: Program, sel: Selected, g: GlobalOptions, host: Host, argv: readonly string[]): Promise<number> {
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
    const rootSt = await statOrUndefined(host.fs, g.root).catch((e) => Promise.reject(readFailure(e, g.root, 'named', 'opening --root')));
    if (rootSt?.kind !== 'dir') throw new OvsError(EXIT.NOINPUT, `--root ${shown(g.root)}: no such directory`);
    if (def.live === true) refuseOffline(def.name, g);
    const options = await def.options(sel.args, sel.flags, g);
    if (typeof def.live === 'function') refuseOffline(def.live(options), g);
    phase('parse');
    const unplannable = g.savePlan ? def.unplannable?.(options, g) : undefined;
    if (unplannable) throw new OvsError(EXIT.USAGE, `this plan cannot be saved: ${unplannable}`, { while: `planning ${def.name} for --save-plan`, hint: `run it with --dry-run to review it, then run it for real` });
    const boot = await bootId(host);
    ctx = makeContext({ program, host, global: g, command: def.name, report, argv, boot });
    // Interrupted runs: the run holding the lock takes them back before it changes anything;
    // a read-only command or a dry run only says so.
    const wantsLock = typeof def.lock === 'function' ? def.lock(options) : def.lock !== false;
    const system = g.root === '/' ? host.fs : new RootedFs(host.fs, g.root);
    const recovering = { run: ctx.changes.runId, boot, report };
    if (wantsLock && !g.dryRun) {
      const lock = await acquireLock(system, host, { command: `ovs ${argv.join(' ')}`.slice(0, 200), timeoutSeconds: g.lockTimeout, report, interrupted: () => interrupted, run: ctx.changes.runId, boot });
      release = lock.release;
      await recoverInterrupted(system, host, recovering);
    } else await noticeInterrupted(system, host, recovering);
    phase('prepare');
    const result = await def.run(ctx, options);
    phase('apply'); // the command's run: its apply, and its plan unless it marked 'plan' itself
    report.stop();
    if (interrupted) throw interruption(interrupted);
    const exit = def.exitCode?.(result) ?? EXIT.OK;
    if (g.savePlan) await savePlan(host, g, g.savePlan, commandArgv(argv, def.name), ctx.changes);
    await ctx.changes.end('ok', exit); // exit 1 (a check's findings) is a run that did what it set out to do
    if (g.json) {
      host.stdout.write(jsonLine(successEnvelope({ command: def.name, dryRun: g.dryRun, root: g.root, changes: ctx.changes.applied, generated: ctx.changes.generated, warnings: report.warnings }, exit, result)));
    } else {
      const lines = def.human(result, ctx);
      if (g.dryRun) lines.push(...renderPlan(ctx.changes.applied));
      // Results echo file content and arguments: each line escaped (oneLine), never raw.
      if (lines.length) host.stdout.write(`${eachLineEscaped(lines.join('\n'))}\n`);
    }
    phase('render');
    if (exit === EXIT.OK && !g.dryRun && ctx.changes.applied.length > 0) await (await import('./lib/backups.js')).pruneBackups(ctx);
    return exit;
  } catch (err) {
    report.stop();
    const failure = interrupted ? interruption(interrupted, err) : err;
    // Files go back as they were before the run; the report then says `rolled back`.
    await ctx?.changes.rollBack(exitCodeOf(failure));
    return reportFailure(failure, def.name, g, host, ctx, report.warnings);
  } finally {
    offInterrupt();
    await release?.();
  }
}

/** What needs the live machine (a command, `--propagate`) is refused under --root: 64, nothing read. */
function refuseOffline(what: string | undefined, g: GlobalOptions): void {
  if (what && g.root !== '/') throw new OvsError(EXIT.USAGE, `${what} needs the live machine and cannot run under --root ${g.root}`, { hint: 'run it on the server itself after it boots' });
}

/** The command and its own arguments: argv without the global options. */
export function commandArgv(argv: readonly string[], command: string): string[] {
  const out: string[] = [];
  let seen = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (VALUED_GLOBALS.has(a)) i++;
    else if (seen ? !GLOBAL_FLAGS.has(a) && !VALUED_GLOBALS.has(a.split('=')[0] as string) : a === command) {
      seen = true;
      out.push(a);
    }
  }
  return out;
}

/** --save-plan: the plan file, written by the operator's hand as it were (not a system change). */
async function savePlan(host: Host, g: GlobalOptions, file: string, argv: string[], changes: Changes): Promise<void> {
  const text = serializePlan({ created: isoUtc(host.now()), argv, root: g.root, generated: changes.generated }, changes.applied, changes.contents);
  try {
    await host.fs.writeFile(file, text, { mode: 0o600 });
  } catch (e) {
    throw systemError(e, `saving the plan to ${file}`, file);
  }
}

/** A command run inside the current one (`ovs apply` re-running a saved plan's command): Program.nested. */
async function runNested(program: Program, host: Host, argv: readonly string[], g: GlobalOptions, report: Reporter, replay: readonly GeneratedValue[], applied: Change[]): Promise<NestedRun> {
  let selected: Selected | undefined;
  const sink = { errors: [] as string[], json: true };
  const parser = buildProgram(parserCommands(program.commands, argv), host, sink, await loadNamed(program.commands, argv), (s) => (selected = s));
  try {
    await parser.parseAsync([...argv], { from: 'user' });
  } catch {
    throw new OvsError(EXIT.DATAERR, `the saved command is not valid: ${sink.errors.join('; ') || argv.join(' ')}`, { while: 'reading the plan' });
  }
  const sel = selected as Selected | undefined;
  if (!sel) throw new OvsError(EXIT.DATAERR, `the saved command names no command: ${argv.join(' ')}`, { while: 'reading the plan' });
  const options = await sel.def.options(sel.args, sel.flags, g);
  refuseOffline(typeof sel.def.live === 'function' ? sel.def.live(options) : sel.def.live ? sel.def.name : undefined, g);
  const ctx = makeContext({ program, host, global: g, command: sel.def.name, report, argv, boot: await bootId(host), replay });
  try {
    const result = await sel.def.run(ctx, options);
    const exit = sel.def.exitCode?.(result) ?? EXIT.OK;
    // The nested run journals as any run: an `end`, or recovery would take it back later.
    await ctx.changes.end('ok', exit);
    return { result, exit, changes: ctx.changes.applied, generated: ctx.changes.generated };
  } catch (e) {
    await ctx.changes.rollBack(exitCodeOf(e));
    applied.push(...ctx.changes.applied);
    throw e;
  }
}

/**
 * A run a signal reached ends with 130 (SIGINT) or 143 (SIGTERM, SIGHUP), whatever the step
 * then failed with (the program killed, the lock wait stopped): the caller sent the signal
 * and must be able to tell. The step's own failure stays in the message.
 */
function interruption(signal: string, err?: unknown): OvsError {
  const exit = signal === 'SIGINT' ? EXIT.INTERRUPTED : EXIT.TERMINATED;
  const what = err instanceof OvsError ? err.text : err === undefined ? '' : `internal error: ${(err as Error)?.message ?? String(err)}`;
  const message = what.startsWith(`interrupted by ${signal}`) ? what : what ? `interrupted by ${signal}: ${what}` : `interrupted by ${signal} after the last step: the run finished`;
  return new OvsError(exit, message, { hint: 'what the interrupted step made was taken back; run the same command again to finish', cause: err });
}

function reportFailure(err: unknown, command: string, g: GlobalOptions, host: Host, ctx?: Context, warnings: string[] = []): number {
  const exit = exitCodeOf(err);
  const applied = ctx?.changes.applied ?? [];
  const e = err instanceof OvsError ? err : undefined;
  // Messages echo input (an argument, a line of a file): one line, control characters escaped.
  const message = oneLine(e ? e.text : `internal error: ${(err as Error)?.message ?? String(err)}`);
  if (g.json) {
    host.stdout.write(jsonLine(failureEnvelope({ command, dryRun: g.dryRun, root: g.root, changes: applied, generated: ctx?.changes.generated ?? [], warnings }, { exit, message, hint: e?.hint ?? null })));
    return exit;
  }
  host.stderr.write(`ovs: ${command}: ${message}\n`);
  if (e?.hint) host.stderr.write(`ovs: hint: ${oneLine(e.hint)}\n`);
  if (!e && (err as Error)?.name !== 'UnexpectedCommandError') host.stderr.write(`${(err as Error)?.stack ?? ''}\novs: this is a bug; please report it with the output of --verbose\n`);
  const header = applied.some((c) => c.result === 'applied') ? 'changes applied before the failure' : 'every file change made before the failure was rolled back';
  if (!g.dryRun && applied.length > 0) host.stderr.write(`ovs: ${header}:\n${renderApplied(applied).join('\n')}\n`);
  else if (!g.dryRun) host.stderr.write('ovs: nothing was changed\n');
  return exit;
}

/** What a command line that did not parse still tells: the command named, --root, --dry-run. */
function usageBase(argv: readonly string[], host: Host, commands: readonly CommandEntry[] = COMMANDS): EnvelopeBase {
  const word = commandWords(argv)[0];
  const at = argv.indexOf('--root');
  const root = (at >= 0 ? argv[at + 1] : undefined) ?? host.env.OVS_ROOT ?? '/';
  return {
    command: word && commands.some((e) => e.name === word) ? word : 'usage',
    dryRun: gives(argv, 'dryRun'),
    root: posix.resolve(host.cwd(), root || '/'),
  };
}

/** `--version`: the version alone (nothing run); with -v or --json the full report (version-report.ts). */
async function printVersion(argv: readonly string[], host: Host): Promise<number> {
  const json = gives(argv, 'json');
  if (!json && !gives(argv, 'verbose')) {
    host.stdout.write(`${VERSION}\n`);
    return EXIT.OK;
  }
  const { printFullVersion } = await import('./lib/version-report.js');
  return printFullVersion(host, VERSION, json ? { ...usageBase(argv, host), command: 'version' } : undefined);
}

const wantsVersion = (argv: readonly string[]) => commandWords(argv).length === 0 && gives(argv, 'version');

/** The program over a registry: what ctx.program gives a command. */
export function programOf(commands: readonly CommandEntry[]): Program {
  const program: Program = {
    commands,
    globalOptions: GLOBAL_OPTIONS,
    main: (argv, host) => main(argv, host, commands),
    nested: (...a) => runNested(program, ...a),
  };
  return program;
}

/**
 * Run `ovs` with these arguments (without the program name) on this host; returns the exit
 * status. `commands` is the registry (a test may run one with a command of its own).
 */
export async function main(argv: readonly string[], host: Host, commands: readonly CommandEntry[] = COMMANDS): Promise<number> {
  if (wantsVersion(argv)) return printVersion(argv, host);
  const [first, second] = commandWords(argv);
  if (first === 'help' && second !== undefined && !commands.some((e) => e.name === second)) {
    const base = usageBase(argv, host, commands);
    const g: GlobalOptions = { root: base.root, dryRun: base.dryRun, json: gives(argv, 'json'), yes: false, verbosity: 'normal', color: false, lockTimeout: 30 };
    const near = didYouMean(second, commands.map((e) => e.name));
    return reportFailure(new OvsError(EXIT.USAGE, `unknown command '${second}'${near}`, { hint: 'ovs --help lists the commands' }), 'help', g, host);
  }
  const sink = { errors: [] as string[], json: gives(argv, 'json') };
  let selected: Selected | undefined;
  const program = buildProgram(parserCommands(commands, argv), host, sink, await loadNamed(commands, argv), (s) => (selected = s));
  let g: GlobalOptions;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    g = globalOptions(program.opts(), host);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code) && err.exitCode === 0) return EXIT.OK;
      if (sink.json) host.stdout.write(jsonLine(failureEnvelope(usageBase(argv, host, commands), { exit: EXIT.USAGE, message: sink.errors.join('; ') || (err.code === 'commander.help' ? 'no command given' : err.message), hint: 'ovs --help' })));
      return EXIT.USAGE;
    }
    const base = usageBase(argv, host, commands);
    const fake: GlobalOptions = { root: base.root, dryRun: base.dryRun, json: sink.json, yes: false, verbosity: 'normal', color: false, lockTimeout: 30 };
    return reportFailure(err, base.command, fake, host);
  }
  if (!selected) {
    if (sink.json) host.stdout.write(jsonLine(failureEnvelope(usageBase(argv, host, commands), { exit: EXIT.USAGE, message: 'no command given', hint: 'ovs --help lists the commands' })));
    else host.stderr.write(program.helpInformation());
    return EXIT.USAGE;
  }
  return execute(programOf(commands), selected, g, host, argv);
}
