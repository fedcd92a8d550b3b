/**
 * The shape of a command (docs/design.md): commander definition, typed options validated before
 * anything runs, `run()` returning data, `human()` rendering it. cli.ts does the rest —
 * global options, the context, the lock, rendering as text or --json, errors to exit codes.
 */
import type { Command as Commander, Option } from 'commander';
import type { Change, Changes, GeneratedValue } from './changes.js';
import type { Host, HostFs, RunOptions, RunResult } from './host.js';
import type { Reporter, Verbosity } from './output.js';

export interface GlobalOptions {
  /** `/` or the --root DIR (absolute, normalized). */
  root: string;
  dryRun: boolean;
  json: boolean;
  yes: boolean;
  verbosity: Verbosity;
  color: boolean;
  lockTimeout: number;
  /** --save-plan FILE (only with --dry-run): where the plan is saved for `ovs apply`. */
  savePlan?: string;
}

export interface Context {
  host: Host;
  /** System paths (`/etc/fstab`), resolved under --root, planned in the overlay under --dry-run. */
  fs: HostFs;
  /** The one path for every change (docs/design.md, the write path). */
  changes: Changes;
  global: GlobalOptions;
  /** --root is not `/`: live actions are skipped, live-only commands refused. */
  offline: boolean;
  report: Reporter;
  /** The machine path of a system path, for handing to a program. */
  hostPath(systemPath: string): Promise<string>;
  /**
   * The directory `systemDir` for programs that create files in it, held so that a swap
   * of the image's directories cannot redirect them until `release()` (under --root:
   * /proc/PID/fd/N, checked inside the root); elsewhere hostPath's answer.
   */
  hostDir?(systemDir: string): Promise<{ path: string; release(): Promise<void> }>;
  /** A read-only probe (run for real even in a dry run; echoed with --verbose). */
  probe(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /**
   * Ask before a destructive step: --yes answers yes; a terminal asks; without a terminal
   * it fails with exit 64. A dry run needs no confirmation (it changes nothing).
   */
  confirm(question: string): Promise<void>;
  /** This command's name, for messages. */
  command: string;
  /** The program this command runs in: its registry, its global options, running a command. */
  program: Program;
}

/** One command of the registry (src/commands/index.ts): loaded only when it is run or asked about. */
export interface CommandEntry {
  name: string;
  summary: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  load(): Promise<CommandDef<any, any>>;
}

/** What a command run inside another (`ovs apply`) did. */
export interface NestedRun {
  result: unknown;
  exit: number;
  changes: Change[];
  generated: GeneratedValue[];
}

/**
 * The program as a command sees it (cli.ts makes it): `demo` runs commands on its sample
 * server, `apply` re-runs a saved command, `completion` reads every definition — none of
 * them imports cli.ts, and a test runs a registry of its own without changing the shipped one.
 */
export interface Program {
  readonly commands: readonly CommandEntry[];
  /** The global options as the program declares them (help, completion, argv scanning). */
  readonly globalOptions: readonly Option[];
  /** `ovs ARGV` on a host, exactly as the executable runs it: the exit status. */
  main(argv: readonly string[], host: Host): Promise<number>;
  /**
   * A command run inside the current one: the caller's host and global options, the saved
   * generated values replayed, no lock of its own, nothing printed. On failure the changes
   * it applied are handed to `applied` before the error goes on.
   */
  nested(host: Host, argv: readonly string[], g: GlobalOptions, report: Reporter, replay: readonly GeneratedValue[], applied: Change[]): Promise<NestedRun>;
}

export interface CommandDef<O = unknown, R = unknown> {
  name: string;
  summary: string;
  /**
   * Needs the live machine: refused under --root with exit 64, by cli.ts alone. A command
   * that needs it only with some options names from its parsed options what needs it
   * (`--propagate`, `repositories start`), or undefined.
   */
  live?: boolean | ((options: O) => string | undefined);
  /**
   * Takes the run lock (default true). Read-only commands say false; a command that only
   * changes things with some options decides from its parsed options.
   */
  lock?: boolean | ((options: O) => boolean);
  /** Declare arguments and options on the commander command. */
  define(cmd: Commander): void;
  /** Turn commander's args/flags into typed options; throw OvsError(64|65) on bad input. */
  options(args: string[], flags: Record<string, unknown>, global: GlobalOptions): O | Promise<O>;
  run(ctx: Context, options: O): Promise<R>;
  /** Lines for stdout in human mode. */
  human(result: R, ctx: Context): string[];
  /**
   * Why this run's plan cannot be complete in advance (it must first mount storage, or ask
   * a portal what it offers): --save-plan is then refused with 64 and this reason.
   */
  unplannable?(options: O, global: GlobalOptions): string | undefined;
  /** Exit status for a successful run (e.g. 1 when a check found problems). Default 0. */
  exitCode?(result: R): number;
}

/** Identity with inference: `export default defineCommand({...})`. */
export function defineCommand<O, R>(def: CommandDef<O, R>): CommandDef<O, R> {
  return def;
}

/**
 * The values of a repeatable option (`--node A --node B`), as commander's argument parser:
 * collected in place, because copying the list at each value made 255 `--node` quadratic.
 */
export function collect(value: string, previous: string[] | undefined): string[] {
  const values = previous ?? [];
  values.push(value);
  return values;
}
