/**
 * `ovs services` for real: the built CLI runs the real Debian `service` program, which runs
 * the scripts in /etc/init.d. Each case runs in a private mount namespace where a scratch
 * directory is bind-mounted over /etc/init.d (test scripts that log every call to a file),
 * and tmpfs covers /var/log, /var/lib/ovs's parent and /run/lock so ovs's journal and lock
 * stay inside. The real o2cb script of ocfs2-tools is copied in for the last cases, with its
 * settings bind-mounted over /etc/default/o2cb; its `start` mounts debugfs, which the
 * namespace keeps private (docs/tools.md).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { inNamespaces, scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

const ORDER = ['o2cb', 'ocfs2', 'ovsrepositories', 'ovs-agent'];

/** A SysV script that logs `NAME VERB` and keeps its state in a file; `fail-NAME` makes start fail. */
function testScript(dir: string, name: string): string {
  const q = (p: string) => `'${p}'`;
  return [
    '#!/bin/sh',
    `# test init script for ${name}: logs every call, LSB status from a state file`,
    `echo "${name} $1" >> ${q(join(dir, 'log'))}`,
    'case "$1" in',
    `  start) if [ -e ${q(join(dir, `fail-${name}`))} ]; then echo "${name}: failing on purpose"; exit 1; fi; touch ${q(join(dir, 'state', name))} ;;`,
    `  stop) rm -f ${q(join(dir, 'state', name))} ;;`,
    `  status) if [ -e ${q(join(dir, 'state', name))} ]; then echo "${name} is running"; exit 0; fi; echo "${name} is stopped"; exit 3 ;;`,
    '  *) exit 3 ;;',
    'esac',
    'exit 0',
    '',
  ].join('\n');
}

interface Outcome {
  exit: number;
  json: { ok: boolean; exit: number; result?: { steps: { name: string; outcome: string; note?: string }[]; services: { name: string; state: string }[] }; error?: { message: string; hint: string } };
  log: string[];
  stderr: string;
}

