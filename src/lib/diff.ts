/**
 * Unified diffs for the `--dry-run` plan (diff -u layout, 3 lines of context), from a
 * line-level Myers diff: O((N+M)·D), so a one-line edit of a 10 000-line fstab is cheap.
 */

type Op = { kind: ' ' | '-' | '+'; line: string };

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += '\n\\ No newline at end of file';
  return lines;
}

/** Shortest edit script between two line arrays (Myers 1986, forward greedy with trace). */
function editScript(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // A new or emptied file: D = N + M, where the traced search below costs O((N+M)^2)
  // (a 255-node cluster.conf took 125 ms of a dry run). Every line is simply added or removed.
  if (n === 0 || m === 0) return [...a.map((line) => ({ kind: '-' as const, line })), ...b.map((line) => ({ kind: '+' as const, line }))];
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // Step d only reads diagonals -d-1..d+1 of the previous step: keep just that window, so
  // the trace is O(D²) rather than O(D·(N+M)) (a full rewrite of a big file stays cheap).
  const trace: Int32Array[] = [];
  const at = (vd: Int32Array, d: number, k: number) => vd[k + d + 1] as number;
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)) ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) break outer;
    }
  }
  // Walk the trace back from (n, m).
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d] as Int32Array;
    const k = x - y;
    const down = k === -d || (k !== d && at(vd, d, k - 1) < at(vd, d, k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(vd, d, prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ kind: ' ', line: a[--x] as string }), y--;
    if (d > 0) {
      if (down) ops.push({ kind: '+', line: b[--y] as string });
      else ops.push({ kind: '-', line: a[--x] as string });
    }
  }
  return ops.reverse();
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`;
}

/**
 * A new or emptied file: one hunk of every line added or removed, written straight out (a
 * new 255-node cluster.conf is 1 789 lines: no edit script, no object per line).
 */
function wholeFileDiff(path: string, before: string, after: string): string {
  const adding = before === '';
  const lines = splitLines(adding ? after : before);
  const sign = adding ? '+' : '-';
  const hunk = adding ? `@@ -0,0 +${range(1, lines.length)} @@` : `@@ -${range(1, lines.length)} +0,0 @@`;
  return `--- ${adding ? '/dev/null' : path}\n+++ ${path}\n${hunk}\n${sign}${lines.join(`\n${sign}`)}\n`;
}

/** A unified diff of `before` → `after`, or '' when they are equal. */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  if (before === '' || after === '') return wholeFileDiff(path, before, after);
  const a = splitLines(before);
  const b = splitLines(after);
  // Lines the two texts share at the start and the end are no part of any change: only the
  // few next to it are shown (context), so the edit script runs on the rest (a one-node
  // change of a 255-node cluster.conf: one line, not 1 789 objects).
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const before0 = Math.max(0, head - context);
  const same = (line: string): Op => ({ kind: ' ', line });
  const ops = [...a.slice(before0, head).map(same), ...editScript(a.slice(head, a.length - tail), b.slice(head, b.length - tail)), ...a.slice(a.length - tail, a.length - tail + context).map(same)];
  const hunks: string[] = [];
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i]?.kind === ' ') i++;
    if (i >= ops.length) break;
    let start = Math.max(0, i - context);
    let end = i;
    // Extend while changes are within 2*context of each other.
    for (let j = i; j < ops.length; j++) {
      if (ops[j]?.kind !== ' ') end = j;
      else if (j - end > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + context + 1);
    let aStart = 1 + before0;
    let bStart = 1 + before0;
    for (let j = 0; j < start; j++) {
      if (ops[j]?.kind !== '+') aStart++;
      if (ops[j]?.kind !== '-') bStart++;
    }
    const slice = ops.slice(start, stop);
    const aCount = slice.filter((o) => o.kind !== '+').length;
    const bCount = slice.filter((o) => o.kind !== '-').length;
    hunks.push(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`);
    for (const o of slice) hunks.push(`${o.kind}${o.line}`);
    i = stop;
    start = stop;
  }
  return [`--- ${before === '' ? '/dev/null' : path}`, `+++ ${path}`, ...hunks].join('\n') + '\n';
}
