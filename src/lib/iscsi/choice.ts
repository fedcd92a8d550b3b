/**
 * Which discovered targets the pool keeps (guide step 4, "delete entries that you do not
 * want to use for the server pool"): from --keep, or asked on a terminal, or — in a
 * kickstart without --keep — an exit 64 that lists what the portal offers, so the log
 * shows the --keep values to use. The matching itself is selectTargets() of the shared
 * iscsiadm format module.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError, shown } from '../errors.js';
import { formatRecord, selectTargets, type IscsiRecord, type TargetSelection } from '../formats/iscsiadm.js';
import { recordKey } from './adm.js';

export interface Choice {
  selection: TargetSelection;
  /** The --keep values that repeat this choice (what was given, or what was chosen). */
  keep: string[];
}

function listing(records: readonly IscsiRecord[]): string {
  const width = String(records.length).length;
  return records.map((r, i) => `  ${String(i + 1).padStart(width)}  ${formatRecord(r)}\n`).join('');
}

/** `1,3-4` or `all` -> 0-based indexes; undefined when the answer is not that. */
export function parseChoice(answer: string, count: number): number[] | undefined {
  const a = answer.trim().toLowerCase();
  if (a === 'all' || a === '*') return [...Array(count).keys()];
  const picked = new Set<number>();
  for (const part of a.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const from = Number(m?.[1]);
    const to = Number(m?.[2] ?? m?.[1]);
    if (!m || from < 1 || to > count || from > to) return undefined;
    for (let i = from; i <= to; i++) picked.add(i - 1);
  }
  return picked.size > 0 ? [...picked].sort((x, y) => x - y) : undefined;
}

/** The shortest --keep for each chosen record: its IQN when that picks nothing else. */
export function keepValues(records: readonly IscsiRecord[], chosen: readonly IscsiRecord[]): string[] {
  const picked = new Set(chosen.map(recordKey));
  const perIqn = new Map<string, IscsiRecord[]>();
  for (const r of records) {
    const list = perIqn.get(r.iqn.toLowerCase());
    if (list) list.push(r);
    else perIqn.set(r.iqn.toLowerCase(), [r]);
  }
  const out = new Set<string>();
  for (const r of chosen) {
    const same = perIqn.get(r.iqn.toLowerCase()) ?? [];
    out.add(same.every((s) => picked.has(recordKey(s))) ? r.iqn : formatRecord(r));
  }
  return [...out];
}

async function ask(ctx: Context, records: readonly IscsiRecord[], portal: string): Promise<IscsiRecord[]> {
  ctx.host.stderr.write(`ovs: ${portal} offers ${records.length} target record(s):\n${listing(records)}`);
  for (let attempt = 0; attempt < 3; attempt++) {
    const answer = await ctx.host.stdin.prompt('Keep which records for the pool? (numbers such as 1,3-4, or all) ');
    const picked = parseChoice(answer, records.length);
    if (picked) return picked.map((i) => records[i] as IscsiRecord);
    ctx.host.stderr.write(`ovs: '${shown(answer.trim())}' is not a choice between 1 and ${records.length}\n`);
  }
  throw new OvsError(EXIT.USAGE, 'no targets chosen', { while: 'choosing the targets to keep', hint: 'give --keep IQN (repeatable) instead' });
}

export async function chooseTargets(ctx: Context, records: readonly IscsiRecord[], keep: readonly string[], portal: string): Promise<Choice> {
  if (keep.length > 0) {
    const selection = selectTargets(records, keep);
    if (selection.unmatched.length > 0) {
      ctx.host.stderr.write(`ovs: ${portal} offers:\n${listing(records)}`);
      throw new OvsError(EXIT.NOINPUT, `--keep ${selection.unmatched.join(', ')} matched none of the ${records.length} target record(s) of ${portal}`, {
        while: 'choosing the targets to keep',
        hint: 'use an IQN, ADDRESS:PORT,TPGT or a glob from the list above',
      });
    }
    return { selection, keep: [...keep] };
  }
  if (!ctx.host.stdin.isTTY || ctx.global.json) {
    ctx.host.stderr.write(`ovs: ${portal} offers ${records.length} target record(s):\n${listing(records)}`);
    throw new OvsError(EXIT.USAGE, 'no --keep given and no terminal to ask on', {
      while: 'choosing the targets to keep',
      hint: `add --keep for each target the pool uses, e.g. --keep ${records[0]?.iqn ?? 'IQN'}`,
    });
  }
  const chosen = await ask(ctx, records, portal);
  const values = keepValues(records, chosen);
  return { selection: selectTargets(records, values), keep: values };
}