describeWithTools(['service', 'unshare', 'mount', '/etc/init.d/o2cb', 'ocfs2_hb_ctl', 'mkfs.ocfs2'], 'services: order through the real service program', () => {
  const scratch = scratchDir('services');
  let n = 0;

  beforeAll(() => {
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
  });
  afterAll(() => scratch.remove());

  /** A fresh /etc/init.d stand-in with the named services installed (test scripts unless given). */
  function initDir(installed: string[], real: Record<string, string> = {}): string {
    const dir = join(scratch.path, `case${n++}`);
    mkdirSync(join(dir, 'init.d'), { recursive: true });
    mkdirSync(join(dir, 'state'));
    writeFileSync(join(dir, 'log'), '');
    for (const name of installed) {
      const target = join(dir, 'init.d', name);
      if (real[name]) copyFileSync(real[name], target);
      else writeFileSync(target, testScript(dir, name), { mode: 0o755 });
    }
    return dir;
  }

  /**
   * `node bin/ovs --json ARGS` with DIR/init.d over /etc/init.d (and DIR/o2cb over
   * /etc/default/o2cb when present), private /var/log, /var/lib and /run/lock.
   */
  function ovs(dir: string, args: string[], o2cbSettings?: string): Outcome {
    const mounts = [
      'set -e',
      'mount --bind "$1/init.d" /etc/init.d',
      'mount -t tmpfs tmpfs /var/log',
      'mount -t tmpfs tmpfs /var/lib',
      'mount -t tmpfs tmpfs /run/lock',
      'mount -t tmpfs tmpfs /etc/ocfs2',
      'if [ -f "$1/o2cb" ]; then mount --bind "$1/o2cb" /etc/default/o2cb; fi',
      'shift',
      'exec "$@"',
    ].join('\n');
    if (o2cbSettings !== undefined) writeFileSync(join(dir, 'o2cb'), o2cbSettings);
    const r = inNamespaces(['bash', '-c', mounts, 'setup', dir, process.execPath, 'bin/ovs', '--json', ...args], { timeoutMs: 60_000 });
    const log = readFileSync(join(dir, 'log'), 'utf8').split('\n').filter(Boolean);
    let json: Outcome['json'];
    try {
      json = JSON.parse(r.stdout);
    } catch {
      throw new Error(`no JSON from ovs (exit ${r.exitCode}): ${r.stdout}\n${r.stderr}`);
    }
    return { exit: r.exitCode, json, log, stderr: r.stderr };
  }

  it('starts in the guide order, checking each status before the next start', () => {
    const dir = initDir(ORDER);
    const r = ovs(dir, ['services', 'start']);
    expect(r.exit, r.stderr).toBe(0);
    // Each: running already? start; running now?
    expect(r.log).toEqual(ORDER.flatMap((s) => [`${s} status`, `${s} start`, `${s} status`]));
    expect(r.json.result?.steps.map((s) => `${s.name} ${s.outcome}`)).toEqual(ORDER.map((s) => `${s} started`));
    // The same again: everything runs, nothing is started, nothing changed.
    const again = ovs(dir, ['services', 'start']);
    expect(again.log.slice(r.log.length)).toEqual(ORDER.map((s) => `${s} status`)); // the log file goes on
    expect(again.json).toMatchObject({ ok: true, changed: false });
    expect(again.json.result?.steps.map((s) => s.outcome)).toEqual(ORDER.map(() => 'already running'));
  });

  it('stops in reverse order', () => {
    const dir = initDir(ORDER);
    for (const s of ORDER) writeFileSync(join(dir, 'state', s), '');
    const r = ovs(dir, ['services', 'stop']);
    expect(r.exit, r.stderr).toBe(0);
    expect(r.log).toEqual(['ovs-agent stop', 'ovsrepositories stop', 'ocfs2 stop', 'o2cb stop']);
  });

  it('stops at the first failure and says what is up', () => {
    const dir = initDir(ORDER);
    writeFileSync(join(dir, 'fail-ovsrepositories'), '');
    const r = ovs(dir, ['services', 'start']);
    expect(r.exit).toBe(69);
    expect(r.log).toEqual(['o2cb status', 'o2cb start', 'o2cb status', 'ocfs2 status', 'ocfs2 start', 'ocfs2 status', 'ovsrepositories status', 'ovsrepositories start']);
    expect(r.json.error?.message).toBe(
      'ovsrepositories failed to start (exit 1: ovsrepositories: failing on purpose) (running: o2cb, ocfs2; not started: ovs-agent) while starting the cluster services in order',
    );
  });

  it('skips a service that is not installed, and --strict refuses before starting anything', () => {
    const dir = initDir(['o2cb', 'ocfs2', 'ovs-agent']);
    const r = ovs(dir, ['services', 'start']);
    expect(r.exit, r.stderr).toBe(0);
    expect(r.log).toEqual(['o2cb', 'ocfs2', 'ovs-agent'].flatMap((n) => [`${n} status`, `${n} start`, `${n} status`]));
    expect(r.json.result?.steps.find((s) => s.name === 'ovsrepositories')?.outcome).toBe('not-installed');

    const strict = initDir(['o2cb', 'ocfs2', 'ovs-agent']);
    const s = ovs(strict, ['services', 'start', '--strict']);
    expect(s.exit).toBe(69);
    expect(s.log).toEqual([]);
    expect(s.json.error?.message).toContain('service ovsrepositories not installed');
  });

  it('status reports each state in order through the scripts', () => {
    const dir = initDir(ORDER);
    writeFileSync(join(dir, 'state', 'o2cb'), '');
    const r = ovs(dir, ['services', 'status']);
    expect(r.exit, r.stderr).toBe(3); // LSB: installed services are not running
    expect(r.json.result?.services.map((s) => `${s.name} ${s.state}`)).toEqual(['o2cb running', 'ocfs2 stopped', 'ovsrepositories stopped', 'ovs-agent stopped']);
    expect(r.log).toEqual(ORDER.map((s) => `${s} status`));
  });

  const realO2cb = { o2cb: '/etc/init.d/o2cb' };
  const settings = (enabled: boolean) => `O2CB_ENABLED=${enabled}\nO2CB_STACK=o2cb\nO2CB_BOOTCLUSTER=ocfs2\n`;

  it("the real o2cb script's status with O2CB_ENABLED=false exits 0 and says Offline: o2cb is stopped, exit 3", () => {
    const dir = initDir(ORDER, realO2cb);
    for (const s of ['ocfs2', 'ovsrepositories', 'ovs-agent']) writeFileSync(join(dir, 'state', s), '');
    const r = ovs(dir, ['services', 'status'], settings(false));
    expect(r.exit, r.stderr).toBe(3);
    const o2cb = r.json.result?.services[0] as { name: string; state: string; exitCode?: number; reason?: string };
    expect(o2cb).toMatchObject({ name: 'o2cb', state: 'stopped', exitCode: 0 });
    expect(o2cb.reason).toMatch(/^Checking O2CB cluster "ocfs2": Offline; O2CB_ENABLED=false$/);
  });

  it('the real o2cb script, enabled, fails on configfs here and stops the sequence with a clear report', () => {
    const dir = initDir(ORDER, realO2cb);
    const r = ovs(dir, ['services', 'start'], settings(true));
    expect(r.exit).toBe(69);
    expect(r.json.error?.message).toBe('o2cb failed to start (exit 1: Unable to load filesystem "configfs") (running: none; not started: ocfs2, ovsrepositories, ovs-agent) while starting the cluster services in order');
    expect(r.json.error?.hint).toContain('the kernel cannot load configfs and the O2CB modules');
    expect(r.log).toEqual([]);
  });

  it('the real o2cb script, disabled (the Debian default), starts nothing: noted, and the sequence goes on', () => {
    const dir = initDir(ORDER, realO2cb);
    const r = ovs(dir, ['services', 'start'], settings(false));
    expect(r.exit, r.stderr).toBe(0);
    const o2cb = r.json.result?.steps[0];
    expect(o2cb?.outcome).toBe('started');
    expect(o2cb?.note).toBe('o2cb is disabled (O2CB_ENABLED=false in /etc/default/o2cb): its start did nothing and no O2CB cluster is online');
    expect(r.log).toEqual(['ocfs2', 'ovsrepositories', 'ovs-agent'].flatMap((n) => [`${n} status`, `${n} start`, `${n} status`]));
  });

  it('--kill-heartbeat runs the real ocfs2_hb_ctl first; its failure here (no cluster stack) stops everything', () => {
    const dir = initDir(ORDER);
    const hb = join(dir, 'server_pool_hb');
    writeFileSync(hb, Buffer.alloc(0));
    const size = spawnSync('truncate', ['-s', '64M', hb]);
    expect(size.status).toBe(0);
    const mkfs = spawnSync('mkfs.ocfs2', ['-q', '-x', '-L', 'server_pool_hb', '-N', '2', '-b', '2k', '-C', '4k', '-J', 'size=4M', hb], { encoding: 'utf8' });
    expect(mkfs.status, mkfs.stderr).toBe(0);
    const r = ovs(dir, ['services', 'restart', '--kill-heartbeat', hb]);
    expect(r.exit).toBe(69);
    expect(r.json.error?.message).toBe(`ocfs2_hb_ctl -K -d ${hb} ocfs2 failed (exit 1): ocfs2_hb_ctl: Unable to access cluster service Cannot initialize cluster while stopping the heartbeat on ${hb}`);
    expect(r.log).toEqual([]);
  });
});
