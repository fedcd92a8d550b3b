/**
 * `ovs status --root` on the fixture servers written to disk (an installed image): the
 * static parts from the image's files, what only a running server can tell said to be not
 * known offline; a healthy image exits 0, each failure an image shows by itself exits 1 with
 * its fix listed. Never 3 offline: whether the cluster runs is not known there.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { FAILURES } from '../fixtures/servers/failures.js';
import { MOUNT_POINT, ROOT_UUID, healthyServer, writeImage, type ServerFixture } from '../fixtures/servers/servers.js';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

describeWithTools(['node'], 'ovs status --root on server images', () => {
  const scratch = scratchDir('i15status');
  afterAll(() => scratch.remove());
  let count = 0;

  const status = (s: ServerFixture, ...args: string[]) => {
    const dir = join(scratch.path, `img${++count}`);
    writeImage(s, dir);
    const r = spawnSync(process.execPath, ['bin/ovs', '--root', dir, ...args, 'status'], { encoding: 'utf8', timeout: 60_000 });
    return { exit: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('a healthy image: the static parts, what is not known offline, exit 0', () => {
    const r = status(healthyServer());
    expect(r.exit, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Host: ovs1.example.com, node 0  (offline: the image only)\n');
    expect(r.stdout).toContain('    1  ovs2.example.com  192.168.100.101:7777\n');
    expect(r.stdout).toContain('O2CB: not known offline; driver enabled (/etc/sysconfig/o2cb); o2cb does NOT start at boot\n');
    expect(r.stdout).toContain('  heartbeat regions active: not known offline\n');
    expect(r.stdout).toContain(`  ${ROOT_UUID}  nfs    C  fileserver.example.com:/OVS  not known offline\n  /OVS -> ${MOUNT_POINT}\n`);
    expect(r.stdout).toContain("Heartbeat file: skipped (offline): the NFS cluster root's heartbeat file is on the storage, mounted at boot\n");
    expect(r.stdout).toContain('Services: o2cb unknown, ocfs2 not-installed, ovsrepositories unknown, ovs-agent not-installed\n');
    expect(r.stdout).toContain('\nStatus: healthy\nNot known offline: whether the O2CB cluster is online, heartbeat regions, which repositories are mounted, service states\n');
  });

  it('--json offline: online and mounted are null', () => {
    const r = status(healthyServer(), '--json');
    const j = JSON.parse(r.stdout);
    expect(j.result).toMatchObject({ offline: true, health: 'healthy', o2cb: { online: null, regions: null }, repositories: [{ mounted: null }] });
  });

  for (const f of FAILURES.filter((c) => c.offline)) {
    it(`${f.name}: listed with its fix, exit 1`, () => {
      const s = healthyServer();
      f.change(s);
      const r = status(s);
      expect(r.exit, r.stdout + r.stderr).toBe(1);
      const lines = r.stdout.split('\n');
      const at = lines.findIndex((l) => l.startsWith(`  FAIL  ${f.id} `));
      expect(at, r.stdout).toBeGreaterThan(0);
      expect(lines[at]?.replace(/^ {2}FAIL {2}\S+ +/, '')).toBe(f.message);
      expect(lines[at + 1]).toBe(`        fix: ${f.hint}`);
    });
  }
});
