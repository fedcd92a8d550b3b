/**
 * What one check of `ovs cluster-check` finds: PASS, WARN, FAIL, or SKIP (a live-only check
 * under --root, or a check whose prerequisite already failed — one cause, one FAIL line).
 * A FAIL always carries the exact fix (a command, or the file and line to change).
 */

export type CheckStatus = 'PASS' | 'WARN' | 'FAIL' | 'SKIP';

export interface CheckResult {
  /** Stable identifier, `group.name` (a per-node check adds `:<node>`). */
  id: string;
  status: CheckStatus;
  /** What was found, in one line. */
  message: string;
  /** For a FAIL (and some WARNs): the fix, in one line; null otherwise. */
  hint: string | null;
}

export interface CheckSummary {
  pass: number;
  warn: number;
  fail: number;
  skip: number;
}

export const pass = (id: string, message: string): CheckResult => ({ id, status: 'PASS', message, hint: null });
export const warn = (id: string, message: string, hint: string | null = null): CheckResult => ({ id, status: 'WARN', message, hint });
export const fail = (id: string, message: string, hint: string): CheckResult => ({ id, status: 'FAIL', message, hint });
export const skip = (id: string, message: string): CheckResult => ({ id, status: 'SKIP', message, hint: null });
/** The wording for a live-only check under --root. */
export const skipOffline = (id: string, what: string): CheckResult => skip(id, `skipped (offline): ${what}`);

export function summarize(results: readonly CheckResult[]): CheckSummary {
  const s: CheckSummary = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const r of results) s[r.status.toLowerCase() as keyof CheckSummary] += 1;
  return s;
}

/** Rendered for a terminal or a log: status, id, finding; the fix indented on the next line. */
export function renderResults(results: readonly CheckResult[]): string[] {
  // As wide as the longest id, so the findings stay in one column whatever the ids.
  const width = Math.max(0, ...results.map((r) => r.id.length));
  const out: string[] = [];
  for (const r of results) {
    out.push(`${r.status.padEnd(4)}  ${r.id.padEnd(width)}  ${r.message}`);
    if (r.hint && r.status !== 'PASS') out.push(`      ${r.status === 'FAIL' ? 'fix' : 'note'}: ${r.hint}`);
  }
  return out;
}

export function renderSummary(s: CheckSummary): string {
  const parts = [`${s.pass} passed`, `${s.warn} warning${s.warn === 1 ? '' : 's'}`, `${s.fail} failed`];
  if (s.skip) parts.push(`${s.skip} skipped`);
  return `${parts.join(', ')}${s.fail ? ': fix the FAIL lines above and run ovs cluster-check again' : ''}`;
}
