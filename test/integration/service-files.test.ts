/**
 * The shipped service files on the systems they are for. SysV (RHEL, Oracle VM Server): the
 * script keeps /var/lock/subsys/ovsrepositories (rc stops at shutdown only the services that
 * have one) and stops before ocfs2 and o2cb, whose K numbers are read from the real ocfs2-tools
 * scripts. systemd: `systemd-analyze verify` is clean with ocfs2-tools' units and the manual
 * installed. /var/lock is a tmpfs of a private mount namespace here, never the machine's.
 */
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { inNamespaces, scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

const chkconfig = (text: string) => {
  const m = /^# chkconfig:\s+\d+\s+(\d+)\s+(\d+)$/m.exec(text);
  if (!m) throw new Error('no chkconfig line');
  return { start: Number(m[1]), stop: Number(m[2]) };
};

describeWithTools(['unshare', 'mount', '/etc/init.d/ocfs2', '/etc/init.d/o2cb', 'systemd-analyze'], 'the shipped service files', () => {
  const scratch = scratchDir('i14svc');
  afterAll(() => scratch.remove());

  it('chkconfig: starts after o2cb and ocfs2, stops before them (K number below both, real ocfs2-tools scripts and Oracle VM 2.x ones)', () => {
    const ours = chkconfig(readFileSync('contrib/ovsrepositories.init', 'utf8'));
    const ocfs2 = chkconfig(readFileSync('/etc/init.d/ocfs2', 'utf8'));
    const o2cb = chkconfig(readFileSync('/etc/init.d/o2cb', 'utf8'));
    expect(ours.start).toBeGreaterThan(ocfs2.start);
    expect(ours.start).toBeGreaterThan(o2cb.start);
    // Equal numbers run in name order (K18ocfs2 before K18ovsrepositories): strictly below.
    expect(ours.stop).toBeLessThan(ocfs2.stop);
    expect(ours.stop).toBeLessThan(o2cb.stop);
    expect(ours.stop).toBeLessThan(19); // Oracle VM Server 2.x: ocfs2 2345 25 19, o2cb 2345 24 20
  });

  it('SysV: start creates /var/lock/subsys/ovsrepositories, a failed start does not, stop removes it', () => {
    const fake = join(scratch.path, 'ovs');
    writeFileSync(fake, '#!/bin/sh\nexit ${FAKE_EXIT:-0}\n', { mode: 0o755 });
    const script = join(process.cwd(), 'contrib/ovsrepositories.init');
    const steps = [
      'mount -t tmpfs i14svc /run/lock && mkdir /run/lock/subsys',
      `FAKE_EXIT=69 sh ${script} start; echo "failed-start=$? $(test -e /var/lock/subsys/ovsrepositories && echo lock || echo none)"`,
      `sh ${script} start; echo "start=$? $(test -e /var/lock/subsys/ovsrepositories && echo lock || echo none)"`,
      `sh ${script} restart; echo "restart=$? $(test -e /var/lock/subsys/ovsrepositories && echo lock || echo none)"`,
      `FAKE_EXIT=69 sh ${script} stop; echo "failed-stop=$? $(test -e /var/lock/subsys/ovsrepositories && echo lock || echo none)"`,
      `sh ${script} stop; echo "stop=$? $(test -e /var/lock/subsys/ovsrepositories && echo lock || echo none)"`,
    ];
    const r = inNamespaces(['sh', '-c', steps.join('\n')], { env: { OVS: fake } });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual(['failed-start=1 none', 'start=0 lock', 'restart=0 lock', 'failed-stop=1 lock', 'stop=0 none']);
  });

  it('systemd: systemd-analyze verify is clean with the o2cb and ocfs2 units and the manual installed', () => {
    const units = join(scratch.path, 'units');
    const man = join(scratch.path, 'man');
    for (const d of [units, join(man, 'man8'), join(man, 'man5')]) mkdirSync(d, { recursive: true });
    // What ocfs2-tools installs on a systemd distribution: o2cb.service and ocfs2.service.
    for (const name of ['o2cb', 'ocfs2']) writeFileSync(join(units, `${name}.service`), `[Unit]\nDescription=${name}\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n`);
    copyFileSync('contrib/ovsrepositories.service', join(units, 'ovsrepositories.service'));
    copyFileSync('man/ovs-repositories.8', join(man, 'man8', 'ovs-repositories.8'));
    copyFileSync('man/ovs-repositories.5', join(man, 'man5', 'ovs-repositories.5'));
    const r = inNamespaces(['systemd-analyze', 'verify', join(units, 'ovsrepositories.service')], { env: { SYSTEMD_UNIT_PATH: `${units}:`, MANPATH: man } });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.exitCode).toBe(0);
  });
});
