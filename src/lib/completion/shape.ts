/**
 * What a completion script needs to know of ovs, read from the commander definitions:
 * every option with the kind of value it takes, each command's verbs (its argument's
 * choices). The shells' scripts (scripts.ts) are rendered from this alone.
 */

/** none: a flag; dir, file: a path; node: a node of cluster.conf; word: anything; a list: its choices. */
export type ValueKind = 'none' | 'dir' | 'file' | 'node' | 'word' | string[];

export interface OptionShape {
  long?: string;
  short?: string;
  description: string;
  value: ValueKind;
}

export interface CommandShape {
  name: string;
  summary: string;
  options: OptionShape[];
  /** The words the first argument takes (services: start, stop ...); empty: any (a path). */
  verbs: string[];
}

export interface ProgramShape {
  globals: OptionShape[];
  commands: CommandShape[];
}

export const flagsOf = (o: OptionShape): string[] => [o.long, o.short].filter((f): f is string => Boolean(f));

/** Every option of the program and its commands, once per name (the first declaration wins). */
export function allOptions(shape: ProgramShape): OptionShape[] {
  const seen = new Map<string, OptionShape>();
  for (const o of [...shape.globals, ...shape.commands.flatMap((c) => c.options)]) {
    const key = o.long ?? o.short ?? '';
    if (!seen.has(key)) seen.set(key, o);
  }
  return [...seen.values()];
}

/** The global options that take a value: the word after them is not the command. */
export const valuedGlobals = (shape: ProgramShape): string[] => shape.globals.filter((o) => o.value !== 'none').flatMap(flagsOf);
