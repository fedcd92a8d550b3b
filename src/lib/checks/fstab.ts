/**
 * No `/OVS` line left in /etc/fstab: from Oracle VM 2.1.2 on, all storage — even the
 * cluster root mounted at /OVS — is kept in /etc/ovs/repositories (the guide, "Enabling HA
 * for the Server Pool"). A line left in fstab mounts a local /OVS at boot, under the
 * repositories, and HA fails. `--alter-fstab` is the fix.
 */
import { inFile } from '../formats/format-error.js';
import { ovsEntries } from '../formats/fstab.js';
import { fail, pass, type CheckResult } from './check.js';
import { where, type Facts } from './facts.js';
import { FSTAB } from '../system-paths.js';

export function checkFstab(f: Facts): CheckResult {
  const id = 'fstab.no-ovs';
  if (f.fstab.missing) return pass(id, `there is no ${FSTAB}`);
  if (f.fstab.error) return fail(id, inFile(FSTAB, f.fstab.error), `correct ${where(FSTAB, f.fstab.error.line)}`);
  const lines = ovsEntries(f.fstab.value ?? { lines: [], finalNewline: true });
  if (lines.length === 0) return pass(id, `${FSTAB} mounts nothing on /OVS`);
  const list = lines.map((e) => `line ${e.line} (${e.vfstype} ${e.spec} on ${e.file})`).join(', ');
  return fail(id, `${FSTAB} still mounts on /OVS: ${list}`, 'ovs cluster-check --alter-fstab (moves them into /etc/ovs/repositories and comments them out)');
}
