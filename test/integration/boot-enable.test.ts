/**
 * Offline boot enablement (issue 13) against the distribution's own tools: a kickstart-style
 * run of the guide's steps 1-3 under --root on a scratch Debian-like image must leave
 * exactly the rc links Debian's real update-rc.d makes (run with DPKG_ROOT on a copy of the
 * same image); on an image with systemd units, ovs runs the real `systemctl --root=IMG
 * enable`, and the image gets the unit's WantedBy link. Scratch directories only.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, rmSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools, findTool } from '../helpers/tools.js';

const O2CB_SCRIPT = '/etc/init.d/o2cb'; // ocfs2-tools' own script (LSB header and chkconfig line)
const FSTAB = 'fileserver.example.com:/OVS /OVS nfs defaults 0 0\n';

function ovs(args: string[]): { exit: number; stdout: string; stderr: string } {
  const r = spawnSync('node', ['bin/ovs', ...args], { encoding: 'utf8' });
  return { exit: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

/** Every rc link of an image: `rc2.d/S01o2cb -> ../init.d/o2cb`. */
function rcLinks(img: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(join(img, 'etc')).filter((e) => /^rc[0-6S]\.d$/.test(e)).sort()) {
    for (const l of readdirSync(join(img, 'etc', d)).sort()) out.push(`${d}/${l} -> ${readlinkSync(join(img, 'etc', d, l))}`);
  }
  return out;
}

function debianImage(img: string): void {
  for (const d of ['etc/init.d', 'usr/sbin', 'etc/ovs', 'etc/default']) mkdirSync(join(img, d), { recursive: true });
  copyFileSync(O2CB_SCRIPT, join(img, 'etc/init.d/o2cb'));
  copyFileSync('contrib/ovsrepositories.init', join(img, 'etc/init.d/ovsrepositories'));
  writeFileSync(join(img, 'usr/sbin/update-rc.d'), ''); // the image's tool: Debian
  writeFileSync(join(img, 'etc/hostname'), 'ovs1.example.com\n');
  writeFileSync(join(img, 'etc/hosts'), '127.0.0.1 localhost\n192.168.1.11 ovs1.example.com ovs1\n192.168.1.12 ovs2.example.com ovs2\n');
  writeFileSync(join(img, 'etc/fstab'), FSTAB);
}

describeWithTools(['update-rc.d', 'systemctl', 'node', 'npm', O2CB_SCRIPT], 'offline boot enablement, compared with the real update-rc.d and systemctl --root', () => {
  let scratch: { path: string; remove: () => void };

  beforeAll(() => {
    expect(spawnSync('npm', ['run', 'build'], { encoding: 'utf8' }).status).toBe(0);
    scratch = scratchDir('i13boot');
  });
  afterAll(() => scratch?.remove());

  it("kickstart steps 1-3 under --root: o2cb and ovsrepositories linked exactly as Debian's update-rc.d links them", () => {
    const ours = join(scratch.path, 'ours');
    const theirs = join(scratch.path, 'theirs');
    debianImage(ours);
    cpSync(ours, theirs, { recursive: true });
    expect(ovs(['--root', ours, '--quiet', 'cluster-check', '--alter-fstab']).exit).toBe(1); // findings before the set-up
    const configure = ovs(['--root', ours, '--json', 'cluster-configure', '--node', 'ovs1.example.com', '--node', 'ovs2.example.com']);
    expect(configure.exit).toBe(0);
    expect(JSON.parse(configure.stdout).result.enabled).toBe('enabled');
    const makerepo = ovs(['--root', ours, '--json', 'makerepo', 'fileserver.example.com:/OVS', 'C', 'Cluster Root']);
    expect(makerepo.exit).toBe(0);
    expect(JSON.parse(makerepo.stdout).result.notes.join('\n')).not.toMatch(/not installed|not enabled|could not be enabled/);
    for (const name of ['o2cb', 'ovsrepositories']) {
      const r = spawnSync(findTool('update-rc.d') as string, [name, 'defaults'], { encoding: 'utf8', env: { ...process.env, DPKG_ROOT: theirs } });
      expect([name, r.status, r.stderr]).toEqual([name, 0, '']);
    }
    expect(rcLinks(theirs).length).toBeGreaterThan(0);
    expect(rcLinks(ours)).toEqual(rcLinks(theirs));
    // Run again: already enabled, nothing more linked.
    const again = ovs(['--root', ours, '--json', 'cluster-configure', '--node', 'ovs1.example.com', '--node', 'ovs2.example.com']);
    expect(JSON.parse(again.stdout).result.enabled).toBe('already');
    expect(rcLinks(ours)).toEqual(rcLinks(theirs));
  });

  it('a systemd image whose systemctl --root fails: makerepo says so in one line', () => {
    const img = join(scratch.path, 'systemd-sysv');
    debianImage(img);
    writeFileSync(join(img, 'etc/fstab'), '');
    mkdirSync(join(img, 'etc/systemd/system'), { recursive: true });
    mkdirSync(join(img, 'lib/systemd/system'), { recursive: true });
    copyFileSync('contrib/ovsrepositories.service', join(img, 'lib/systemd/system/ovsrepositories.service'));
    const r = ovs(['--root', img, '--json', 'makerepo', 'fileserver.example.com:/OVS', 'C', 'Cluster Root', '--uuid', 'F4135C096045458195057412169071E5']);
    expect(r.exit).toBe(0);
    expect(JSON.parse(r.stdout).result.notes.join('\n')).toContain(`the ovsrepositories service could not be enabled at boot in the image: systemctl --root=${img} enable ovsrepositories failed (exit 1): chroot: failed to run command ‘/usr/sbin/update-rc.d’: `);
  });

  it('a systemd image: the real systemctl --root=IMG enable makes the WantedBy link of the unit', () => {
    const img = join(scratch.path, 'systemd');
    debianImage(img);
    writeFileSync(join(img, 'etc/fstab'), ''); // /OVS already moved out (step 1)
    mkdirSync(join(img, 'etc/systemd/system'), { recursive: true });
    mkdirSync(join(img, 'lib/systemd/system'), { recursive: true });
    copyFileSync('contrib/ovsrepositories.service', join(img, 'lib/systemd/system/ovsrepositories.service'));
    // The unit only: with an init script of the same name too, systemctl --root also runs the
    // image's own update-rc.d through chroot (a real image has it; this scratch one does not).
    rmSync(join(img, 'etc/init.d/ovsrepositories'));
    const plan = ovs(['--root', img, '--json', '--dry-run', 'makerepo', 'fileserver.example.com:/OVS', 'C', 'Cluster Root', '--uuid', 'F4135C096045458195057412169071E5']);
    expect(plan.stderr).toBe('');
    const planned = JSON.parse(plan.stdout).changes.find((c: { service?: { action: string } }) => c.service?.action === 'enable');
    expect(planned).toMatchObject({ argv: ['systemctl', `--root=${img}`, 'enable', 'ovsrepositories'], result: 'planned' });
    const r = ovs(['--root', img, '--json', 'makerepo', 'fileserver.example.com:/OVS', 'C', 'Cluster Root', '--uuid', 'F4135C096045458195057412169071E5']);
    expect(r.exit).toBe(0);
    const applied = JSON.parse(r.stdout).changes.find((c: { service?: { action: string } }) => c.service?.action === 'enable');
    expect(applied).toMatchObject({ argv: planned.argv, result: 'applied', exitCode: 0 });
    const link = join(img, 'etc/systemd/system/multi-user.target.wants/ovsrepositories.service');
    expect(readlinkSync(link)).toBe('/lib/systemd/system/ovsrepositories.service');
  });
});
