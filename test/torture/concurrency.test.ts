/**
 * 16 real processes at once, several rounds: `ovs --root IMG cluster-configure --add-node
 * nodeK=…` on one image. Every update must survive (the lock serialises them: no lost
 * update), every loser either waits and succeeds or (the last round, with --lock-timeout 0.5) exits
 * 75 naming the holder, changing nothing, and no live
 * lock is ever taken over (no process dies here, so any "stale lock" would be a live one).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseClusterConf } from '../../src/lib/formats/cluster-conf.js';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';
import { build, clusterImage, lockLeft, ovs, read, tempFiles, unfinished } from './helpers.js';

const WRITERS = 16;
const ROUNDS = Number(process.env.OVS_TORTURE_ROUNDS ?? 4);
/** The last round waits half a second at most: most of its writers must give up with 75. */
const timeoutOf = (round: number) => (round === ROUNDS - 1 ? ['--lock-timeout', '0.5'] : []);

describeWithTools(['node'], 'concurrent writers on one image (built CLI, real processes)', () => {
  const scratch = scratchDir('i11-concurrency');
  beforeAll(build);
  afterAll(() => scratch.remove());

  it(`${WRITERS} writers x ${ROUNDS} rounds: no lost update, losers 75 naming the holder, no live lock taken over`, async () => {
    const root = join(scratch.path, 'img');
    clusterImage(root);
    expect((await ovs(['--root', root, 'cluster-configure', '--node', 'ovs1=10.0.0.1'])).code).toBe(0);
    const expected = new Set(['ovs1']);
    const f = { runs: 0, ok: 0, timedOut: 0, other: [] as string[], lost: 0, liveTakenOver: 0, unnamed: 0 };
    const started = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      const results = await Promise.all(
        Array.from({ length: WRITERS }, (_, k) => {
          const n = round * WRITERS + k + 1;
          const name = `node${n}`;
          return ovs(['--root', root, ...timeoutOf(round), 'cluster-configure', '--add-node', `${name}=10.0.${1 + (n >> 8)}.${n & 255}`]).then((r) => ({ name, r }));
        }),
      );
      for (const { name, r } of results) {
        f.runs++;
        if (r.stderr.includes('taking over a stale lock')) f.liveTakenOver++;
        if (r.code === 0) {
          f.ok++;
          expected.add(name);
        } else if (r.code === 75) {
          f.timedOut++;
          if (!/another ovs run holds \/run\/lock\/ovs\.lock: pid \d+ \(ovs --root .* cluster-configure/.test(r.stderr)) f.unnamed++;
        } else f.other.push(`${name}: exit ${r.code}: ${r.stderr}`);
      }
      const nodes = new Set(parseClusterConf(read(root, '/etc/ocfs2/cluster.conf') ?? '').clusters.flatMap((c) => c.nodes.map((x) => x.name)));
      f.lost += [...expected].filter((n) => !nodes.has(n)).length;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `torture/concurrency (${seconds} s): ${f.runs} runs (${WRITERS} at a time x ${ROUNDS} rounds): ${f.ok} succeeded, ${f.timedOut} waited out the lock (75, ${f.unnamed} without naming the holder), ` +
        `${f.other.length} other exits; ${f.lost} lost updates, ${f.liveTakenOver} live locks taken over`,
    );
    expect(f.other).toEqual([]);
    expect([f.lost, f.liveTakenOver, f.unnamed]).toEqual([0, 0, 0]);
    expect(f.timedOut).toBeGreaterThan(0); // the short round did make losers
    expect(tempFiles(root)).toEqual([]);
    expect(lockLeft(root)).toBe(false);
    expect(unfinished(root)).toEqual([]);
  });
});
