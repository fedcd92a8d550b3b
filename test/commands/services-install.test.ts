/**
 * `ovs services install`: the ovsrepositories init script (and unit, on systemd) from the
 * package's contrib/, live and under --root, then enabled at boot (in the image under --root).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAMS, memoryHost, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { runOvs } from '../helpers/run.js';

const CONTRIB = fileURLToPath(new URL('../../contrib/', import.meta.url));
const INIT = readFileSync(`${CONTRIB}ovsrepositories.init`, 'utf8');
const UNIT = readFileSync(`${CONTRIB}ovsrepositories.service`, 'utf8');
/** The package's contrib/ at its real path, as the real host sees it. */
const withContrib = (o: MemoryHostOptions = {}): MemoryHostOptions => ({
  ...o,
  files: { [`${CONTRIB}ovsrepositories.init`]: INIT, [`${CONTRIB}ovsrepositories.service`]: UNIT, ...o.files },
});

describe('services install', () => {
  it('live (SysV): installs the init script 0755 and enables it with the machine\'s chkconfig', async () => {
    const r = await runOvs(['services', 'install'], withContrib({ programs: [...DEFAULT_PROGRAMS, 'chkconfig'], expect: [{ argv: ['chkconfig', 'ovsrepositories', 'on'] }] }));
    expect(r.exit).toBe(0);
    expect(r.host.readText('/etc/init.d/ovsrepositories')).toBe(INIT);
    expect((r.host.vol.statSync('/etc/init.d/ovsrepositories').mode as number) & 0o777).toBe(0o755);
    expect(r.host.exists('/etc/systemd/system/ovsrepositories.service')).toBe(false);
    expect(r.stdout).toBe('installed       /etc/init.d/ovsrepositories\nat boot         enabled\n');
    expect(r.host.unusedExpectations()).toEqual([]);
  });

  it('live (SysV): a chkconfig that fails leaves the script installed and says why at boot is "failed" (exit 0: never fatal)', async () => {
    // chkconfig's own refusal when the script has no chkconfig header (replayed, chkconfig 1.x).
    const refused = { argv: ['chkconfig', 'ovsrepositories', 'on'], result: { exitCode: 1, stderr: 'service ovsrepositories does not support chkconfig\n' } };
    const r = await runOvs(['services', 'install'], withContrib({ programs: [...DEFAULT_PROGRAMS, 'chkconfig'], expect: [refused] }));
    expect(r.exit).toBe(0);
    expect(r.host.readText('/etc/init.d/ovsrepositories')).toBe(INIT);
    expect(r.stdout).toBe('installed       /etc/init.d/ovsrepositories\nat boot         failed (chkconfig ovsrepositories on failed (exit 1): service ovsrepositories does not support chkconfig)\n');
  });

  it('under --root on a Debian image: the script, and the links update-rc.d would make from its LSB header', async () => {
    const files = { '/img/usr/sbin/update-rc.d': '', '/img/etc': null };
    const r = await runOvs(['--json', '--root', '/img', 'services', 'install'], withContrib({ files }));
    expect(r.exit).toBe(0);
    expect(r.host.readText('/img/etc/init.d/ovsrepositories')).toBe(INIT);
    const links = r.json.changes.filter((c: { kind: string }) => c.kind === 'symlink').map((c: { path: string }) => c.path);
    expect(links).toEqual(['/etc/rc2.d/S01ovsrepositories', '/etc/rc3.d/S01ovsrepositories', '/etc/rc4.d/S01ovsrepositories', '/etc/rc5.d/S01ovsrepositories', '/etc/rc0.d/K01ovsrepositories', '/etc/rc1.d/K01ovsrepositories', '/etc/rc6.d/K01ovsrepositories']);
    expect(r.json.result.install.enabled).toBe('enabled');
    expect(r.host.calls).toEqual([]);
    const again = await runOvs(['--json', '--root', '/img', 'services', 'install'], r.host);
    expect(again.json.result.install).toEqual({ installed: [{ path: '/etc/init.d/ovsrepositories', changed: false }], enabled: 'already' });
    expect(again.json.changes).toEqual([]);
  });

  it('under --root on an Oracle VM (chkconfig) image: the chkconfig line decides (S26, K17: stops before ocfs2-tools\' K18ocfs2)', async () => {
    const r = await runOvs(['--json', '--root', '/img', 'services', 'install'], withContrib({ files: { '/img/sbin/chkconfig': '' } }));
    expect(r.json.changes.filter((c: { kind: string }) => c.kind === 'symlink').map((c: { path: string }) => c.path)).toEqual(
      ['0', '1', '2', '3', '4', '5', '6'].map((l) => (['2', '3', '4', '5'].includes(l) ? `/etc/rc${l}.d/S26ovsrepositories` : `/etc/rc${l}.d/K17ovsrepositories`)),
    );
  });

  it('under --root on a systemd image: the unit too, enabled with systemctl --root', async () => {
    const h = memoryHost(withContrib({ files: { '/img/etc/systemd/system': null }, programs: [...DEFAULT_PROGRAMS, 'systemctl'], expect: [{ argv: ['systemctl', '--root=/img', 'enable', 'ovsrepositories'] }] }));
    const r = await runOvs(['--json', '--root', '/img', 'services', 'install'], h);
    expect(r.exit).toBe(0);
    expect(h.readText('/img/etc/systemd/system/ovsrepositories.service')).toBe(UNIT);
    expect(r.json.result.install.installed.map((f: { path: string }) => f.path)).toEqual(['/etc/init.d/ovsrepositories', '/etc/systemd/system/ovsrepositories.service']);
    expect(h.unusedExpectations()).toEqual([]);
  });

  it('--dry-run plans the same and changes nothing', async () => {
    const r = await runOvs(['--dry-run', '--root', '/img', 'services', 'install'], withContrib({ files: { '/img/usr/sbin/update-rc.d': '' } }));
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('at boot         planned');
    expect(r.stdout).toContain('  symlink  /etc/rc2.d/S01ovsrepositories -> ../init.d/ovsrepositories');
    expect(r.host.exists('/img/etc/init.d/ovsrepositories')).toBe(false);
  });

  it('the package without contrib/: 72, nothing changed', async () => {
    const r = await runOvs(['services', 'install'], {});
    expect(r.exit).toBe(72);
    expect(r.stderr).toContain('ovs: services: contrib/ovsrepositories.init is missing from the ovs package while installing the ovsrepositories service\novs: hint: reinstall ovs (the package ships contrib/)\n');
    expect(r.host.exists('/etc/init.d/ovsrepositories')).toBe(false);
  });

  it('makerepo under --root without the service: one line saying so', async () => {
    const r = await runOvs(['--json', '--root', '/img', 'makerepo', 'fileserver.example.com:/OVS', 'C', 'cluster root', '--uuid', 'F4135C096045458195057412169071E5'], { files: { '/img/etc/hostname': 'ovs1\n' } });
    expect(r.json.result.notes).toContain('the ovsrepositories service is not installed, so nothing mounts the repositories at boot: ovs services install');
  });
});

describe('cluster-check: repositories.service', () => {
  const image = { '/img/etc/hostname': 'ovs1\n', '/img/etc/ovs/repositories': 'F4135C096045458195057412169071E5  nfs    C     fileserver.example.com:/OVS    cluster root\n' };

  it('a cluster root and no ovsrepositories service: a one-line warning naming the fix', async () => {
    const r = await runOvs(['--json', '--root', '/img', 'cluster-check'], { files: image });
    expect(r.json.result.checks.find((c: { id: string }) => c.id === 'repositories.service')).toEqual({
      id: 'repositories.service',
      status: 'WARN',
      message: 'the ovsrepositories service is not installed, so nothing mounts the repositories at boot: ovs services install',
      hint: 'ovs services install',
    });
  });

  it('installed: PASS', async () => {
    const r = await runOvs(['--json', '--root', '/img', 'cluster-check'], { files: { ...image, '/img/etc/init.d/ovsrepositories': INIT } });
    expect(r.json.result.checks.find((c: { id: string }) => c.id === 'repositories.service')?.status).toBe('PASS');
  });
});
