/**
 * Saved plans: `ovs --dry-run --save-plan FILE COMMAND ...` and `ovs apply FILE`, on the
 * demo's sample server (a fresh pool master in memory) and as an --root image.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { demoServerOptions } from '../../src/lib/demo/sample-server.js';
import { memoryHost, type MemoryHost } from '../../src/lib/doubles/memory-host.js';
import { runOvs } from '../helpers/run.js';

const PLAN = '/root/plan.json';
const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const server = (): MemoryHost => {
  const h = memoryHost(demoServerOptions());
  h.vol.mkdirSync('/root', { recursive: true });
  return h;
};
const planOf = (h: MemoryHost) => JSON.parse(h.readText(PLAN));
const CONFIGURE = ['cluster-configure', '--node', 'ovs1.example.com', '--node', 'ovs2.example.com'];

describe('--save-plan', () => {
  it('writes the plan: format, version, argv without the globals, root, changes with hashes and content, generated values', async () => {
    const h = server();
    const r = await runOvs(['--dry-run', '--save-plan', PLAN, '--quiet', 'cluster-check', '--alter-fstab'], h);
    expect(r.exit).toBe(1); // the check's findings; the plan is saved all the same
    const p = planOf(h);
    expect(p).toMatchObject({ format: 'ovs-plan', version: 1, argv: ['cluster-check', '--alter-fstab'], root: '/' });
    expect(p.changes.map((c: { kind: string; path: string; result: string }) => `${c.kind} ${c.path} ${c.result}`)).toEqual(['write /etc/ovs/repositories planned', 'write /etc/fstab planned']);
    const repos = Buffer.from(p.changes[0].content, 'base64').toString('utf8');
    expect(p.changes[0]).toMatchObject({ before: null, after: sha(repos) });
    expect(p.changes[1].before).toBe(sha(h.readText('/etc/fstab')));
    expect(p.changes[0].diff).toBeUndefined();
    expect(p.generated).toEqual([{ what: 'repository uuid', value: expect.stringMatching(/^[0-9A-F]{32}$/) }]);
    expect(repos).toContain(p.generated[0].value);
    expect((h.vol.statSync(PLAN).mode as number) & 0o777).toBe(0o600);
    expect(h.exists('/etc/ovs/repositories')).toBe(false);
  });

  it('without --dry-run: 64, nothing saved', async () => {
    const h = server();
    const r = await runOvs(['--save-plan', PLAN, 'cluster-check', '--alter-fstab'], h);
    expect(r.exit).toBe(64);
    // A bad global option is said under the command it came with (as in the JSON envelope).
    expect(r.stderr).toBe('ovs: cluster-check: --save-plan saves the plan of a dry run: it goes with --dry-run\novs: hint: ovs --dry-run --save-plan FILE COMMAND ..., then ovs apply FILE\novs: nothing was changed\n');
    expect(h.exists(PLAN)).toBe(false);
  });

  it('a command whose plan cannot be complete in advance refuses with 64 and says why', async () => {
    const h = server();
    const r = await runOvs(['--dry-run', '--save-plan', PLAN, 'makerepo', 'fileserver.example.com:/OVS', 'C', 'cluster root'], h);
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain('ovs: makerepo: this plan cannot be saved: the storage must first be mounted: the .ovsrepo on it decides the uuid and whether one is written while planning makerepo for --save-plan\n');
    expect(h.exists(PLAN)).toBe(false);
    for (const argv of [['repositories', 'start'], ['format', '/dev/sdb'], ['iscsi-prep', '--portal', '10.0.0.1'], ['apply', PLAN]]) {
      const x = await runOvs(['--dry-run', '--save-plan', PLAN, ...argv], server());
      expect([argv[0], x.exit, x.stderr]).toEqual([argv[0], 64, expect.stringContaining('this plan cannot be saved: ')]);
    }
  });
});

describe('ovs apply', () => {
  it('round trip: the bytes and the uuid written are the ones the plan showed (the random source is replayed)', async () => {
    const h = server();
    await runOvs(['--dry-run', '--save-plan', PLAN, 'cluster-check', '--alter-fstab'], h);
    const p = planOf(h);
    const r = await runOvs(['--json', 'apply', PLAN], h);
    expect(r.exit).toBe(1); // cluster-check's own exit (findings), passed on
    expect(h.readText('/etc/ovs/repositories')).toBe(Buffer.from(p.changes[0].content, 'base64').toString('utf8'));
    expect(sha(h.readText('/etc/fstab'))).toBe(p.changes[1].after);
    expect(r.json.generated).toEqual(p.generated);
    expect(r.json.changes.map((c: { kind: string; path: string; result: string; after: string }) => [c.kind, c.path, c.result, c.after])).toEqual(
      p.changes.map((c: { kind: string; path: string; after: string }) => [c.kind, c.path, 'applied', c.after]),
    );
    expect(r.json.result).toMatchObject({ plan: PLAN, command: ['cluster-check', '--alter-fstab'], checked: ['/etc/ovs/repositories', '/etc/fstab'] });
    // Backed up and journaled like any run.
    const journal = h.readText('/var/log/ovs/journal.log');
    expect(journal).toContain('"path":"/etc/fstab"');
    expect(h.vol.readdirSync('/var/lib/ovs/backups').length).toBe(1);
  });

  it('the --json document has the same shape as the planned one', async () => {
    const h = server();
    const planned = await runOvs(['--json', '--dry-run', '--save-plan', PLAN, ...CONFIGURE], h);
    const applied = await runOvs(['--json', 'apply', PLAN], h);
    expect(applied.exit).toBe(0);
    expect(Object.keys(applied.json)).toEqual(Object.keys(planned.json));
    expect(applied.json.changes.map((c: { kind: string; path?: string }) => `${c.kind} ${c.path ?? ''}`)).toEqual(planned.json.changes.map((c: { kind: string; path?: string }) => `${c.kind} ${c.path ?? ''}`));
    expect(applied.json.dryRun).toBe(false);
  });

  it('a file the plan touches changed since: 65 naming it, nothing changed', async () => {
    const h = server();
    await runOvs(['--dry-run', '--save-plan', PLAN, 'cluster-check', '--alter-fstab'], h);
    h.vol.appendFileSync('/etc/fstab', '# an edit made after the review\n');
    const fstab = h.readText('/etc/fstab');
    const r = await runOvs(['apply', PLAN], h);
    expect(r.exit).toBe(65);
    expect(r.stderr).toMatch(/^ovs: apply: \/etc\/fstab changed since the plan was made \(the plan saw it sha256 [0-9a-f]{64}, it is now sha256 [0-9a-f]{64}\) while checking \/root\/plan\.json before applying it\n/);
    expect(r.stderr).toContain('ovs: hint: nothing was changed: review the new state and make a new plan (ovs --dry-run --save-plan /root/plan.json cluster-check --alter-fstab)\n');
    expect(h.readText('/etc/fstab')).toBe(fstab);
    expect(h.exists('/etc/ovs/repositories')).toBe(false);
    expect(h.exists('/var/log/ovs/journal.log')).toBe(false);
  });

  it('a file the plan creates appeared since: 65', async () => {
    const h = server();
    await runOvs(['--dry-run', '--save-plan', PLAN, 'cluster-check', '--alter-fstab'], h);
    h.vol.writeFileSync('/etc/ovs/repositories', '# made by hand\n');
    const r = await runOvs(['apply', PLAN], h);
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain('ovs: apply: /etc/ovs/repositories changed since the plan was made (the plan saw it absent, it is now sha256 ');
  });

  it('the command would now plan something else (a file it reads changed): 65, nothing changed', async () => {
    const h = server();
    await runOvs(['--dry-run', '--save-plan', PLAN, ...CONFIGURE], h);
    h.vol.writeFileSync('/etc/hosts', h.readText('/etc/hosts').replace('192.168.1.12', '192.168.1.22'));
    const r = await runOvs(['apply', PLAN], h);
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain('ovs: apply: cluster-configure no longer plans what /root/plan.json saved: change 2: the plan has write /etc/ocfs2/cluster.conf, the command now does write /etc/ocfs2/cluster.conf while checking /root/plan.json before applying it\n');
    expect(h.exists('/etc/ocfs2/cluster.conf')).toBe(false);
    expect(h.serviceLog).toEqual([]);
  });

  it('under --root: the image gets the uuid the plan showed; applying it to another root is 64', async () => {
    const h = memoryHost({ files: { '/root': null, '/img/etc/hostname': 'ovs2.example.com\n', '/img/etc/ovs': null } });
    await runOvs(['--root', '/img', '--dry-run', '--save-plan', PLAN, 'makerepo', 'fileserver.example.com:/OVS', 'C', 'cluster root', '--quiet'], h);
    const p = planOf(h);
    expect(p.root).toBe('/img');
    const uuid = p.generated.find((g: { what: string }) => g.what === 'repository uuid').value;
    const wrong = await runOvs(['apply', PLAN], h);
    expect(wrong.exit).toBe(64);
    expect(wrong.stderr).toContain('ovs: apply: /root/plan.json was planned for --root /img, not the live system while reading the plan\novs: hint: ovs --root /img apply /root/plan.json\n');
    const r = await runOvs(['--root', '/img', 'apply', PLAN], h);
    expect(r.exit).toBe(0);
    expect(h.readText('/img/etc/ovs/repositories')).toContain(`${uuid}  nfs`);
    expect(h.vol.readlinkSync('/img/OVS')).toBe(`/var/ovs/mount/${uuid}`);
  });

  it('--dry-run apply: checks and plans again, changes nothing', async () => {
    const h = server();
    await runOvs(['--dry-run', '--save-plan', PLAN, ...CONFIGURE], h);
    const r = await runOvs(['--dry-run', 'apply', PLAN], h);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('would apply /root/plan.json: ovs cluster-configure --node ovs1.example.com --node ovs2.example.com');
    expect(r.stdout).toContain('  write    /etc/ocfs2/cluster.conf');
    expect(h.exists('/etc/ocfs2/cluster.conf')).toBe(false);
  });

  it('not a plan: 65; no such file: 66', async () => {
    const h = server();
    h.vol.writeFileSync(PLAN, '{"format":"ovs-plan","version":7}');
    const v = await runOvs(['apply', PLAN], h);
    expect(v.exit).toBe(65);
    expect(v.stderr).toContain('ovs: apply: /root/plan.json is not a plan ovs can apply: format version 7 (this ovs reads version 1) while reading /root/plan.json\n');
    h.vol.writeFileSync(PLAN, 'not json');
    expect((await runOvs(['apply', PLAN], h)).stderr).toContain('is not a plan ovs can apply: not JSON');
    const m = await runOvs(['apply', '/root/none.json'], h);
    expect(m.exit).toBe(66);
    expect(m.stderr).toContain('ovs: apply: /root/none.json: no such file while reading the plan\n');
  });

  it('a saved content that does not match its hash (an edited plan): 65', async () => {
    const h = server();
    await runOvs(['--dry-run', '--save-plan', PLAN, ...CONFIGURE], h);
    const p = planOf(h);
    const w = p.changes.find((c: { content?: string }) => c.content);
    w.content = Buffer.from('edited\n').toString('base64');
    h.vol.writeFileSync(PLAN, JSON.stringify(p));
    const r = await runOvs(['apply', PLAN], h);
    expect(r.exit).toBe(65);
    expect(r.stderr).toContain(`is not a plan ovs can apply: the content saved for ${w.path} does not match its sha256`);
  });
});
