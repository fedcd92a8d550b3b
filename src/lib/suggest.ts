/**
 * "did you mean …?" for a name that is not found (a node of cluster.conf, mostly): the
 * closest candidate by edit distance, when it is close enough to be a typo. Case is ignored,
 * as host names ignore it.
 */

/** Levenshtein distance, one row at a time (names are short). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost));
    }
    prev = row;
  }
  return prev[b.length] as number;
}

/** The candidate closest to `name`, if at most a third of its length (at least 2) away. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const wanted = name.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    // A short name given for its FQDN (or the other way round) is the same host: a good guess.
    const distance = c.split('.')[0] === wanted.split('.')[0] ? 0 : editDistance(wanted, c);
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best || best.distance > Math.max(2, Math.floor(name.length / 3))) return undefined;
  return best.candidate;
}

/** ` (did you mean ovs2?)`, or nothing. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const c = closest(name, candidates);
  return c && c !== name ? ` (did you mean ${c}?)` : '';
}
