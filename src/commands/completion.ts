/**
 * `ovs completion bash|zsh|fish`: a completion script generated from the command
 * definitions themselves (the registry, each command's commander options and argument
 * choices), so it cannot drift from what the program accepts. Option values complete by
 * kind: directories for --root, files for --ssh-identity, the nodes of cluster.conf (under
 * --root or OVS_ROOT when given) for --remove-node, the choices of an option that has them.
 */
import { Argument, Command, type Option } from 'commander';
import { defineCommand, type CommandDef } from '../lib/command.js';
import { bashScript, fishScript, zshScript } from '../lib/completion/scripts.js';
import type { CommandShape, OptionShape, ProgramShape, ValueKind } from '../lib/completion/shape.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/** How the value of an option completes, from its placeholder (`<dir>`, `<file>` ...). */
function valueKind(flags: string, choices: readonly string[] | undefined, long: string | undefined): ValueKind {
  if (choices) return [...choices];
  if (!/[<[]/.test(flags)) return 'none';
  if (long === '--remove-node') return 'node';
  if (/<dir>/.test(flags)) return 'dir';
  if (/<(file|path|device)>/.test(flags)) return 'file';
  return 'word';
}

function optionShapes(options: readonly Option[]): OptionShape[] {
  return options.map((o) => ({
    long: o.long,
    short: o.short,
    description: o.description,
    value: valueKind(o.flags, o.argChoices, o.long),
  }));
}

function shapeOf(def: CommandDef): CommandShape {
  const cmd = new Command(def.name);
  def.define(cmd);
  const verbs = cmd.registeredArguments.flatMap((a) => a.argChoices ?? []);
  return { name: def.name, summary: def.summary, options: optionShapes(cmd.options), verbs };
}

/** The global options as the program declares them (ctx.program), and every command's own. */
export function programShape(globals: readonly Option[], defs: readonly CommandDef[]): ProgramShape {
  return { globals: optionShapes(globals), commands: defs.map(shapeOf) };
}

export function completionScript(shell: Shell, shape: ProgramShape): string {
  if (shell === 'bash') return bashScript(shape);
  if (shell === 'zsh') return zshScript(shape);
  return fishScript(shape);
}

export default defineCommand({
  name: 'completion',
  summary: 'Print a bash, zsh or fish completion script',
  lock: false,
  define: (cmd) =>
    cmd
      .addArgument(new Argument('<shell>', 'the shell to complete in').choices(SHELLS))
      .addHelpText('after', '\nInstall: see the examples; zsh: a file named _ovs in a directory of $fpath'),
  options(args) {
    return { shell: args[0] as Shell };
  },
  async run(ctx, o) {
    const defs = await Promise.all(ctx.program.commands.map((e) => e.load()));
    return { shell: o.shell, script: completionScript(o.shell, programShape(ctx.program.globalOptions, defs)) };
  },
  human: (r) => [r.script.trimEnd()],
});
