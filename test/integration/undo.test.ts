/**
 * history and undo for real: the built CLI under --root on a scratch directory (real files,
 * real renames, real modes and owners), and a real SIGKILL in the middle of an undo: every
 * file is whole afterwards (the old content or the new, never a mix), and running the undo
 * again finishes it.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

const CONF = 'etc/ocfs2/cluster.conf';
const O2CB = 'etc/sysconfig/o2cb';
const TWO = 'node:\n\tip_port = 7777\n\tip_address = 10.0.0.1\n\tnumber = 0\n\tname = ovs1\n\tcluster = ocfs2\n\nnode:\n\tip_port = 7777\n\tip_address = 10.0.0.2\n\tnumber = 1\n\tname = ovs2\n\tcluster = ocfs2\n\ncluster:\n\tnode_count = 2\n\tname = ocfs2\n\n';
const SETTINGS = '# O2CB settings, by hand\nO2CB_ENABLED=false\nO2CB_STACK=o2cb\nO2CB_BOOTCLUSTER=ocfs2\nO2CB_HEARTBEAT_THRESHOLD=31\nO2CB_IDLE_TIMEOUT_MS=30000\nO2CB_KEEPALIVE_DELAY_MS=2000\nO2CB_RECONNECT_DELAY_MS=2000\n';

/** A child whose host's rename() SIGKILLs the process when it puts `victim` in place. */
const killer = (distIndex: string, victim: string) => `
import { main, realHost } from ${JSON.stringify(distIndex)};
const host = realHost();
const rename = host.fs.rename;
host.fs = { ...host.fs, rename: async (from, to) => {
  if (to.endsWith(${JSON.stringify(victim)})) process.kill(process.pid, 'SIGKILL');
  return rename(from, to);
} };
process.exitCode = await main(process.argv.slice(2), host);
`;

