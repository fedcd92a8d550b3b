/**
 * The plan is the run (issue 13), for every command: on the same starting machine, the dry
 * run's change list and the real run's are compared entry by entry — kind, path, target,
 * argv, service action, result (planned <-> applied, skipped (offline) <-> skipped
 * (offline)), the reason of a skipped action, the content hash after — and so are the values
 * each run generated (repository UUIDs, temporary names, creation times).
 *
 * The starting machine is the demo's sample server (a fresh Oracle VM Server pool master in
 * memory, the ocfs2-tools double and simulated mount/umount): live at /, and the same files
 * as an image under --root /img. Step k starts from two identical machines on which steps
 * 1..k-1 were run for real: one plans step k, the other runs it.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/index.js';
import { demoServerOptions } from '../../src/lib/demo/sample-server.js';
import { memoryHost, type MemoryHost, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { runOvs } from '../helpers/run.js';

type Argv = string[] | ((h: MemoryHost) => string[]);
interface Step {
  argv: Argv;
  covers: string;
  /**
   * Live, it mounts storage first: the dry run cannot read the storage's `.ovsrepo` card,
   * so whether the run writes one (storage without a card) is the one thing its plan cannot
   * say (such a command refuses --save-plan). Everything else must still be equal.
   */
  mountsStorage?: boolean;
  /** The exit status live and under --root (a refusal must be the same refusal in both). */
  exits: [number, number];
}
interface Change { kind: string; path?: string; target?: string; argv?: string[]; service?: unknown; result: string; reason?: string; after?: string | null }

const ROOT_UUID = (h: MemoryHost, root: string) => /^([0-9A-F]{32})\s+nfs\s+C\s/m.exec(h.readText(`${root}/etc/ovs/repositories`))?.[1] as string;

/** The id of the last run of `command` in the journal (of the image under --root). */
const LAST_RUN = (h: MemoryHost, root: string, command: string) =>
  h.readText(`${root}/var/log/ovs/journal.log`).trim().split('\n').map((l) => JSON.parse(l) as { type: string; run: string; command: string }).filter((r) => r.type === 'begin' && r.command.includes(` --yes ${command} `)).at(-1)?.run as string;

/**
 * Step k runs at 12:00 + k minutes: each step a run id of its own (the memory host's clock is
 * fixed, its pid too), and the plan of a step and its run at the same time.
 */
function clockAt(h: MemoryHost, k: number): MemoryHost {
  const t = new Date(Date.UTC(2026, 10, 25, 12, k));
  (h as { now: () => Date }).now = () => new Date(t);
  return h;
}

/** The guide's NFS pool set-up and every command after it, in a order a server goes through. */
function steps(root: string): Step[] {
  return [
    { covers: 'completion', argv: ['completion', 'bash'], exits: [0, 0] },
    { covers: 'cluster-check', argv: ['cluster-check', '--alter-fstab'], exits: [1, 1] },
    { covers: 'cluster-configure', argv: ['cluster-configure', '--node', 'ovs1.example.com', '--node', 'ovs2.example.com', '--node', 'ovs3.example.com'], exits: [0, 0] },
    { covers: 'makerepo', argv: ['makerepo', 'fileserver.example.com:/OVS', 'C', 'Cluster Root'], mountsStorage: true, exits: [0, 0] },
    { covers: 'cluster-check', argv: ['cluster-check', '--master'], exits: [0, 1] },
    { covers: 'services', argv: ['services', 'start'], exits: [0, 0] },
    { covers: 'hb-create', argv: ['hb-create', '/OVS/.second_hb', '--size', '136M'], exits: [0, 64] },
    { covers: 'repositories', argv: ['repositories', 'reload'], exits: [0, 64] },
    { covers: 'repositories', argv: ['repositories', 'status'], exits: [0, 0] },
    { covers: 'repositories', argv: ['repositories', 'stop'], exits: [0, 64] },
    { covers: 'repositories', argv: ['repositories', 'start'], mountsStorage: true, exits: [0, 64] },
    { covers: 'services', argv: ['services', 'stop'], exits: [0, 0] },
    { covers: 'offlinerepo', argv: (h) => ['offlinerepo', '-d', ROOT_UUID(h, root === '/' ? '' : root)], exits: [0, 0] },
    { covers: 'demo', argv: ['demo'], exits: [0, 0] },
    // Read-only commands: their plan is that they change nothing, like their run. status: 3
    // live (the demo's O2CB is stopped by then), 1 in the image (needs attention).
    { covers: 'status', argv: ['status'], exits: [3, 1] },
    { covers: 'history', argv: ['history', '--last', '3'], exits: [0, 0] },
    // Live only: under --root the same refusal (64) in the plan and the run.
    { covers: 'pool-identity', argv: ['pool-identity'], exits: [0, 64] },
    // offlinerepo -d took the cluster root out: live, no storage to measure (78).
    { covers: 'hb-latency', argv: ['hb-latency', '--count', '3'], exits: [78, 64] },
    // A journaled run like any other: putting back what offlinerepo -d took out.
    { covers: 'undo', argv: (h) => ['undo', LAST_RUN(h, root === '/' ? '' : root, 'offlinerepo')], exits: [0, 0] },
  ];
}

