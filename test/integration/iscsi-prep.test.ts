/**
 * `ovs iscsi-prep` against the REAL tgtd (two portals: three targets on 127.0.0.1, one on
 * 127.0.0.2) and the REAL iscsiadm, in private mount and network namespaces
 * (test/helpers/tgt.ts, test/helpers/iscsi-sandbox.ts). Discovery, record deletion and
 * node.startup are real; the login cannot work on this machine (no iscsid, no iscsi_tcp
 * module) and its real failure is what the login test checks. The successful login is
 * covered in test/commands/iscsi-prep.test.ts, replaying open-iscsi's output.
 * Budget: iscsiadm sleeps 1 s per record it handles here docs/tools.md.
 */
import { spawn } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initiator, type Initiator } from '../helpers/iscsi-sandbox.js';
import { scratchDir } from '../helpers/sandbox.js';
import { alive, startNetns, startTgt, type NetNs, type Tgt } from '../helpers/tgt.js';
import { describeWithTools } from '../helpers/tools.js';

const A = 'iqn.2010-01.com.example.ovs';
const B = 'iqn.2010-01.com.example.ovsb';

/** Every file under /etc/iscsi of the sandbox with its content: what a run changed. */
function recordTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      // send_targets/ holds absolute links to /etc/iscsi/nodes/...: compare where they point.
      if (st.isSymbolicLink()) out[relative(dir, p)] = `-> ${readlinkSync(p)}`;
      else if (st.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const json = (stdout: string) => JSON.parse(stdout);

describeWithTools(['tgtd', 'tgtadm', 'iscsiadm', 'unshare', 'nsenter', 'ip', 'service'], 'iscsi-prep with the real tgtd and iscsiadm', () => {
  const scratch = scratchDir('iscsi-prep');
  let netns: NetNs;
  let a: Tgt;
  let b: Tgt;
  let init: Initiator;

  beforeAll(() => {
    netns = startNetns();
    a = startTgt({ netns, stateDir: join(scratch.path, 'tgt-a'), address: '127.0.0.1', targets: 3, iqnPrefix: A });
    b = startTgt({ netns, stateDir: join(scratch.path, 'tgt-b'), address: '127.0.0.2', targets: 1, iqnPrefix: B });
    init = initiator(join(scratch.path, 'initiator'), netns);
  });

  afterAll(() => {
    a?.stop();
    b?.stop();
    init?.cleanup();
    netns?.stop();
    expect([a && alive(a.pid, 'tgtd'), b && alive(b.pid, 'tgtd'), netns && alive(netns.pid, 'sleep')]).toEqual([false, false, false]);
    scratch.remove();
  });

  it('without --keep and without a terminal: exit 64, the three targets listed, no record written', () => {
    const r = init.ovs(['iscsi-prep', '--portal', '127.0.0.1']);
    expect(r.exitCode, r.stderr).toBe(64);
    expect(r.stderr).toContain(`ovs: 127.0.0.1:3260 offers 3 target record(s):\n  1  127.0.0.1:3260,1 ${A}:target1\n  2  127.0.0.1:3260,1 ${A}:target2\n  3  127.0.0.1:3260,1 ${A}:target3\n`);
    expect(r.stderr).toContain('ovs: iscsi-prep: no --keep given and no terminal to ask on');
    expect(init.iscsiadm(['-m', 'node']).stderr).toContain('iscsiadm: No records found');
  });

  it('discovers three targets, keeps one: the real iscsiadm -m node shows only it, with node.startup automatic', () => {
    const r = init.ovs(['--yes', '--json', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${A}:target2`, '--no-login']);
    expect(r.exitCode, r.stderr).toBe(0);
    const result = json(r.stdout).result;
    expect(result.discovered).toEqual([1, 2, 3].map((n) => `127.0.0.1:3260,1 ${A}:target${n}`));
    expect(result.deleted).toEqual([`127.0.0.1:3260,1 ${A}:target1`, `127.0.0.1:3260,1 ${A}:target3`]);
    expect(init.iscsiadm(['-m', 'node']).stdout).toBe(`127.0.0.1:3260,1 ${A}:target2\n`);
    expect(init.iscsiadm(['-m', 'node', '-T', `${A}:target2`, '-p', '127.0.0.1:3260,1']).stdout).toMatch(/^node\.startup = automatic$/m);
  });

  it('a second run changes nothing in /etc/iscsi and does not rediscover', () => {
    const before = recordTree(join(init.stateDir, 'etc-iscsi'));
    const r = init.ovs(['--yes', '--json', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${A}:target2`, '--no-login']);
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = json(r.stdout);
    expect(doc.result.discovered).toBeNull();
    expect(doc.result.kept).toEqual([expect.objectContaining({ record: `127.0.0.1:3260,1 ${A}:target2`, startupSet: false })]);
    // iscsid cannot stay up here (no NETLINK_ISCSI), so the service start is tried again; no iscsiadm change ran.
    expect(doc.changes.filter((c: { kind: string }) => c.kind !== 'service')).toEqual([]);
    expect(recordTree(join(init.stateDir, 'etc-iscsi'))).toEqual(before);
  });

  it("the second portal's target is kept too, and the first portal's record is left alone", () => {
    const r = init.ovs(['--yes', 'iscsi-prep', '--portal', '127.0.0.2:3260', '--keep', `${B}:*`, '--no-login']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(init.iscsiadm(['-m', 'node']).stdout.split('\n').filter(Boolean).sort()).toEqual([`127.0.0.1:3260,1 ${A}:target2`, `127.0.0.2:3260,1 ${B}:target1`]);
  });

  it('the portal asked for is part of the selection: target2 recorded through 127.0.0.1 does not satisfy --portal 127.0.0.9 (66, nothing changed)', () => {
    const show = init.iscsiadm(['-m', 'node', '-T', `${A}:target2`, '-p', '127.0.0.1:3260,1']).stdout;
    // Where the record came from, as ovs reads it (iscsiadm writes it at discovery).
    expect(show).toMatch(/^node\.discovery_address = 127\.0\.0\.1$/m);
    expect(show).toMatch(/^node\.discovery_port = 3260$/m);
    const before = recordTree(join(init.stateDir, 'etc-iscsi'));
    const r = init.ovs(['--yes', 'iscsi-prep', '--portal', '127.0.0.9', '--keep', `${A}:target2`]);
    expect(r.exitCode, r.stderr).toBe(66);
    expect(r.stderr).toContain('ovs: iscsi-prep: portal 127.0.0.9:3260 is unreachable');
    expect(recordTree(join(init.stateDir, 'etc-iscsi'))).toEqual(before);
  });

  it('the login step fails here as on any host without iscsid: 69, said plainly (the real iscsiadm exit 20)', () => {
    const r = init.ovs(['--yes', 'iscsi-prep', '--portal', '127.0.0.1', '--keep', `${A}:target2`]);
    expect(r.exitCode, r.stderr).toBe(69);
    expect(r.stderr).toContain(`ovs: iscsi-prep: cannot connect to iscsid (the iSCSI daemon is not running) (iscsiadm exit 20) while logging in to 127.0.0.1:3260,1 ${A}:target2`);
    expect(r.stderr).toContain('ovs: hint: start the iSCSI service: service iscsi start');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('an unreachable portal fails with 66 within seconds (connection refused)', () => {
    const t0 = Date.now();
    const r = init.ovs(['iscsi-prep', '--portal', '127.0.0.9', '--keep', 'iqn.x:y']);
    const seconds = (Date.now() - t0) / 1000;
    expect(r.exitCode, r.stderr).toBe(66);
    expect(r.stderr).toContain('ovs: iscsi-prep: portal 127.0.0.9:3260 is unreachable: 127.0.0.9 refused the connection (nothing listens on the iSCSI port) (iscsiadm exit 11)');
    expect(seconds).toBeLessThan(15);
  });

  it('a portal that accepts but never answers fails with 66 at --timeout, not a hang', () => {
    const [cmd, ...pre] = netns.enter;
    const silent = spawn(cmd as string, [...pre, process.execPath, '-e', "require('net').createServer(() => {}).listen(3260, '127.0.0.3')"], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && init.run(['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.3/3260']).exitCode !== 0; i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      const t0 = Date.now();
      const r = init.ovs(['iscsi-prep', '--portal', '127.0.0.3', '--keep', 'iqn.x:y', '--timeout', '3']);
      const seconds = (Date.now() - t0) / 1000;
      expect(r.exitCode, r.stderr).toBe(66);
      expect(r.stderr).toContain('ovs: iscsi-prep: portal 127.0.0.3:3260 did not answer within 3 s');
      expect(seconds).toBeLessThan(10);
    } finally {
      silent.kill('SIGKILL');
    }
  });
});
