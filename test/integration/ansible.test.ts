/**
 * contrib/ansible/nfs-pool.yml run by the real ansible-playbook against two pool servers'
 * images (ovs --root, connection local): check mode plans every step with --dry-run and
 * changes nothing; the real run applies them; a repeat run reports changed=0 everywhere
 * (changed_when reads ovs's `changed`). Everything lives in a scratch directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

const HOSTS = ['ovs1', 'ovs2'];

interface Stats {
  ok: number;
  changed: number;
  failures: number;
  skipped: number;
}

describeWithTools(['ansible-playbook'], 'the Ansible example', () => {
  const scratch = scratchDir('i14ansible');
  afterAll(() => scratch.remove());

  /** A freshly installed pool server's image: its name, /etc/hosts, ocfs2-tools and the services. */
  function image(host: string): string {
    const root = join(scratch.path, host);
    for (const d of ['etc/init.d', 'usr/sbin', 'sbin', 'run/lock']) mkdirSync(join(root, d), { recursive: true });
    for (const s of ['o2cb', 'ocfs2', 'ovsrepositories', 'ovs-agent']) writeFileSync(join(root, 'etc/init.d', s), '#!/bin/sh\n', { mode: 0o755 });
    for (const p of ['usr/sbin/mkfs.ocfs2', 'usr/sbin/o2cb', 'sbin/modprobe']) writeFileSync(join(root, p), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(root, 'etc/hostname'), `${host}.example.com\n`);
    writeFileSync(join(root, 'etc/hosts'), '127.0.0.1 localhost\n192.168.1.11 ovs1.example.com ovs1\n192.168.1.12 ovs2.example.com ovs2\n192.168.1.5 fileserver.example.com\n');
    writeFileSync(join(root, 'etc/fstab'), 'LABEL=/ / ext3 defaults 1 1\n');
    return root;
  }

  const roots = HOSTS.map(image);
  const inventory = join(scratch.path, 'pool.yml');
  const lines = HOSTS.map((h, i) => `    ${h}.example.com: {ansible_connection: local, ansible_python_interpreter: /usr/bin/python3, ovs_command: [${process.execPath}, ${join(process.cwd(), 'bin/ovs')}, --root, ${roots[i]}]}`);
  writeFileSync(inventory, ['ovs_pool:', '  hosts:', ...lines, ''].join('\n'));

  function playbook(...extra: string[]): Record<string, Stats> {
    const home = join(scratch.path, 'ansible-home');
    const r = spawnSync('ansible-playbook', ['-i', inventory, 'contrib/ansible/nfs-pool.yml', ...extra], {
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, ANSIBLE_HOME: home, ANSIBLE_LOCAL_TEMP: join(home, 'tmp'), ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0' },
    });
    expect(r.error).toBeUndefined();
    // The PLAY RECAP: `ovs1.example.com : ok=6 changed=3 unreachable=0 failed=0 skipped=1 ...`
    const stats: Record<string, Stats> = {};
    for (const m of r.stdout.matchAll(/^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)\s+skipped=(\d+)/gm)) {
      stats[m[1] as string] = { ok: Number(m[2]), changed: Number(m[3]), failures: Number(m[4]), skipped: Number(m[5]) };
    }
    expect(Object.keys(stats), `${r.stdout}\n${r.stderr}`).toHaveLength(HOSTS.length);
    return stats;
  }

  const snapshot = () => roots.map((r) => spawnSync('find', [r, '-printf', '%p %s\\n'], { encoding: 'utf8' }).stdout).join('');

  it('check mode: every step planned with --dry-run, nothing written', () => {
    const before = snapshot();
    const stats = playbook('--check');
    // cluster-configure and makerepo would change the image; services start under --root is
    // planned as the run records it, skipped (offline), which changes nothing: the plan is the run.
    for (const h of HOSTS) expect(stats[`${h}.example.com`], h).toMatchObject({ failures: 0, changed: 2 });
    expect(snapshot()).toBe(before);
  }, 300_000);

  it('applies the pool set-up; the repeat run reports nothing changed', () => {
    const first = playbook();
    // cluster-configure and makerepo; under --root the service starts are left to the boot
    // (skipped (offline): nothing applied, so not changed).
    for (const h of HOSTS) expect(first[`${h}.example.com`], h).toMatchObject({ failures: 0, changed: 2 });
    for (const root of roots) {
      expect(readFileSync(join(root, 'etc/ocfs2/cluster.conf'), 'utf8')).toContain('name = ovs2.example.com');
      expect(readFileSync(join(root, 'etc/ovs/repositories'), 'utf8')).toMatch(/ nfs +C +fileserver\.example\.com:\/OVS +Cluster Root/);
    }
    const again = playbook();
    for (const h of HOSTS) expect(again[`${h}.example.com`], h).toMatchObject({ failures: 0, changed: 0 });
  }, 300_000);
});