/** Commands whose plan cannot be complete in advance: they refuse --save-plan (see their definitions). */
const INCOMPLETE = ['iscsi-prep', 'format'];

function machine(root: string): MemoryHostOptions {
  const o = demoServerOptions();
  if (root === '/') return o;
  const files: Record<string, string | null> = { '/img': null, '/img/etc/hostname': 'ovs1.example.com\n', '/img/etc/init.d/o2cb': '#!/bin/sh\n', '/img/etc/init.d/ocfs2': '#!/bin/sh\n', '/img/sbin/chkconfig': '' };
  for (const [p, c] of Object.entries(o.files ?? {})) if (p !== '/proc/mounts') files[`/img${p}`] = c as string | null;
  return { ...o, files };
}

const globals = (root: string) => (root === '/' ? [] : ['--root', root]);
const argvOf = (a: Argv, h: MemoryHost) => (typeof a === 'function' ? a(h) : a);

/** A machine on which the first `k` steps ran for real. */
async function after(root: string, k: number): Promise<MemoryHost> {
  const h = memoryHost(machine(root));
  for (const [i, s] of steps(root).slice(0, k).entries()) await runOvs([...globals(root), '--quiet', '--yes', ...argvOf(s.argv, h)], clockAt(h, i));
  return clockAt(h, k);
}

/** What the plan promises of a change, with the dry run's `planned` read as the run's `applied`. */
function entry(c: Change) {
  return {
    kind: c.kind,
    path: c.path,
    target: c.target,
    argv: c.argv,
    service: c.service,
    result: c.result === 'planned' ? 'applied' : c.result,
    reason: c.reason,
    after: c.after,
  };
}

function treeHash(h: MemoryHost, dir: string): string {
  const files = h.vol.toJSON(dir) as Record<string, string | null>;
  return createHash('sha256').update(JSON.stringify(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)))).digest('hex');
}

for (const root of ['/', '/img']) {
  describe(`the plan is the run, every command (${root === '/' ? 'live, memory host' : '--root image, memory host'})`, () => {
    steps(root).forEach((s, k) => {
      it(`${k + 1}. ${typeof s.argv === 'function' ? s.covers : s.argv.join(' ')}: the dry run's changes and generated values equal the run's`, async () => {
        const planHost = await after(root, k);
        const runHost = await after(root, k);
        const argv = argvOf(s.argv, runHost);
        const plan = await runOvs(['--json', ...globals(root), '--dry-run', ...argv], planHost);
        const run = await runOvs(['--json', ...globals(root), '--yes', ...argv], runHost);
        expect(run.exit).toBe(s.exits[root === '/' ? 0 : 1]);
        expect(plan.exit).toBe(run.exit);
        expect(plan.json.error).toEqual(run.json.error);
        const card = (c: Change) => root === '/' && s.mountsStorage === true && c.kind === 'write' && c.path?.endsWith('/.ovsrepo') === true;
        const compared = (r: typeof plan) => (r.json.changes as Change[]).filter((c) => !card(c)).map(entry);
        const generated = (r: typeof plan) => (r.json.generated as { what: string }[]).filter((g) => !(s.mountsStorage && root === '/' && g.what === 'creation time'));
        expect(compared(plan)).toEqual(compared(run));
        expect(generated(plan)).toEqual(generated(run));
        // No planned entry is left in a real run: what was not applied says why.
        expect((run.json.changes as Change[]).filter((c) => c.result === 'planned')).toEqual([]);
      });
    });

    it('covers every command (or it declares why its plan cannot be complete)', () => {
      const covered = new Set([...steps(root).map((s) => s.covers), ...INCOMPLETE, 'apply']);
      expect(COMMANDS.map((c) => c.name).filter((n) => !covered.has(n))).toEqual([]);
    });
  });
}

describe('a second identical run under --root leaves the image untouched', () => {
  // "No-op means untouched": a run that changes nothing takes no lock directory and journals
  // nothing, so the whole image (/img/run and /img/var/log/ovs included) hashes the same.
  it('every step, run twice: the image tree hash after the second run equals the one after the first', async () => {
    const h = memoryHost(machine('/img'));
    for (const [k, s] of steps('/img').entries()) {
      clockAt(h, k);
      const argv = ['--root', '/img', '--quiet', '--yes', ...argvOf(s.argv, h)];
      await runOvs(argv, h);
      const once = treeHash(h, '/img');
      await runOvs(argv, h);
      expect(treeHash(h, '/img'), argv.join(' ')).toBe(once);
    }
  });
});