describeWithTools(['node'], 'history and undo on real directories (--root)', () => {
  const scratch = scratchDir('i15undo');
  afterAll(() => scratch.remove());
  let root = '';
  let n = 0;

  const ovs = (...argv: string[]) => ovsWith({}, ...argv);
  const ovsWith = (env: Record<string, string>, ...argv: string[]) => {
    const r = spawnSync(process.execPath, [resolve('bin/ovs'), '--root', root, ...argv], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
    return { exit: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const read = (p: string) => readFileSync(join(root, p), 'utf8');
  const runs = () => JSON.parse(ovs('--json', 'history').stdout).result.runs.map((x: { run: string }) => x.run) as string[];

  beforeEach(() => {
    root = join(scratch.path, `root${++n}`);
    for (const d of ['etc/ocfs2', 'etc/sysconfig', 'etc/init.d']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'etc/init.d/o2cb'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(root, 'etc/hostname'), 'ovs1\n');
    writeFileSync(join(root, 'etc/hosts'), '127.0.0.1 localhost\n10.0.0.1 ovs1\n10.0.0.2 ovs2\n10.0.0.3 ovs3\n');
    writeFileSync(join(root, CONF), TWO);
    writeFileSync(join(root, O2CB), SETTINGS, { mode: 0o640 });
    chownSync(join(root, O2CB), 1234, 1235);
  });

  const addNode = () => {
    const r = ovs('cluster-configure', '--add-node', 'ovs3');
    expect(r.exit, r.stderr).toBe(0);
    expect(read(CONF)).toContain('name = ovs3');
    expect(read(O2CB)).toContain('O2CB_ENABLED=true');
    return runs().at(-1) as string;
  };

  it('history lists the run and shows its diffs; undo puts both files back byte for byte, with mode and owner', () => {
    const run = addNode();
    const list = ovs('history');
    expect(list.exit).toBe(0);
    expect(list.stdout).toContain(`${run}  `);
    expect(list.stdout).toContain('ovs --root');
    expect(list.stdout).toContain('    2 written\n'); // the service start was skipped (offline): not a change
    const one = ovs('history', run);
    expect(one.stdout).toContain(`  applied   write    /${O2CB}\n`);
    expect(one.stdout).toContain('  -O2CB_ENABLED=false\n  +O2CB_ENABLED=true\n');
    const u = ovs('undo', run);
    expect(u.exit, u.stderr).toBe(0);
    expect(read(CONF)).toBe(TWO);
    expect(read(O2CB)).toBe(SETTINGS);
    const st = statSync(join(root, O2CB));
    expect([st.mode & 0o777, st.uid, st.gid]).toEqual([0o640, 1234, 1235]);
    // Two runs now, newest last: the undo, and the first run marked undone by it.
    const [first, undo] = runs();
    expect(first).toBe(run);
    const after = ovs('history').stdout.split('\n');
    expect(after[0]).toContain(`undone (by ${undo})`);
    expect(after[2]).toMatch(new RegExp(`^${undo}  .*  ok  ovs --root \\S+ undo ${run}$`));
    expect(after[3]).toBe('    2 written');
  });

  it('backup retention on disk: OVS_BACKUP_KEEP=1 keeps only the newest run; the older run is then reported, and cannot be undone', () => {
    const run = addNode();
    const undo = ovsWith({ OVS_BACKUP_KEEP: '1' }, 'undo', run);
    expect(undo.exit, undo.stderr).toBe(0);
    const [, second] = runs();
    expect(readdirSync(join(root, 'var/lib/ovs/backups'))).toEqual([second]);
    expect(ovs('history').stdout).toContain(`    ! the backups of this run are gone (/var/lib/ovs/backups/${run}: pruned by the backup retention, or deleted)\n`);
    const again = ovs('undo', second as string);
    expect(again.exit, again.stderr).toBe(0);
    expect(read(CONF)).toContain('name = ovs3');
    const first = ovs('undo', run);
    expect(first.exit).toBe(66);
    expect(first.stderr).toContain(`its backup /var/lib/ovs/backups/${run}/${CONF} is missing`);
  });

  it('undo after a hand edit refuses with 65 and changes nothing', () => {
    const run = addNode();
    appendFileSync(join(root, O2CB), '# by hand\n');
    const [conf, settings] = [read(CONF), read(O2CB)];
    const u = ovs('undo', run);
    expect(u.exit).toBe(65);
    expect(u.stderr).toContain(`ovs: undo: 1 file was changed since run ${run}: /${O2CB} (it no longer holds what the run wrote (changed since))`);
    expect([read(CONF), read(O2CB)]).toEqual([conf, settings]);
    expect(runs()).toEqual([run]);
  });

  it('a truncated journal line and a deleted backup are reported, not fatal', () => {
    const run = addNode();
    appendFileSync(join(root, 'var/log/ovs/journal.log'), `{"time":"x","run":"${run}","kind":"wr`);
    spawnSync('rm', ['--', join(root, 'var/lib/ovs/backups', run, CONF)]);
    const list = ovs('history');
    expect(list.exit).toBe(0);
    expect(list.stdout).toMatch(/ {4}! journal line \d+: not a complete JSON record \(truncated or edited\)\n/);
    expect(list.stdout).toContain(`    ! backup of /${CONF} missing (/var/lib/ovs/backups/${run}/${CONF})\n`);
    expect(ovs('history', run).exit).toBe(0);
    const u = ovs('undo', run);
    expect(u.exit).toBe(66);
    expect(u.stderr).toContain(`ovs: undo: cannot restore /${CONF} (its backup /var/lib/ovs/backups/${run}/${CONF} is missing)`);
  });

  it('SIGKILL in the middle of an undo leaves every file whole; running the undo again finishes it', () => {
    const run = addNode();
    const afterRun = read(CONF);
    const script = join(scratch.path, 'kill-undo.mjs');
    writeFileSync(script, killer(resolve('dist/index.js'), '/cluster.conf'));
    // The undo restores the settings first, then cluster.conf: killed as it renames cluster.conf in.
    const killed = spawnSync(process.execPath, [script, '--root', root, 'undo', run], { encoding: 'utf8' });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(read(O2CB)).toBe(SETTINGS);
    expect(read(CONF)).toBe(afterRun);
    const again = ovs('undo', run);
    expect(again.exit, again.stderr).toBe(0);
    // Without recovery the settings are already as before; once the journal's recovery takes
    // back the interrupted undo first, both are restored here. Either way the end is the same.
    expect(again.stdout).toContain(`  restored           /${CONF}\n`);
    expect(read(CONF)).toBe(TWO);
    expect(read(O2CB)).toBe(SETTINGS);
  });
});
