/**
 * The programs ovs runs, the package that brings each on the two families of systems a pool
 * server runs (Debian and Ubuntu; Oracle VM Server and RHEL), the one test of which family this
 * system is, and the one preflight that refuses a missing program (69) naming the package to
 * install here. A program's failure is worded in program-output.ts (failureOf).
 */
import type { Context } from './command.js';
import { EXIT, OvsError } from './errors.js';
import { exists } from './files.js';

export type Family = 'debian' | 'redhat' | 'unknown';

export interface Package {
  debian: string;
  redhat: string;
  /** Said after the Red Hat command (Oracle VM Server installs from its CD). */
  redhatNote?: string;
  /** Why the program matters where that is not obvious. */
  why?: string;
}

const OCFS2_TOOLS: Package = { debian: 'ocfs2-tools', redhat: 'ocfs2-tools' };
const UTIL_LINUX: Package = { debian: 'util-linux', redhat: 'util-linux' };

/** Program -> package. A bare name is searched on the PATH; an absolute path must exist exactly there. */
export const PACKAGES: Readonly<Record<string, Package>> = {
  'mkfs.ocfs2': OCFS2_TOOLS,
  'tunefs.ocfs2': OCFS2_TOOLS,
  'debugfs.ocfs2': OCFS2_TOOLS,
  o2cb: OCFS2_TOOLS,
  ocfs2_hb_ctl: OCFS2_TOOLS,
  // mkfs.ocfs2 execs this exact path (libo2cb perform_modprobe); without it mkfs.ocfs2 1.8
  // formats, forks a duplicate of itself and exits 1 (docs/tools.md).
  '/sbin/modprobe': { debian: 'kmod', redhat: 'module-init-tools', redhatNote: 'kmod on newer releases', why: 'without /sbin/modprobe mkfs.ocfs2 1.8 forks a duplicate of itself and fails' },
  blkid: UTIL_LINUX,
  blockdev: UTIL_LINUX,
  partx: UTIL_LINUX,
  fallocate: UTIL_LINUX,
  // Debian 10 and later ship sfdisk in its own package, fdisk.
  sfdisk: { debian: 'fdisk', redhat: 'util-linux' },
  iscsiadm: { debian: 'open-iscsi', redhat: 'iscsi-initiator-utils', redhatNote: 'on Oracle VM Server: rpm -Uvh iscsi-initiator-utils-*.rpm from its CD' },
  ioping: { debian: 'ioping', redhat: 'ioping', redhatNote: 'from EPEL' },
  ssh: { debian: 'openssh-client', redhat: 'openssh-clients' },
};

const REDHAT_RELEASES = ['/etc/ovs-release', '/etc/enterprise-release', '/etc/oracle-release', '/etc/redhat-release'];

/** Which family this system (or the --root image) is, from the release file it carries. */
export async function distributionFamily(ctx: Context): Promise<Family> {
  if (await exists(ctx.fs, '/etc/debian_version')) return 'debian';
  for (const f of REDHAT_RELEASES) if (await exists(ctx.fs, f)) return 'redhat';
  return 'unknown';
}

/** The command that installs PROGRAM's package on a system of this family (both when unknown). */
export function installCommand(family: Family, program: string): string {
  const p = packageOf(program);
  const debian = `apt-get install ${p.debian}`;
  if (family === 'debian') return debian;
  if (family === 'redhat') return `yum install ${p.redhat}${p.redhatNote ? ` (${p.redhatNote})` : ''}`;
  return `${debian} (Debian, Ubuntu), or yum install ${p.redhat} (Oracle VM Server, RHEL${p.redhatNote ? `; ${p.redhatNote}` : ''})`;
}

/** `install <package>: <command>`, and why when the table says. */
export function installHint(family: Family, program: string): string {
  const p = packageOf(program);
  const name = family === 'debian' || p.debian === p.redhat ? p.debian : family === 'redhat' ? p.redhat : `${p.debian} or ${p.redhat}`;
  return `install ${name}: ${installCommand(family, program)}${p.why ? `; ${p.why}` : ''}`;
}

function packageOf(program: string): Package {
  const p = PACKAGES[program];
  if (!p) throw new Error(`no package known for ${program}`); // a new program must join the table
  return p;
}

/** Every program is installed on this machine; the first missing one is 69 with its package. */
export async function requirePrograms(ctx: Context, programs: readonly string[], doing: string): Promise<void> {
  const found = await Promise.all(programs.map((p) => ctx.host.which(p)));
  const missing = programs.find((_, i) => !found[i]);
  if (missing === undefined) return;
  throw new OvsError(EXIT.UNAVAILABLE, `${missing} is not installed`, { while: doing, hint: installHint(await distributionFamily(ctx), missing) });
}
