/**
 * `ovs iscsi-prep` on the memory host, against the iscsiadm double of
 * test/helpers/iscsi-double.ts, which replays what the real open-iscsi 2.1.8 prints.
 * Every test checks what an operator sees: exit status, message, the exact iscsiadm
 * commands in order, and the node records left behind.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIscsiRecords } from '../../src/lib/formats/iscsiadm.js';
import { keepValues, parseChoice } from '../../src/lib/iscsi/choice.js';
import { parseDiscoveryPortal } from '../../src/lib/iscsi/portal.js';
import { sessionLines } from '../../src/lib/iscsi/sessions.js';
import { DEFAULT_PROGRAMS, memoryHost, type Expectation, type MemoryHost, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { iscsiDouble, line, type FakeRecord, type IscsiDoubleOptions } from '../helpers/iscsi-double.js';
import { diskMember, POOL_CONF } from '../helpers/pool-disk.js';
import { runOvs } from '../helpers/run.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/formats/${name}`, import.meta.url), 'utf8');
const EMC = 'iqn.1992-04.com.emc:cx.apm00070202838';
const emc: FakeRecord[] = parseIscsiRecords(fixture('emc-discovery.txt')).map(({ line: _l, ...r }) => r);
const TGT = 'iqn.2010-01.com.example.ovs';
const tgt = (n: number): FakeRecord => ({ address: '127.0.0.1', port: 3260, tpgt: 1, iqn: `${TGT}:target${n}` });
const SDB = ' 8     16   1048576 sdb';

interface Setup extends Partial<IscsiDoubleOptions> {
  host?: MemoryHostOptions;
  /** Answers that take precedence over the iscsiadm double (first match wins). */
  before?: Expectation[];
}

function setup(s: Setup = {}): { host: MemoryHost; double: ReturnType<typeof iscsiDouble> } {
  const double = iscsiDouble({ portals: { '10.1.1.1:3260': emc, '127.0.0.1:3260': [tgt(1), tgt(2), tgt(3)] }, ...s });
  const host = memoryHost({
    services: { iscsid: { running: true }, 'open-iscsi': {} },
    ...s.host,
    files: { '/proc/partitions': fixture('partitions-before.txt'), '/etc/debian_version': '12.11\n', ...s.host?.files },
    expect: [...(s.before ?? []), ...(s.host?.expect ?? [])],
    tools: [...double.tools, ...(s.host?.tools ?? [])],
  });
  return { host, double };
}

/** The iscsiadm calls that change the record database or sessions, in order. */
const changesRun = (host: MemoryHost): string[] =>
  host.calls
    .map((c) => c.argv)
    .filter((a) => a[0] === 'iscsiadm' && (a.includes('delete') || a.includes('update') || a.includes('--login') || (a[2] === 'discovery' && !a.includes('nonpersistent'))))
    .map((a) => a.join(' '));

