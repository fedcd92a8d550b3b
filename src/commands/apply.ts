/**
 * `ovs apply FILE`: perform a plan saved by `ovs --dry-run --save-plan FILE COMMAND ...`,
 * exactly as it was reviewed. Under the run lock: every file the plan touches must still
 * hold the content the plan saw (else 65 naming it, nothing changed); the saved command is
 * planned again with the saved generated values replayed and must plan exactly the saved
 * changes (else 65, nothing changed); then it runs for real with the same values, through
 * ctx.changes like any run (atomic writes, backups, journal). Why re-run the command rather
 * than replay the saved changes one by one: see ovs-apply(8).
 */
import { posix } from 'node:path';
import { defineCommand, type Context } from '../lib/command.js';
import { EXIT, OvsError, errnoOf } from '../lib/errors.js';
import { sha256Hex } from '../lib/formats/bundle.js';
import { createReporter } from '../lib/output.js';
import { firstDifference, parsePlan, type PlanFile } from '../lib/plan-file.js';

interface Options {
  file: string;
}

export interface ApplyResult {
  plan: string;
  command: string[];
  /** Files whose content was checked against the plan before anything changed. */
  checked: string[];
  /** The applied command's own result, as its --json document has it. */
  result: unknown;
  exit: number;
}

async function readPlan(ctx: Context, file: string): Promise<PlanFile> {
  let text: string;
  try {
    text = (await ctx.host.fs.readFile(file)).toString('utf8');
  } catch (e) {
    throw new OvsError(EXIT.NOINPUT, `${file}: ${errnoOf(e) === 'ENOENT' ? 'no such file' : `cannot read it (${errnoOf(e) ?? 'error'})`}`, { while: 'reading the plan', hint: 'give the file written by ovs --dry-run --save-plan FILE ...' });
  }
  return parsePlan(file, text);
}

/** The sha256 of a file as it is now (null when absent). */
async function currentHash(ctx: Context, path: string): Promise<string | null> {
  try {
    return sha256Hex(await ctx.fs.readFile(path));
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return null;
    throw e;
  }
}

/** Every file the plan writes or removes still holds what the plan saw (65 naming the first that does not). */
async function checkUnchanged(ctx: Context, plan: PlanFile, file: string): Promise<string[]> {
  const checked: string[] = [];
  for (const c of plan.changes) {
    if (c.path === undefined || c.before === undefined || checked.includes(c.path)) continue;
    const now = await currentHash(ctx, c.path);
    if (now !== c.before) {
      const was = c.before === null ? 'absent' : `sha256 ${c.before}`;
      throw new OvsError(EXIT.DATAERR, `${c.path} changed since the plan was made (the plan saw it ${was}, it is now ${now === null ? 'absent' : `sha256 ${now}`})`, {
        while: `checking ${file} before applying it`,
        hint: `nothing was changed: review the new state and make a new plan (ovs --dry-run --save-plan ${file} ${plan.argv.join(' ')})`,
      });
    }
    checked.push(c.path);
  }
  return checked;
}

export default defineCommand<Options, ApplyResult>({
  name: 'apply',
  summary: 'Perform a plan saved with --dry-run --save-plan, exactly as reviewed (refused if a file it touches changed)',
  define: (cmd) => cmd.argument('<file>', 'the plan file (ovs-apply(8) describes its format)'),
  options: (args) => ({ file: args[0] ?? '' }),
  unplannable: () => 'apply performs a saved plan; save the plan of the command itself',
  async run(ctx, o) {
    const file = posix.resolve(ctx.host.cwd(), o.file);
    const plan = await readPlan(ctx, file);
    if (plan.root !== ctx.global.root) {
      throw new OvsError(EXIT.USAGE, `${file} was planned for ${plan.root === '/' ? 'the live system' : `--root ${plan.root}`}, not ${ctx.global.root === '/' ? 'the live system' : `--root ${ctx.global.root}`}`, {
        while: 'reading the plan',
        hint: plan.root === '/' ? `ovs apply ${o.file}` : `ovs --root ${plan.root} apply ${o.file}`,
      });
    }
    const checked = await checkUnchanged(ctx, plan, file);
    // Planned again first: a command that would now do anything else is refused untouched.
    const silent = await createReporter(ctx.host, { verbosity: 'quiet', json: true, color: false });
    const again = await ctx.program.nested(ctx.host, plan.argv, { ...ctx.global, dryRun: true, savePlan: undefined }, silent, plan.generated, []);
    const differs = firstDifference(plan.changes, again.changes);
    if (differs) {
      throw new OvsError(EXIT.DATAERR, `${plan.argv[0]} no longer plans what ${file} saved: ${differs}`, { while: `checking ${file} before applying it`, hint: 'nothing was changed: make a new plan and review it' });
    }
    const done = ctx.global.dryRun ? again : await ctx.program.nested(ctx.host, plan.argv, ctx.global, ctx.report, plan.generated, ctx.changes.applied);
    ctx.changes.applied.push(...done.changes);
    ctx.changes.generated.push(...done.generated);
    const after = firstDifference(plan.changes, done.changes);
    if (after) ctx.report.warn(`the run did not go exactly as planned: ${after}`);
    return { plan: file, command: plan.argv, checked, result: done.result, exit: done.exit };
  },
  human: (r, ctx) => [`${ctx.global.dryRun ? 'would apply' : 'applied'} ${r.plan}: ovs ${r.command.join(' ')} (${r.checked.length} file${r.checked.length === 1 ? '' : 's'} checked unchanged)`],
  exitCode: (r) => r.exit,
});
