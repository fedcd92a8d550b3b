/**
 * The one IP parser (src/lib/formats/ip.ts) against the machine's own inet_pton(3): every
 * literal of test/fixtures/ip/literals.ts is handed to libc through Perl's Socket module
 * (perl-base, always installed on Debian; Socket::inet_pton calls libc's directly), so the
 * table and the parser both answer to libc, not to anyone's memory of the rules.
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { isIPv4, isIPv6 } from '../../src/lib/formats/ip.js';
import { IP_LITERALS } from '../fixtures/ip/literals.js';
import { describeWithTools } from '../helpers/tools.js';

const SCRIPT = 'use Socket qw(inet_pton AF_INET AF_INET6); for (@ARGV) { print defined(inet_pton(AF_INET, $_)) ? 1 : 0, defined(inet_pton(AF_INET6, $_)) ? 1 : 0, "\\n" }';

/** [AF_INET, AF_INET6] verdicts of libc's inet_pton for each text, in order. */
function libcVerdicts(texts: readonly string[]): [boolean, boolean][] {
  const r = spawnSync('perl', ['-e', SCRIPT, '--', ...texts], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`perl: exit ${r.status}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => [l[0] === '1', l[1] === '1']);
}

describeWithTools(['perl'], "IP literals: ovs's parser and the table agree with libc's inet_pton", () => {
  it('for every literal of the table', () => {
    const texts = IP_LITERALS.map(([t]) => t);
    const libc = libcVerdicts(texts);
    expect(libc).toHaveLength(texts.length);
    const rows = texts.map((t, i) => ({ text: t, libc: libc[i], table: [IP_LITERALS[i]?.[1], IP_LITERALS[i]?.[2]], ovs: [isIPv4(t), isIPv6(t)] }));
    expect(rows.filter((r) => JSON.stringify(r.libc) !== JSON.stringify(r.table))).toEqual([]);
    expect(rows.filter((r) => JSON.stringify(r.libc) !== JSON.stringify(r.ovs))).toEqual([]);
    // The table covers both families and both verdicts (a table of one kind proves nothing).
    expect(new Set(libc.map((v) => v.join()))).toEqual(new Set(['true,false', 'false,true', 'false,false']));
  });
});
