/**
 * The plan is the run, on a real scratch image under --root (the integration variant of
 * test/commands/plan-is-run.test.ts): the built CLI plans each step of a kickstart-style
 * set-up (--dry-run), the image's tree hash is checked unchanged by the plan, then the step
 * runs for real on the same image and the two change lists are compared entry by entry
 * (kind, path, target, argv, service action, result, reason, content hash after). A step
 * that generates a value (a new repository uuid from the machine's random source) is
 * planned with --save-plan and run with `ovs apply`, which replays the plan's values.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

interface Change { kind: string; path?: string; target?: string; argv?: string[]; service?: unknown; result: string; reason?: string; after?: string | null }

function ovs(args: string[]): { exit: number; json: { exit: number; changes: Change[]; generated: unknown[]; result: unknown } } {
  const r = spawnSync('node', ['bin/ovs', '--json', ...args], { encoding: 'utf8' });
  return { exit: r.status ?? 128, json: JSON.parse(r.stdout) };
}

function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      const st = lstatSync(p);
      h.update(`${p.slice(dir.length)} ${st.mode} `);
      if (st.isSymbolicLink()) h.update(readlinkSync(p));
      else if (st.isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

const entry = (c: Change) => ({ kind: c.kind, path: c.path, target: c.target, argv: c.argv, service: c.service, result: c.result === 'planned' ? 'applied' : c.result, reason: c.reason, after: c.after });

describeWithTools(['node', 'npm', '/etc/init.d/o2cb'], 'the plan is the run on a real --root image', () => {
  let scratch: { path: string; remove: () => void };
  let img: string;

  beforeAll(() => {
    expect(spawnSync('npm', ['run', 'build'], { encoding: 'utf8' }).status).toBe(0);
    scratch = scratchDir('i13plan');
    img = join(scratch.path, 'img');
    for (const d of ['etc/init.d', 'usr/sbin', 'etc/ovs', 'etc/default']) mkdirSync(join(img, d), { recursive: true });
    copyFileSync('/etc/init.d/o2cb', join(img, 'etc/init.d/o2cb'));
    writeFileSync(join(img, 'usr/sbin/update-rc.d'), '');
    writeFileSync(join(img, 'etc/hostname'), 'ovs1.example.com\n');
    writeFileSync(join(img, 'etc/hosts'), '127.0.0.1 localhost\n192.168.1.11 ovs1.example.com ovs1\n192.168.1.12 ovs2.example.com ovs2\n');
    writeFileSync(join(img, 'etc/fstab'), 'fileserver.example.com:/OVS /OVS nfs defaults 0 0\n');
  });
  afterAll(() => scratch?.remove());

  const uuid = () => /^([0-9A-F]{32})\s+nfs\s+C\s/m.exec(readFileSync(join(img, 'etc/ovs/repositories'), 'utf8'))?.[1] as string;
  const steps: { name: string; argv: () => string[]; exit: number; generates?: boolean }[] = [
    { name: 'cluster-check --alter-fstab (planned with --save-plan, run with apply)', argv: () => ['cluster-check', '--alter-fstab'], exit: 1, generates: true },
    { name: 'cluster-configure', argv: () => ['cluster-configure', '--node', 'ovs1.example.com', '--node', 'ovs2.example.com'], exit: 0 },
    { name: 'services install', argv: () => ['services', 'install'], exit: 0 },
    { name: 'makerepo', argv: () => ['makerepo', 'fileserver.example.com:/OVS', 'C', 'Cluster Root'], exit: 0 },
    { name: 'services start (skipped offline in both)', argv: () => ['services', 'start'], exit: 0 },
    { name: 'hb-create (refused with 64 in both)', argv: () => ['hb-create'], exit: 64 },
    { name: 'offlinerepo -d', argv: () => ['offlinerepo', '-d', uuid()], exit: 0 },
  ];

  steps.forEach((s, k) => {
    it(`${k + 1}. ${s.name}: the plan leaves the image untouched and equals the run`, () => {
      const argv = s.argv();
      const before = treeHash(img);
      const planFile = join(scratch.path, `plan-${k}.json`);
      const plan = ovs(['--root', img, '--dry-run', ...(s.generates ? ['--save-plan', planFile] : []), ...argv]);
      expect(treeHash(img)).toBe(before);
      const run = s.generates ? ovs(['--root', img, 'apply', planFile]) : ovs(['--root', img, '--yes', ...argv]);
      expect([plan.exit, run.exit]).toEqual([s.exit, s.exit]);
      expect(run.json.changes.map(entry)).toEqual(plan.json.changes.map(entry));
      expect(run.json.generated).toEqual(plan.json.generated);
      if (s.exit !== 64) expect(run.json.changes.length).toBeGreaterThan(0);
    });
  });

  // "No-op means untouched": a run that changes nothing leaves no lock directory and no
  // journal line in the image.
  it('a second identical run under --root leaves the image tree hash unchanged', () => {
    const argv = ['--root', img, 'cluster-configure', '--node', 'ovs1.example.com', '--node', 'ovs2.example.com'];
    ovs(argv);
    const once = treeHash(img);
    expect(ovs(argv).json.changes.filter((c) => c.result !== 'skipped (offline)')).toEqual([]);
    expect(treeHash(img)).toBe(once);
  });
});
