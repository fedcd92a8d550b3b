/**
 * A run that fails halfway takes back what it wrote, on a real disk with the built CLI
 * (`node bin/ovs --root IMG`): an immutable /etc/fstab (real `chattr +i`, EPERM) after
 * /etc/ovs/repositories was written; an O2CB settings file that is a dangling symbolic link
 * after cluster.conf was written; a full /var/log/ovs (a 16 KiB tmpfs mounted over the
 * image's log directory in a private mount namespace) before anything is written.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { healthyServer, writeImage } from '../fixtures/servers/servers.js';
import { inNamespaces, scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

const OLD_CONF = 'cluster:\n\tnode_count = 1\n\tname = ocfs2\n\nnode:\n\tip_port = 7777\n\tip_address = 10.0.0.1\n\tnumber = 0\n\tname = ovs1\n\tcluster = ocfs2\n\n';

function ovs(root: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/ovs', '--root', root, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

const journal = (root: string) =>
  readFileSync(join(root, 'var/log/ovs/journal.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describeWithTools(['chattr', 'lsattr', 'unshare', 'mount'], 'rollback of a failed run (real disk, built CLI)', () => {
  const scratch = scratchDir('i11-rollback');
  const immutable: string[] = [];
  let n = 0;

  beforeAll(() => {
    if (!existsSync('dist/cli.cjs')) expect(spawnSync(process.execPath, ['scripts/build.mjs']).status).toBe(0);
  });
  afterAll(() => {
    for (const f of immutable) spawnSync('chattr', ['-i', f]);
    scratch.remove();
  });

  function clusterImage(): string {
    const root = join(scratch.path, `img${++n}`);
    mkdirSync(join(root, 'etc/ocfs2'), { recursive: true });
    mkdirSync(join(root, 'etc/init.d'), { recursive: true });
    writeFileSync(join(root, 'etc/init.d/o2cb'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    writeFileSync(join(root, 'etc/hostname'), 'ovs1\n');
    writeFileSync(join(root, 'etc/ocfs2/cluster.conf'), OLD_CONF);
    return root;
  }

  it('--alter-fstab with an immutable /etc/fstab (EPERM): /etc/ovs/repositories is taken back, exit 77', () => {
    const s = healthyServer();
    s.files['/etc/fstab'] = readFileSync(new URL('../fixtures/servers/fstab/below-ovs.fstab', import.meta.url), 'utf8');
    delete s.files['/etc/ovs/repositories'];
    const root = join(scratch.path, `img${++n}`);
    writeImage(s, root);
    const fstab = join(root, 'etc/fstab');
    expect(spawnSync('chattr', ['+i', fstab]).status).toBe(0);
    immutable.push(fstab);
    const r = ovs(root, 'cluster-check', '--alter-fstab');
    expect(r.status, r.stderr).toBe(77);
    expect(r.stderr).toContain('ovs: cluster-check: /etc/fstab: operation not permitted while writing /etc/fstab\n');
    // Run as root here: the hint names what refuses root (the immutable flag), not only "run as root".
    expect(r.stderr).toContain('ovs: hint: run ovs as root; as root, the file or its directory is immutable (lsattr; chattr -i) or a security policy forbids it\n');
    expect(r.stderr).toContain('ovs: every file change made before the failure was rolled back:\n  rolled back mkdir    /etc/ovs\n  rolled back write    /etc/ovs/repositories\n');
    expect(existsSync(join(root, 'etc/ovs'))).toBe(false);
    expect(existsSync(join(root, 'etc/ovs/repositories'))).toBe(false);
    const end = journal(root).at(-1);
    expect(end).toMatchObject({ type: 'end', status: 'rolled back', exit: 77 });
    expect(readdirSync(join(root, 'etc')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('an O2CB settings file that is a dangling symbolic link: cluster.conf is taken back, exit 73', () => {
    const root = clusterImage();
    mkdirSync(join(root, 'etc/default'));
    symlinkSync('/gone/o2cb', join(root, 'etc/default/o2cb'));
    const r = ovs(root, 'cluster-configure', '--add-node', 'ovs2=10.0.0.2');
    expect(r.status, r.stderr).toBe(73);
    expect(r.stderr).toContain('ovs: cluster-configure: /gone/o2cb: no such file or directory while writing /gone/o2cb\n');
    expect(r.stderr).toMatch(/rolled back write +\/etc\/ocfs2\/cluster.conf\n/);
    expect(readFileSync(join(root, 'etc/ocfs2/cluster.conf'), 'utf8')).toBe(OLD_CONF);
    expect(journal(root).at(-1)).toMatchObject({ type: 'end', status: 'rolled back', exit: 73 });
  });

  it('a full /var/log/ovs (tmpfs in a private mount namespace): exit 74 before any change, cluster.conf untouched', () => {
    const root = clusterImage();
    const log = join(root, 'var/log/ovs');
    mkdirSync(log, { recursive: true });
    // Fill the tmpfs first, then run ovs inside the same namespace.
    const script = [
      'set -e',
      `mount -t tmpfs -o size=16k tmpfs ${JSON.stringify(log)}`,
      `dd if=/dev/zero of=${JSON.stringify(join(log, 'filler'))} bs=4k 2>/dev/null || true`,
      `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(resolve('bin/ovs'))} --root ${JSON.stringify(root)} cluster-configure --add-node ovs2=10.0.0.2`,
    ].join('\n');
    const r = inNamespaces(['bash', '-c', script]);
    expect(r.exitCode, r.stderr).toBe(74);
    expect(r.stderr).toContain('ovs: cluster-configure: /var/log/ovs/journal.log: no space left on device while journaling a change to /var/log/ovs/journal.log\n');
    expect(r.stderr).toContain('ovs: nothing was changed\n');
    expect(readFileSync(join(root, 'etc/ocfs2/cluster.conf'), 'utf8')).toBe(OLD_CONF);
    expect(readdirSync(join(root, 'etc/ocfs2'))).toEqual(['cluster.conf']);
    expect(existsSync(join(root, 'var/lib/ovs/backups'))).toBe(false);
  });
});