describe('iscsi-prep: the guide\'s EMC example (replayed open-iscsi 2.1.8 output)', () => {
  it("keeps 10.1.1.1:3260,6 and deletes the other five records with the guide's step-4 commands", async () => {
    const { host, double } = setup();
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '10.1.1.1', '--keep', '10.1.1.1:3260,6', '--no-login'], host);
    expect(r.stderr).not.toMatch(/warning/);
    expect(r.exit).toBe(0);
    expect(changesRun(host)).toEqual([
      'iscsiadm -m discovery -t sendtargets -p 10.1.1.1:3260',
      `iscsiadm -m node -T ${EMC}.a2 -p 10.1.1.1:3260,5 -o delete`,
      `iscsiadm -m node -T ${EMC}.b1 -p 10.2.1.250:3260,4 -o delete`,
      `iscsiadm -m node -T ${EMC}.a0 -p 10.1.0.249:3260,1 -o delete`,
      `iscsiadm -m node -T ${EMC}.a1 -p 10.1.1.249:3260,2 -o delete`,
      `iscsiadm -m node -T ${EMC}.b0 -p 10.2.0.250:3260,3 -o delete`,
      `iscsiadm -m node -T ${EMC}.a3 -p 10.1.1.1:3260,6 -o update -n node.startup -v automatic`,
    ]);
    // Step 5: only the kept record is left, and it logs in at boot.
    expect([...double.nodes.values()].map((n) => `${line(n)} ${n.startup}`)).toEqual([`10.1.1.1:3260,6 ${EMC}.a3 automatic`]);
    expect(r.stdout).toContain('portal 10.1.1.1:3260: 6 target record(s) discovered');
    expect(r.stdout).toContain(`kept     10.1.1.1:3260,6 ${EMC}.a3  node.startup=automatic, skipped`);
    expect(r.stdout).toContain(`deleted  10.2.0.250:3260,3 ${EMC}.b0`);
  });

  it('--keep with a glob keeps a0 to a3 and deletes b0 and b1 only', async () => {
    const { host, double } = setup();
    const r = await runOvs(['--yes', '--json', 'iscsi-prep', '--portal', '10.1.1.1:3260', '--keep', `${EMC}.a*`, '--no-login'], host);
    expect(r.exit).toBe(0);
    expect(r.json.result.kept.map((k: { iqn: string }) => k.iqn.slice(-2)).sort()).toEqual(['a0', 'a1', 'a2', 'a3']);
    expect(r.json.result.deleted).toEqual([`10.2.1.250:3260,4 ${EMC}.b1`, `10.2.0.250:3260,3 ${EMC}.b0`]);
    expect([...double.nodes.values()].every((n) => n.startup === 'automatic')).toBe(true);
  });

  it('a second run with the same selection changes nothing and does not rediscover', async () => {
    const { host } = setup();
    const argv = ['--yes', 'iscsi-prep', '--portal', '10.1.1.1', '--keep', '10.1.1.1:3260,6', '--no-login'];
    expect((await runOvs(argv, host)).exit).toBe(0);
    const first = host.calls.length;
    const again = await runOvs(argv, host);
    expect(again.exit).toBe(0);
    const second = host.calls.slice(first).map((c) => c.argv.join(' '));
    // Read-only: the list, the record (where discovery found it), its node.startup.
    expect(second).toEqual(['service iscsid status', 'iscsiadm -m node', ...Array(2).fill(`iscsiadm -m node -T ${EMC}.a3 -p 10.1.1.1:3260,6`)]);
    expect(again.stdout).toContain('not rediscovered');
    expect(again.stdout).toContain('nothing to do');
    expect(again.stdout).toContain('node.startup=automatic (already)');
  });

  it('--rediscover runs discovery again and sets node.startup again (discovery reset it)', async () => {
    const { host, double } = setup();
    const argv = ['--yes', 'iscsi-prep', '--portal', '10.1.1.1', '--keep', `${EMC}.a3`, '--no-login'];
    await runOvs(argv, host);
    const before = changesRun(host).length;
    const r = await runOvs([...argv, '--rediscover'], host);
    expect(r.exit).toBe(0);
    expect(changesRun(host).slice(before)).toEqual([
      'iscsiadm -m discovery -t sendtargets -p 10.1.1.1:3260',
      ...emc.filter((e) => !e.iqn.endsWith('a3')).map((e) => `iscsiadm -m node -T ${e.iqn} -p ${e.address}:3260,${e.tpgt} -o delete`),
      `iscsiadm -m node -T ${EMC}.a3 -p 10.1.1.1:3260,6 -o update -n node.startup -v automatic`,
    ]);
    expect(double.nodes.size).toBe(1);
  });

  it('leaves node records of other portals alone', async () => {
    const other = { address: '127.0.0.2', port: 3260, tpgt: 1, iqn: 'iqn.2010-01.com.example.ovsb:target1', startup: 'automatic' };
    const { host, double } = setup({ nodes: [other] });
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target2`, '--no-login'], host);
    expect(r.exit).toBe(0);
    expect([...double.nodes.values()].map(line).sort()).toEqual([line(other), line(tgt(2))].sort());
  });

  it('on RHEL, where iscsid.conf says automatic, the kept record needs no update', async () => {
    const { host } = setup({ defaultStartup: 'automatic' });
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target1`, '--no-login'], host);
    expect(r.exit).toBe(0);
    expect(changesRun(host).filter((c) => c.includes('update'))).toEqual([]);
  });
});

