import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { Host, HostFs } from '../../src/lib/host.js';
import { memoryHost } from '../../src/lib/doubles/memory-host.js';
import { EXIT } from '../../src/lib/errors.js';
import { silentReporter } from '../../src/lib/output.js';
import { realHost } from '../../src/lib/real-host.js';
import { acquireLock, LOCK_PATH } from '../../src/lib/lock.js';
import { BOOT_ID_PATH } from '../../src/lib/system-paths.js';
import { runProbe, WITH_PROBE } from '../helpers/probe-command.js';
import { scratchDir } from '../helpers/sandbox.js';


const holder = (pid: number) => JSON.stringify({ pid, command: 'ovs makerepo fs:/OVS C root', started: '2026-11-25T11:59:00.000Z' });
const files = (lock: string) => ({ '/etc/probe/probe.conf': 'old\n', [LOCK_PATH]: lock });
const probeExpect = [{ argv: ['probe-tool', '--apply', 'new'] }];

describe('the run lock (memory host)', () => {
  it('waits for a live holder, then gives up with exit 75 naming it, changing nothing', async () => {
    const r = await runProbe(['--lock-timeout', '1', 'probe-changes', 'new'], { files: files(holder(999)), alivePids: [999] });
    expect(r.exit).toBe(75);
    expect(r.stderr).toContain('ovs: waiting for /run/lock/ovs.lock, held by pid 999 (ovs makerepo fs:/OVS C root), started 2026-11-25T11:59:00.000Z');
    expect(r.stderr).toContain('ovs: probe-changes: another ovs run holds /run/lock/ovs.lock: pid 999 (ovs makerepo fs:/OVS C root), started 2026-11-25T11:59:00.000Z while waiting for the lock');
    expect(r.stderr).toContain('ovs: hint: wait for pid 999 to finish and run the command again, or raise --lock-timeout');
    expect(r.host.readText('/etc/probe/probe.conf')).toBe('old\n');
    expect(r.host.readText(LOCK_PATH)).toBe(holder(999));
  });

  it('takes over a lock whose holder is dead, with a warning, and releases it at the end', async () => {
    const r = await runProbe(['probe-changes', 'new'], { files: files(holder(777)), expect: probeExpect, services: { probe: {} } });
    expect(r.exit).toBe(0);
    expect(r.stderr).toContain('ovs: warning: taking over a stale lock /run/lock/ovs.lock held by pid 777 (ovs makerepo fs:/OVS C root), started 2026-11-25T11:59:00.000Z, which is no longer running');
    expect(r.host.exists(LOCK_PATH)).toBe(false);
  });

  it('never takes over a lock whose content cannot be read (a holder still writing it): waits, then 75', async () => {
    const r = await runProbe(['--lock-timeout', '1', 'probe-changes', 'new'], { files: files('') });
    expect(r.exit).toBe(75);
    expect(r.stderr).toContain('ovs: probe-changes: another ovs run holds /run/lock/ovs.lock: a run whose lock cannot be read yet while waiting for the lock\n');
    expect(r.stderr).toContain('ovs: hint: if no ovs run is going on, remove /run/lock/ovs.lock and run the command again\n');
    expect(r.stderr).not.toContain('stale');
    expect(r.host.readText('/etc/probe/probe.conf')).toBe('old\n');
    expect(r.host.readText(LOCK_PATH)).toBe('');
  });

  it('is released after a failed run too', async () => {
    const r = await runProbe(['probe-changes', '--fail-after-write', 'new'], { files: { '/etc/probe/probe.conf': 'old\n' } });
    expect(r.exit).toBe(69);
    expect(r.host.exists(LOCK_PATH)).toBe(false);
  });

  it('a holder alive now but from another boot is gone: taken over', async () => {
    const old = JSON.stringify({ pid: 999, command: 'ovs x', started: 'then', boot: 'boot-1' });
    const r = await runProbe(['probe-changes', 'new'], { files: { ...files(old), [BOOT_ID_PATH]: 'boot-2\n' }, alivePids: [999], expect: probeExpect, services: { probe: {} } });
    expect(r.exit).toBe(0);
    expect(r.stderr).toContain('ovs: warning: taking over a stale lock /run/lock/ovs.lock held by pid 999 (ovs x), started then, which was taken before the last boot\n');
  });

  it('is a symbolic link naming the holder (pid, command, boot, run id) while the run holds it', async () => {
    let seen: unknown;
    const r = await runProbe(['probe-changes', 'new'], {
      files: { '/etc/probe/probe.conf': 'old\n', [BOOT_ID_PATH]: 'boot-2\n' },
      services: { probe: {} },
      expect: [{ argv: ['probe-tool', '--apply', 'new'], respond: (_c, h) => ((seen = JSON.parse(String(h.vol.readlinkSync(LOCK_PATH)))), {}) }],
    });
    expect(r.exit).toBe(0);
    expect(seen).toMatchObject({ pid: 4242, command: 'ovs probe-changes new', boot: 'boot-2', run: expect.stringMatching(/-4242$/) });
    expect(r.host.exists(LOCK_PATH)).toBe(false);
  });

  it('a lock path that is a directory is exit 73 with a hint, nothing changed', async () => {
    const r = await runProbe(['probe-changes', 'new'], { files: { '/etc/probe/probe.conf': 'old\n', [LOCK_PATH]: null } });
    expect(r.exit).toBe(73);
    expect(r.stderr).toContain('ovs: probe-changes: /run/lock/ovs.lock is a directory, not a lock while taking the lock\novs: hint: remove /run/lock/ovs.lock (ovs creates it itself) and run the command again\n');
    expect(r.host.readText('/etc/probe/probe.conf')).toBe('old\n');
  });

  it('under --root a run that changes nothing leaves the image as it was: no /run/lock made, no journal, no backup', async () => {
    const img = { '/img/etc/probe/probe.conf': 'same\n', '/img/var/probe/dir': null };
    const host = (await import('../../src/lib/doubles/memory-host.js')).memoryHost({ files: img });
    host.vol.symlinkSync('/var/probe/dir', '/img/PROBE');
    const before = JSON.stringify(host.vol.toJSON());
    const r = await runProbe(['--root', '/img', 'probe-changes', 'same'], host);
    expect(r.exit).toBe(0);
    expect(r.stdout).toBe('probe: unchanged\n');
    expect(JSON.stringify(r.host.vol.toJSON())).toBe(before);
    expect(r.host.exists('/img/run')).toBe(false);
  });

  it('is not taken by a dry run', async () => {
    const r = await runProbe(['--dry-run', 'probe-changes', 'new'], { files: files(holder(999)), alivePids: [999] });
    expect(r.exit).toBe(0);
  });
});

