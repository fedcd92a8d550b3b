/**
 * Rendering what a run did: the dry-run plan (a unified diff per file, the argv of each
 * program, each service action, in order) and the list of changes applied before a failure.
 */
import type { Change } from './changes.js';
import { eachLineEscaped, oneLine } from './errors.js';

function describeChange(c: Change): string {
  switch (c.kind) {
    case 'write':
      return `write    ${c.path}`;
    case 'mkdir':
      return `mkdir    ${c.path}`;
    case 'symlink':
      return `symlink  ${c.path} -> ${c.target}`;
    case 'remove':
      return `remove   ${c.path}`;
    case 'rmdir':
      return `rmdir    ${c.path}`;
    case 'rename':
      return `rename   ${c.path} -> ${c.target}`;
    case 'service':
      return `service  ${c.service?.action} ${c.service?.name}   (${(c.argv ?? []).join(' ')})`;
    case 'run':
      return `run      ${(c.argv ?? []).map(quoteArg).join(' ')}`;
  }
}

/** Shell-style quoting for display only (nothing is ever run through a shell). */
export function quoteArg(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

export function renderPlan(changes: readonly Change[]): string[] {
  if (changes.length === 0) return ['Plan (dry run): nothing to change.'];
  const out = ['Plan (dry run: nothing was changed):'];
  for (const c of changes) {
    // A live action under --root reads in the plan as the run will record it.
    const line = c.result === 'skipped (offline)' ? `${describeChange(c)}   skipped (offline): ${c.reason ?? ''}`.trimEnd() : describeChange(c);
    out.push(`  ${oneLine(line)}`);
    // A diff shows file content: escaped, so a hostile line cannot drive the terminal.
    if (c.diff) out.push(`    ${eachLineEscaped(c.diff.trimEnd()).replace(/\n/g, '\n    ')}`);
  }
  return out;
}

export function renderApplied(changes: readonly Change[]): string[] {
  return changes.map((c) => `  ${c.result.padEnd(9)} ${oneLine(describeChange(c))}`);
}