describe('iscsi-prep: choosing the targets (replayed open-iscsi 2.1.8 output)', () => {
  it('without --keep and without a terminal: exit 64, the discovered records listed, no record written', async () => {
    const { host, double } = setup();
    const r = await runOvs(['iscsi-prep', '--portal', '127.0.0.1'], host);
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain(`ovs: 127.0.0.1:3260 offers 3 target record(s):\n  1  127.0.0.1:3260,1 ${TGT}:target1\n`);
    expect(r.stderr).toContain('ovs: iscsi-prep: no --keep given and no terminal to ask on while choosing the targets to keep');
    expect(r.stderr).toContain(`ovs: hint: add --keep for each target the pool uses, e.g. --keep ${TGT}:target1`);
    expect(changesRun(host)).toEqual([]);
    expect(double.nodes.size).toBe(0);
  });

  it('on a terminal: asks, re-asks after a bad answer, confirms, and says how to repeat the choice', async () => {
    const { host, double } = setup({ host: { tty: true, answers: ['7', '2', 'y'] } });
    const r = await runOvs(['iscsi-prep', '--portal', '127.0.0.1', '--no-login'], host);
    expect(r.exit).toBe(0);
    expect(r.stderr).toContain("ovs: '7' is not a choice between 1 and 3");
    expect(r.stderr).toContain('delete 2 node record(s) the pool does not use');
    expect([...double.nodes.keys()]).toEqual([line(tgt(2)).toLowerCase()]);
    expect(r.stdout).toContain(`to repeat this choice: ovs iscsi-prep --portal 127.0.0.1:3260 --keep '${TGT}:target2'`);
  });

  it('on a terminal: three bad answers end with exit 64', async () => {
    const { host } = setup({ host: { tty: true, answers: ['x', '0', ''] } });
    const r = await runOvs(['iscsi-prep', '--portal', '127.0.0.1'], host);
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain('ovs: iscsi-prep: no targets chosen while choosing the targets to keep');
  });

  it('deleting records without --yes and without a terminal: exit 64 before any record is written', async () => {
    const { host } = setup();
    const r = await runOvs(['iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target1`], host);
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain('confirmation needed: delete 2 node record(s) the pool does not use');
    expect(changesRun(host)).toEqual([]);
  });

  it('a --keep that matches nothing the portal offers is 66, with the list', async () => {
    const { host } = setup();
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target9`], host);
    expect(r.exit).toBe(66);
    expect(r.stderr).toContain(`ovs: iscsi-prep: --keep ${TGT}:target9 matched none of the 3 target record(s) of 127.0.0.1:3260 while choosing the targets to keep`);
    expect(r.stderr).toContain(`  3  127.0.0.1:3260,1 ${TGT}:target3`);
    expect(changesRun(host)).toEqual([]);
  });

  it('parseChoice and keepValues', () => {
    expect(parseChoice('1,3-4', 5)).toEqual([0, 2, 3]);
    expect(parseChoice(' all ', 2)).toEqual([0, 1]);
    for (const bad of ['', '0', '6', '2-1', 'a', '1;2']) expect(parseChoice(bad, 5)).toBeUndefined();
    const recs = parseIscsiRecords(`10.0.0.1:3260,1 iqn.a:x\n10.0.0.2:3260,2 iqn.a:x\n10.0.0.1:3260,1 iqn.a:y\n`);
    expect(keepValues(recs, [recs[2]!])).toEqual(['iqn.a:y']);
    expect(keepValues(recs, [recs[0]!])).toEqual(['10.0.0.1:3260,1 iqn.a:x']);
    expect(keepValues(recs, [recs[0]!, recs[1]!])).toEqual(['iqn.a:x']);
  });

  it('1 000 discovered records: one kept, 999 deletions planned (speed of the parser: npm run bench)', async () => {
    const many: FakeRecord[] = Array.from({ length: 1000 }, (_, i) => ({ address: `10.9.${i >> 8}.${i & 255}`, port: 3260, tpgt: 1, iqn: `iqn.2026-01.com.example:lun${i}` }));
    const { host } = setup({ portals: { '10.9.0.1:3260': many } });
    const r = await runOvs(['--dry-run', '--json', 'iscsi-prep', '--portal', '10.9.0.1', '--keep', 'iqn.2026-01.com.example:lun999'], host);
    expect(r.exit).toBe(0);
    expect(r.json.result.deleted).toHaveLength(999);
  });
});

describe('iscsi-prep: the portal (replayed open-iscsi 2.1.8 output)', () => {
  it('an unreachable portal is 66 with the reason (replayed open-iscsi 2.1.8 output)', async () => {
    const { host } = setup();
    const r = await runOvs(['iscsi-prep', '--portal', '127.0.0.9', '--keep', 'iqn.x:y'], host);
    expect(r.exit).toBe(66);
    expect(r.stderr).toContain('ovs: iscsi-prep: portal 127.0.0.9:3260 is unreachable: 127.0.0.9 refused the connection (nothing listens on the iSCSI port) (iscsiadm exit 11) while discovering the targets of portal 127.0.0.9:3260');
    expect(r.stderr).toContain('ovs: hint: check the portal address and that the storage listens on it (port 3260)');
  });

  it('the portal asked for is part of the selection: a record of the IQN from another portal is not used (66 on an unreachable one, no login)', async () => {
    const { host, double } = setup({ nodes: [{ ...tgt(2), discovery: '127.0.0.1:3260' }], login: () => ({}) });
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '127.0.0.9', '--keep', `${TGT}:target2`], host);
    expect(r.exit).toBe(66);
    expect(r.stderr).toContain('ovs: iscsi-prep: portal 127.0.0.9:3260 is unreachable: 127.0.0.9 refused the connection');
    expect(changesRun(host)).toEqual([]);
    expect([...double.nodes.values()].map(line)).toEqual([line(tgt(2))]);
    expect(double.sessions.size).toBe(0);
  });

  it('the kept records of the portal asked for are used as they are; a hand-made record counts when it is on that portal', async () => {
    for (const discovery of ['127.0.0.1:3260', undefined]) {
      const { host } = setup({ nodes: [{ ...tgt(2), startup: 'automatic', ...(discovery ? { discovery } : {}) }] });
      const r = await runOvs(['--yes', '--json', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target2`, '--no-login'], host);
      expect([r.exit, r.json.result.discovered, changesRun(host)]).toEqual([0, null, []]);
    }
    // The same record, found by discovery on another portal: this portal is asked again.
    const { host } = setup({ nodes: [{ ...tgt(2), startup: 'automatic', discovery: '10.1.1.1:3260' }] });
    const r = await runOvs(['--yes', '--json', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target2`, '--no-login'], host);
    expect(r.exit).toBe(0);
    expect(r.json.result.discovered).toHaveLength(3);
  });

  it('a portal that does not answer in --timeout is 66, not a hang', async () => {
    const { host } = setup({ portals: { '10.3.3.3:3260': 'timeout' } });
    const r = await runOvs(['iscsi-prep', '--portal', '10.3.3.3', '--keep', 'iqn.x:y', '--timeout', '5'], host);
    expect(r.exit).toBe(66);
    expect(r.stderr).toContain('portal 10.3.3.3:3260 did not answer within 5 s while discovering');
    const discovery = host.calls.find((c) => c.argv.includes('discovery'));
    expect(discovery?.argv).toEqual(['iscsiadm', '-m', 'discovery', '-t', 'sendtargets', '-p', '10.3.3.3:3260', '-o', 'nonpersistent']);
  });

  it('an unresolvable portal name is 66 (replayed open-iscsi 2.1.8 output)', async () => {
    const { host } = setup({ portals: { 'storage.invalid:3260': 'unresolvable' } });
    const r = await runOvs(['iscsi-prep', '--portal', 'storage.invalid', '--keep', 'iqn.x:y'], host);
    expect(r.exit).toBe(66);
    expect(r.stderr).toContain('cannot resolve the portal host 999.1.1.1');
  });

  it('no iSCSI transport in the kernel is 69 with the fix (replayed open-iscsi 2.1.8 output)', async () => {
    const { host } = setup({ portals: { '10.1.1.1:3260': 'no-transport' } });
    const r = await runOvs(['iscsi-prep', '--portal', '10.1.1.1', '--keep', 'iqn.x:y'], host);
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('the iSCSI TCP transport (kernel module iscsi_tcp) is not loaded (iscsiadm exit 12)');
    expect(r.stderr).toContain('ovs: hint: modprobe iscsi_tcp, or start the iSCSI service');
  });

  it('a portal offering nothing is 66; unreadable discovery output is 69', async () => {
    const { host } = setup({ portals: { '10.1.1.1:3260': [], '10.1.1.2:3260': { stdout: 'garbage here now\n' } } });
    const empty = await runOvs(['iscsi-prep', '--portal', '10.1.1.1', '--keep', 'iqn.x:y'], host);
    expect(empty.exit).toBe(66);
    expect(empty.stderr).toContain('portal 10.1.1.1:3260 offers no targets to this initiator');
    const garbage = await runOvs(['iscsi-prep', '--portal', '10.1.1.2', '--keep', 'iqn.x:y'], host);
    expect(garbage.exit).toBe(69);
    expect(garbage.stderr).toContain('unexpected output from iscsiadm: line 1: expected "ADDRESS:PORT,TPGT IQN"');
  });

  it('parseDiscoveryPortal', () => {
    expect(parseDiscoveryPortal('10.1.1.1')).toEqual({ host: '10.1.1.1', port: 3260, text: '10.1.1.1:3260' });
    expect(parseDiscoveryPortal('san.example.com:3261').text).toBe('san.example.com:3261');
    expect(parseDiscoveryPortal('[fd00::1]:3260').text).toBe('[fd00::1]:3260');
    expect(parseDiscoveryPortal('fd00::1').text).toBe('[fd00::1]:3260');
    for (const bad of ['', '-o', '10.1.1.999', '10.1.1', '10.1.1.1:0', '10.1.1.1:99999', 'a b', 'host:', '[zz::1]', 'x_y.com', '01.1.1.1']) {
      expect(() => parseDiscoveryPortal(bad), bad).toThrow(/is not HOST\[:PORT\]|is not 1-65535/);
    }
  });
});

describe('iscsi-prep: preflight and the iSCSI service (replayed open-iscsi 2.1.8 output)', () => {
  it.each([
    ['/etc/debian_version', 'apt-get install open-iscsi'],
    ['/etc/redhat-release', 'yum install iscsi-initiator-utils'],
    ['/etc/ovs-release', 'rpm -Uvh iscsi-initiator-utils-*.rpm'],
  ])('iscsiadm missing (%s): 69 naming the package', async (release, hint) => {
    const r = await runOvs(['iscsi-prep', '--portal', '10.1.1.1', '--keep', 'iqn.x:y'], { files: { [release]: 'x\n' }, programs: [] });
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: iscsi-prep: iscsiadm is not installed while checking for the iSCSI initiator');
    expect(r.stderr).toContain(hint);
  });

  it('iscsiadm missing on an unknown system names both packages', async () => {
    const r = await runOvs(['iscsi-prep', '--portal', '10.1.1.1', '--keep', 'iqn.x:y'], { programs: [] });
    expect(r.stderr).toContain('install open-iscsi or iscsi-initiator-utils: apt-get install open-iscsi (Debian, Ubuntu), or yum install iscsi-initiator-utils (Oracle VM Server, RHEL; on Oracle VM Server: rpm -Uvh iscsi-initiator-utils-*.rpm from its CD)');
  });

  it('no iSCSI service installed is 69', async () => {
    const r = await runOvs(['iscsi-prep', '--portal', '10.1.1.1', '--keep', 'iqn.x:y'], { files: { '/etc/debian_version': '12\n' } });
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('no iSCSI service is installed (iscsi, iscsid or open-iscsi) while looking for the iSCSI service');
  });

  it("starts the guide's `iscsi` service where it exists (Oracle VM, RHEL)", async () => {
    const { host } = setup({ host: { services: { iscsi: { running: false } }, files: { '/etc/redhat-release': 'x\n' } } });
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target1`, '--no-login'], host);
    expect(r.exit).toBe(0);
    expect(host.serviceLog).toEqual(['status iscsi', 'start iscsi']);
  });

  it('a service that fails to start is a warning; the run goes on', async () => {
    const { host } = setup({ host: { services: { iscsid: { failStart: { stderr: 'iscsid: can not create NETLINK_ISCSI socket\n' } } } } });
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target1`, '--no-login'], host);
    expect(r.exit).toBe(0);
    expect(r.stderr).toContain('ovs: warning: the iSCSI service iscsid did not start (iscsid: can not create NETLINK_ISCSI socket); continuing, the login step needs it');
  });
});

describe('iscsi-prep: logging in and the new disks (replayed open-iscsi 2.1.8 output; login success text from its source)', () => {
  it('the login failure seen on this machine is 69, said plainly (replayed open-iscsi 2.1.8 output)', async () => {
    const { host, double } = setup({ login: 'no-iscsid' });
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target1`], host);
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain(`ovs: iscsi-prep: cannot connect to iscsid (the iSCSI daemon is not running) (iscsiadm exit 20) while logging in to 127.0.0.1:3260,1 ${TGT}:target1`);
    expect(r.stderr).toContain('ovs: hint: start the iSCSI service: service iscsi start');
    expect(r.stderr).toContain('ovs: changes applied before the failure:');
    expect(double.nodes.get(line(tgt(1)).toLowerCase())?.startup).toBe('automatic');
  });

  it('logs in and reports the new disk with its target (replayed open-iscsi 2.1.8 output)', async () => {
    const { host } = setup({ login: () => ({ partition: SDB, session: 1 }) });
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target2`], host);
    expect(r.exit).toBe(0);
    expect(changesRun(host).at(-1)).toBe(`iscsiadm -m node -T ${TGT}:target2 -p 127.0.0.1:3260,1 --login`);
    expect(r.stdout).toContain(`kept     127.0.0.1:3260,1 ${TGT}:target2  node.startup=automatic, logged in`);
    expect(r.stdout).toContain(`new block devices:\n  sdb  1048576 blocks  ${TGT}:target2\n`);
  });

  it('a new disk sysfs cannot tie to a target is still reported once it settles', async () => {
    const { host } = setup({ login: () => ({ partition: SDB }) });
    const r = await runOvs(['--yes', '--json', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target2`], host);
    expect(r.exit).toBe(0);
    expect(r.json.result.devices).toEqual([{ name: 'sdb', blocks: 1048576 }]);
  });

  it('no new disk within --wait is 75 (retry), after polling for that long', async () => {
    const { host } = setup({ login: () => ({}) });
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target2`, '--wait', '2'], host);
    expect(r.exit).toBe(75);
    expect(r.stderr).toContain(`no new block device appeared within 2 s of logging in while waiting for the disks of ${TGT}:target2`);
  });

  it('the wait shows elapsed against --wait without a terminal: one plain line per second of polling, at most ten', async () => {
    const { host } = setup({ login: () => ({}) });
    let clock = host.now().getTime();
    host.now = () => new Date(clock);
    host.sleep = async (ms) => void (clock += ms); // the clock moves only while ovs waits
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target2`, '--wait', '5'], host);
    expect(r.exit).toBe(75);
    const waiting = `ovs: waiting for the new disks of ${TGT}:target2`;
    expect(r.stderr).toContain('ovs: asking portal 127.0.0.1:3260 for its targets\n');
    expect(r.stderr).toContain('ovs: discovering the targets of portal 127.0.0.1:3260\n');
    expect(r.stderr.split('\n').filter((l) => l.startsWith(waiting))).toEqual([waiting, ...[1, 2, 3, 4, 5].map((s) => `${waiting}: ${s} s of 5 s`)]);
  });

  it('discovery shows the seconds it has taken against --timeout while a slow portal answers (real clock, replayed iscsiadm output)', async () => {
    const slow: Expectation = {
      argv: ['iscsiadm', '-m', 'discovery', '-t', 'sendtargets', '-p', /^127\.0\.0\.1/, '-o', 'nonpersistent'],
      respond: async () => {
        await new Promise((r) => setTimeout(r, 2500)); // the portal answers after 2.5 s
        return { exitCode: 0, stdout: [1, 2, 3].map((n) => `${line(tgt(n))}\n`).join('') };
      },
    };
    const { host } = setup({ before: [slow] });
    host.now = () => new Date();
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target2`, '--timeout', '3', '--no-login'], host);
    expect(r.exit, r.stderr).toBe(0);
    const asking = 'ovs: asking portal 127.0.0.1:3260 for its targets';
    const ticks = r.stderr.split('\n').filter((l) => l.startsWith(`${asking}: `));
    expect(ticks.length, r.stderr).toBeGreaterThanOrEqual(1);
    for (const t of ticks) expect(t).toMatch(/: [12] s of 3 s$/);
  });

  it('a record with a session already is not logged in again', async () => {
    const { host } = setup({ nodes: [{ ...tgt(2), startup: 'automatic' }], sessions: [line(tgt(2))] });
    const r = await runOvs(['iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target2`], host);
    expect(r.exit).toBe(0);
    expect(changesRun(host)).toEqual([]);
    expect(r.stdout).toContain('already logged in');
    expect(r.stdout).toContain('nothing to do');
  });

  it('--restart-service logs in the way the guide does (service restart)', async () => {
    const { host, double } = setup();
    host.expect({ argv: ['service', 'open-iscsi', 'restart'], respond: () => { double.sessions.add(line(tgt(1)).toLowerCase()); host.vol.appendFileSync('/proc/partitions', `${SDB}\n`); return { exitCode: 0 }; } });
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target1`, '--restart-service'], host);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('  sdb  1048576 blocks');
    expect(changesRun(host).some((c) => c.includes('--login'))).toBe(false);
  });

  it('--restart-service that logs in to nothing is 69', async () => {
    const { host } = setup();
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target1`, '--restart-service'], host);
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain(`the iSCSI service open-iscsi restarted but did not log in to 127.0.0.1:3260,1 ${TGT}:target1`);
    expect(r.stderr).toContain(`ovs: hint: log in by hand to see why: iscsiadm -m node -T ${TGT}:target1 -p 127.0.0.1:3260,1 --login`);
  });

  it('--restart-service whose restart fails is 69', async () => {
    const { host } = setup({ host: { services: { iscsid: { running: true }, 'open-iscsi': { failStart: {} } } } });
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target1`, '--restart-service'], host);
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('the iSCSI service open-iscsi failed to restart (exit 1)');
  });

  it('sessionLines reads both the current and the older session listing', () => {
    expect(parseIscsiRecords(sessionLines(`tcp: [1] 127.0.0.1:3260,1 ${TGT}:target1 (non-flash)\ntcp [3] 10.15.85.19:3260,3 iqn.1992-08.com.netapp:sn.33615311\n`)).map((r) => r.tpgt)).toEqual([1, 3]);
  });
});

describe('iscsi-prep: iscsiadm failing midway (replayed open-iscsi 2.1.8 exit codes)', () => {
  const keep2 = ['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target2`, '--no-login'];
  const node = (n: number, ...rest: string[]) => ['iscsiadm', '-m', 'node', '-T', `${TGT}:target${n}`, '-p', '127.0.0.1:3260,1', ...rest];
  const IDBM = { exitCode: 6, stderr: 'iscsiadm: Could not open /etc/iscsi/nodes: Permission denied\n' };

  it('a record already gone when deleting it is not an error', async () => {
    const { host } = setup({ before: [{ argv: node(1, '-o', 'delete'), result: { exitCode: 21, stderr: fixture('no-records.stderr') } }] });
    const r = await runOvs(['--json', ...keep2], host);
    expect(r.exit).toBe(0);
    expect(r.json.result.deleted).toEqual([`127.0.0.1:3260,1 ${TGT}:target3`]);
  });

  it('a delete that fails otherwise is 69, with what was applied', async () => {
    const { host } = setup({ before: [{ argv: node(1, '-o', 'delete'), result: IDBM }] });
    const r = await runOvs(keep2, host);
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain(`ovs: iscsi-prep: the iSCSI record database (/etc/iscsi) could not be read or written (iscsiadm exit 6) while deleting the node record 127.0.0.1:3260,1 ${TGT}:target1`);
    expect(r.stderr).toContain('applied   run      iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3260');
  });

  it('node.startup cannot be set: 69 (record vanished, or the database failed)', async () => {
    const gone = await runOvs(keep2, setup({ before: [{ argv: node(2, '-o', 'update', '-n', 'node.startup', '-v', 'automatic'), result: { exitCode: 21 } }] }).host);
    expect(gone.exit).toBe(69);
    expect(gone.stderr).toContain(`the node record 127.0.0.1:3260,1 ${TGT}:target2 disappeared while setting node.startup to automatic`);
    const failed = await runOvs(keep2, setup({ before: [{ argv: node(2, '-o', 'update', '-n', 'node.startup', '-v', 'automatic'), result: IDBM }] }).host);
    expect(failed.exit).toBe(69);
    expect(failed.stderr).toContain(`while setting node.startup to automatic on 127.0.0.1:3260,1 ${TGT}:target2`);
  });

  it('listing the node records or the sessions failing is 69', async () => {
    const nodes = await runOvs(keep2, setup({ before: [{ argv: ['iscsiadm', '-m', 'node'], result: IDBM }] }).host);
    expect(nodes.exit).toBe(69);
    expect(nodes.stderr).toContain('(iscsiadm exit 6) while listing the iSCSI node records');
    const sessions = await runOvs(keep2.filter((a) => a !== '--no-login'), setup({ before: [{ argv: ['iscsiadm', '-m', 'session'], result: { exitCode: 18, stderr: 'iscsiadm: Could not read session info\n' } }] }).host);
    expect(sessions.exit).toBe(69);
    expect(sessions.stderr).toContain('talking to iscsid failed (iscsiadm exit 18) while listing the iSCSI sessions');
    expect(sessions.stderr).toContain('ovs: hint: restart the iSCSI service');
  });

  it('a login that finds its session already there (exit 15) is not an error and waits for nothing', async () => {
    const { host } = setup({ before: [{ argv: node(2, '--login'), result: { exitCode: 15, stderr: 'iscsiadm: default: 1 session requested, but 1 already present.\n' } }] });
    const r = await runOvs(keep2.filter((a) => a !== '--no-login'), host);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('node.startup=automatic, already logged in');
  });

  it('targets that change between the probe and the discovery: 66, or the discovery failing after the probe', async () => {
    const vanished = setup({ before: [{ argv: ['iscsiadm', '-m', 'discovery', '-t', 'sendtargets', '-p', '127.0.0.1:3260'], result: { exitCode: 0, stdout: `${line(tgt(1))}\n` } }] });
    const r = await runOvs(keep2, vanished.host);
    expect(r.exit).toBe(66);
    expect(r.stderr).toContain(`the targets of 127.0.0.1:3260 changed during discovery: --keep ${TGT}:target2 no longer matches`);
    const failing = setup({ before: [{ argv: ['iscsiadm', '-m', 'discovery', '-t', 'sendtargets', '-p', '127.0.0.1:3260'], result: { exitCode: 11, stderr: fixture('discovery-unreachable.stderr').replaceAll('127.0.0.9', '127.0.0.1') } }] });
    const f = await runOvs(keep2, failing.host);
    expect(f.exit).toBe(66);
    expect(f.stderr).toContain('portal 127.0.0.1:3260 is unreachable');
  });

  it('a kept target whose disk does not show up is a warning when another one did', async () => {
    const { host } = setup({ login: (r) => (r.iqn.endsWith('target1') ? { partition: SDB, session: 1 } : {}) });
    const r = await runOvs(['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target1`, '--keep', `${TGT}:target3`, '--wait', '1'], host);
    expect(r.exit).toBe(0);
    expect(r.stderr).toContain(`ovs: warning: no new block device from ${TGT}:target3 yet`);
    expect(r.stdout).toContain(`  sdb  1048576 blocks  ${TGT}:target1`);
  });
});

describe('iscsi-prep: options, dry run, --root (replayed open-iscsi 2.1.8 output)', () => {
  it.each([
    [[], 64, '--portal is required'],
    [['--portal', '10.1.1.999'], 65, "portal '10.1.1.999' is not HOST[:PORT] while reading --portal"],
    [['--portal', '[1:2]'], 65, "portal '[1:2]' is not HOST[:PORT] while reading --portal"],
    [['--portal', '[1:2]:3260'], 65, "portal '[1:2]:3260' is not HOST[:PORT] while reading --portal"],
    [['--portal', '1::2::3'], 65, "portal '1::2::3' is not HOST[:PORT] while reading --portal"],
    [['--portal', '[fe80::1%eth0]'], 65, "portal '[fe80::1%eth0]' is not HOST[:PORT] while reading --portal"],
    [['--portal', '010.1.1.1'], 65, "portal '010.1.1.1' is not HOST[:PORT] while reading --portal"],
    [['--portal', '127.1'], 65, "portal '127.1' is not HOST[:PORT] while reading --portal"],
    [['--portal', '10.1.1.1', '--keep', 'a b c'], 65, 'is not a pattern (IQN, ADDRESS:PORT,TPGT or a glob) while reading --keep'],
    [['--portal', '10.1.1.1', '--wait', 'soon'], 65, "--wait 'soon' is not a whole number of seconds between 0 and 3600"],
    [['--portal', '10.1.1.1', '--timeout', '0'], 65, '--timeout'],
    [['--portal', '10.1.1.1', '--no-login', '--restart-service'], 64, '--no-login and --restart-service contradict each other'],
  ])('%j is refused with %i before anything runs', async (args, exit, message) => {
    const { host } = setup();
    const r = await runOvs(['iscsi-prep', ...args], host);
    expect(r.exit).toBe(exit);
    expect(r.stderr).toContain(message);
    expect(host.calls).toEqual([]);
    expect(host.serviceLog).toEqual([]);
  });

  it('is refused under --root (needs the live machine)', async () => {
    const r = await runOvs(['--root', '/img', 'iscsi-prep', '--portal', '10.1.1.1'], { files: { '/img': null } });
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain('iscsi-prep needs the live machine and cannot run under --root /img');
  });

  it('--dry-run probes the portal and prints the whole plan, changing nothing', async () => {
    const { host, double } = setup({ host: { services: { iscsid: { running: false } } } });
    const r = await runOvs(['--dry-run', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target2`], host);
    expect(r.exit).toBe(0);
    expect(changesRun(host)).toEqual([]);
    expect(double.nodes.size).toBe(0);
    for (const planned of [
      'iscsiadm -m discovery -t sendtargets -p 127.0.0.1:3260',
      `iscsiadm -m node -T ${TGT}:target1 -p 127.0.0.1:3260,1 -o delete`,
      `iscsiadm -m node -T ${TGT}:target2 -p 127.0.0.1:3260,1 -o update -n node.startup -v automatic`,
      `iscsiadm -m node -T ${TGT}:target2 -p 127.0.0.1:3260,1 --login`,
    ]) {
      expect(r.stdout).toContain(planned);
    }
    expect(r.stdout).toMatch(/start iscsid/);
  });

  it('--json carries the result', async () => {
    const { host } = setup();
    const r = await runOvs(['--yes', '--json', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target3`, '--no-login'], host);
    expect(r.json).toMatchObject({
      ok: true,
      exit: 0,
      result: {
        portal: '127.0.0.1:3260',
        service: { name: 'iscsid', state: 'running' },
        kept: [{ iqn: `${TGT}:target3`, portal: '127.0.0.1:3260,1', startupSet: true, login: 'skipped' }],
        keep: [`${TGT}:target3`],
        asked: false,
        changed: true,
      },
    });
    expect(r.json.result.discovered).toHaveLength(3);
  });
});

describe('iscsi-prep --all-nodes: every pool member sees the kept targets\' disks (replayed open-iscsi 2.1.8 output)', () => {
  const WWID = 'naa.6001405a1b2c3d4e5f60718293a4b5c6';
  const SIZE = 1048576 * 1024;
  /** A pool of three; logging in to target2 brings sdb (session 1), whose LUN has WWID. */
  const pool = (members: Expectation[], s: Setup = {}) =>
    setup({
      login: () => ({ partition: SDB, session: 1 }),
      ...s,
      host: {
        hostname: 'ovs1.example.com',
        programs: [...DEFAULT_PROGRAMS, 'blockdev'],
        blockDevices: ['/dev/sdb'],
        files: {
          '/etc/ocfs2/cluster.conf': POOL_CONF,
          '/etc/sysconfig/o2cb': 'O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=ocfs2\n',
          '/dev/sdb': '',
          // Where /sys/class/block/sdb leads once the login made it (iscsi-double.ts).
          '/sys/devices/platform/host3/session1/target3:0:0/3:0:0:0/block/sdb/device/wwid': `${WWID}\n`,
          ...s.host?.files,
        },
        expect: members,
        tools: [{ argv: ['blockdev', '--getsize64', '/dev/sdb'], result: { exitCode: 0, stdout: `${SIZE}\n` } }],
      },
    });
  const argv = ['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target2`, '--all-nodes'];

  it('logs in, then asks every member for the WWID and says where each sees the disk', async () => {
    const { host } = pool([diskMember('ovs2.example.com', { device: '/dev/sdc', size: SIZE }), diskMember('ovs3.example.com', { device: '/dev/sdb', size: SIZE })]);
    const r = await runOvs(argv, host);
    expect(r.exit, r.stderr).toBe(0);
    expect(r.stdout).toContain(`every pool member sees /dev/sdb (WWID ${WWID}): ovs2.example.com as /dev/sdc, ovs3.example.com as /dev/sdb\n`);
    expect(host.calls.filter((c) => c.argv[0] === 'ssh').map((c) => c.input)).toEqual([`${WWID}\n`, `${WWID}\n`]);
    // The question comes after the login: the disk only exists here once logged in.
    expect(host.calls.findIndex((c) => c.argv[0] === 'ssh')).toBeGreaterThan(host.calls.findIndex((c) => c.argv.includes('--login')));
  });

  it('a member not logged in yet and one seeing another size: exit 78 naming both, the login here stays', async () => {
    const { host } = pool([diskMember('ovs2.example.com'), diskMember('ovs3.example.com', { device: '/dev/sdd', size: 2 * SIZE })]);
    const r = await runOvs(argv, host);
    expect(r.exit).toBe(78);
    expect(r.stderr).toContain(
      `ovs: iscsi-prep: not every pool member sees /dev/sdb (WWID ${WWID}, 1G): ovs2.example.com sees no disk with this WWID; ovs3.example.com sees it as /dev/sdd of 2G, not 1G while confirming that every pool member sees the disk\n` +
        'ovs: hint: run ovs iscsi-prep (the same --portal and --keep) on each server named, or make it reachable over SSH, then this command again; the logins here stay',
    );
    expect(r.stderr).toContain('ovs: changes applied before the failure:');
    expect(changesRun(host).at(-1)).toBe(`iscsiadm -m node -T ${TGT}:target2 -p 127.0.0.1:3260,1 --login`);
  });

  it('run again on a server already logged in: no new disk, the kept target\'s disk is still compared', async () => {
    const { host } = pool([diskMember('ovs2.example.com', { device: '/dev/sdb', size: SIZE }), diskMember('ovs3.example.com', { device: '/dev/sdb', size: SIZE })], {
      nodes: [{ ...tgt(2), startup: 'automatic' }],
      sessions: [line(tgt(2))],
      host: { files: { '/sys/class/iscsi_session/session1/targetname': `${TGT}:target2\n` } },
    });
    host.vol.appendFileSync('/proc/partitions', `${SDB}\n`);
    host.vol.mkdirSync('/sys/class/block', { recursive: true });
    host.vol.symlinkSync('../../devices/platform/host3/session1/target3:0:0/3:0:0:0/block/sdb', '/sys/class/block/sdb');
    const r = await runOvs(argv, host);
    expect(r.exit, r.stderr).toBe(0);
    expect(changesRun(host)).toEqual([]);
    expect(r.stdout).toContain(`every pool member sees /dev/sdb (WWID ${WWID}): ovs2.example.com as /dev/sdb, ovs3.example.com as /dev/sdb\n`);
  });

  it('a disk without a WWID cannot be recognised elsewhere: exit 78 before asking anyone', async () => {
    const { host } = pool([]);
    host.vol.unlinkSync('/sys/devices/platform/host3/session1/target3:0:0/3:0:0:0/block/sdb/device/wwid');
    const r = await runOvs(argv, host);
    expect(r.exit).toBe(78);
    expect(r.stderr).toContain('ovs: iscsi-prep: /dev/sdb has no WWID (/sys/class/block/sdb/device/wwid): the other servers cannot recognise it while confirming that every pool member sees the disk\n');
    expect(r.stderr).toContain('ovs: hint: check on every server that it sees this LUN (ls -l /dev/disk/by-id), then run the command again without --all-nodes');
    expect(host.calls.filter((c) => c.argv[0] === 'ssh')).toEqual([]);
  });

  it('--dry-run plans the login, so no disk is there to compare yet: a warning, nobody asked', async () => {
    const { host } = pool([]);
    const r = await runOvs(['--dry-run', ...argv], host);
    expect(r.exit, r.stderr).toBe(0);
    expect(r.stderr).toContain('--all-nodes: this server sees no disk of the kept targets yet, so there is nothing to compare');
    expect(host.calls.filter((c) => c.argv[0] === 'ssh')).toEqual([]);
  });

  it('--all-nodes with --no-login is 64: there would be no disk to compare', async () => {
    const r = await runOvs(['iscsi-prep', '--portal', '127.0.0.1', '--keep', `${TGT}:target2`, '--all-nodes', '--no-login'], setup().host);
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain('ovs: iscsi-prep: --no-login and --all-nodes contradict each other: without a login there is no disk to compare while reading the options');
  });
});