function capturing(): { host: Host; err: () => string } {
  let err = '';
  const base = realHost();
  return { host: { ...base, stdout: { write: () => {}, isTTY: false }, stderr: { write: (t) => void (err += t), isTTY: false } }, err: () => err };
}

describe('the run lock between two real processes', () => {
  const scratch = scratchDir('lock');
  const root = join(scratch.path, 'root');
  mkdirSync(join(root, 'etc/probe'), { recursive: true });
  mkdirSync(join(root, 'run/lock'), { recursive: true });
  writeFileSync(join(root, 'etc/probe/probe.conf'), 'old\n');
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  afterAll(() => {
    sleeper.kill('SIGKILL');
    scratch.remove();
  });

  it('a second run waits while the holder lives, says who holds it, and proceeds once it is released', async () => {
    const lockFile = join(root, 'run/lock/ovs.lock');
    writeFileSync(lockFile, holder(sleeper.pid as number));
    const { host, err } = capturing();
    setTimeout(() => unlinkSync(lockFile), 700); // the holder finishes
    const exit = await main(['--root', root, '--lock-timeout', '10', 'probe-changes', 'new'], host, WITH_PROBE);
    expect(err()).toContain(`waiting for /run/lock/ovs.lock, held by pid ${sleeper.pid} (ovs makerepo fs:/OVS C root)`);
    expect(exit).toBe(0);
    expect(readFileSync(join(root, 'etc/probe/probe.conf'), 'utf8')).toBe('new\n');
    expect(existsSync(lockFile)).toBe(false);
  });
});

describe('a refused run leaves no trace', () => {
  it('under --root, a run refused after taking the lock leaves the image byte-identical (no lock directory, no journal, no backup directory)', async () => {
    const conf = 'cluster:\n\tnode_count = 1\n\tname = ocfs2\n\nnode:\n\tip_port = 7777\n\tip_address = 10.0.0.1\n\tnumber = 0\n\tname = ovs1\n\tcluster = ocfs2\n\n';
    const host = (await import('../../src/lib/doubles/memory-host.js')).memoryHost({
      files: { '/img/etc/ocfs2/cluster.conf': conf, '/img/etc/hostname': 'ovs1\n', '/img/etc/init.d/o2cb': '#!/bin/sh\n' },
    });
    const before = JSON.stringify(host.vol.toJSON());
    const r = await runProbe(['--root', '/img', 'cluster-configure', '--add-node', 'ovs2=10.0.0.1'], host);
    expect(r.exit, r.stderr).not.toBe(0);
    expect(r.stderr).toContain('10.0.0.1');
    expect(r.stderr).toContain('ovs: nothing was changed\n');
    expect(JSON.stringify(r.host.vol.toJSON())).toBe(before);
  }, 30_000); // loads the whole cluster-configure command: slow on a busy machine
});

describe('the lock directory removed by a releasing run (memory host)', () => {
  // A run that made /run and /run/lock removes them when it releases the lock: a waiter can
  // find /run at its stat and lose it before its mkdir (the 16-writer torture caught this once).
  const vanishing = (host: ReturnType<typeof memoryHost>, times: number): HostFs => {
    let left = times;
    return {
      ...host.fs,
      mkdir: async (p, m) => {
        if (p === '/run/lock' && left-- > 0) throw Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${p}'`), { code: 'ENOENT' });
        return host.fs.mkdir(p, m);
      },
    };
  };
  const options = { command: 'ovs test', timeoutSeconds: 1, report: silentReporter() };
  /** The lock is a symbolic link whose target is the holder, so lstat, not exists. */
  const held = (host: ReturnType<typeof memoryHost>): boolean => {
    try {
      return host.vol.lstatSync(LOCK_PATH).isSymbolicLink();
    } catch {
      return false;
    }
  };

  it('makes it again and takes the lock; the release removes what it made', async () => {
    const host = memoryHost();
    const fs = vanishing(host, 3);
    const lock = await acquireLock(fs, host, options);
    expect(held(host)).toBe(true);
    await lock.release();
    expect(host.exists('/run')).toBe(false);
  });

  it('gives up after ten lost races: 73 in one line, no lock left', async () => {
    const host = memoryHost();
    const err = await acquireLock(vanishing(host, 100), host, options).catch((e) => e);
    expect([err.exit, err.text]).toEqual([EXIT.CANTCREAT, '/run/lock: no such file or directory while creating /run/lock']);
    expect(held(host)).toBe(false);
  });
});
