/**
 * The values a run makes up — a new repository uuid, a temporary file name, a creation
 * time — each named by what it is. A dry run lists them (the --json document, a plan saved
 * with --save-plan); `ovs apply` hands a saved plan's values back in the same order, so the
 * run writes the bytes the reviewed plan showed. A replay asked for something else than the
 * plan generated at that point is refused: the command no longer plans the same way.
 */
import { EXIT, OvsError } from './errors.js';

export interface GeneratedValue {
  what: string;
  value: string;
}

export class GeneratedValues {
  readonly list: GeneratedValue[] = [];
  private at = 0;

  constructor(private readonly replay: readonly GeneratedValue[] = []) {}

  generate(what: string, make: () => string): string {
    let value: string;
    if (this.at < this.replay.length) {
      const saved = this.replay[this.at++] as GeneratedValue;
      if (saved.what !== what) {
        throw new OvsError(EXIT.DATAERR, `the run generates a ${what} where the plan generated a ${saved.what}`, {
          while: 'replaying the saved plan',
          hint: 'the command no longer plans the same way: make a new plan with --dry-run --save-plan',
        });
      }
      value = saved.value;
    } else value = make();
    this.list.push({ what, value });
    return value;
  }
}
