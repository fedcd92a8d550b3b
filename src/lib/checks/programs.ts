/**
 * The programs HA needs on every pool server: mkfs.ocfs2 and o2cb (ocfs2-tools),
 * /sbin/modprobe (kmod: without it mkfs.ocfs2 1.8 formats and then fails, docs/tools.md),
 * and iscsiadm when the pool's storage is iSCSI. On a live server the PATH is searched as
 * ovs runs programs; under --root the image's own sbin and bin directories are.
 */
import type { Context } from '../command.js';
import { statOrUndefined } from '../files.js';
import { repositoryEntries } from '../formats/repositories.js';
import { fail, pass, type CheckResult } from './check.js';
import type { Facts } from './facts.js';
import { distributionFamily, installCommand } from '../programs.js';

const IMAGE_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/bin', '/bin'];

interface Program {
  id: string;
  /** A bare name is searched for; an absolute path must exist exactly there. Its package: programs.ts. */
  name: string;
  why: string;
}

const PROGRAMS: Program[] = [
  { id: 'programs.mkfs-ocfs2', name: 'mkfs.ocfs2', why: 'formats shared storage and the NFS heartbeat file' },
  { id: 'programs.o2cb', name: 'o2cb', why: 'the O2CB cluster stack' },
  // mkfs.ocfs2 execs this exact path (libo2cb perform_modprobe).
  { id: 'programs.modprobe', name: '/sbin/modprobe', why: 'without it mkfs.ocfs2 1.8 formats, then fails' },
];

const ISCSIADM: Program = { id: 'programs.iscsiadm', name: 'iscsiadm', why: 'the pool uses iSCSI storage' };

async function found(ctx: Context, name: string): Promise<string | undefined> {
  if (!ctx.offline) return ctx.host.which(name);
  const candidates = name.startsWith('/') ? [name] : IMAGE_DIRS.map((d) => `${d}/${name}`);
  for (const c of candidates) if ((await statOrUndefined(ctx.fs, c))?.kind === 'file') return c;
  return undefined;
}

async function checkProgram(ctx: Context, p: Program): Promise<CheckResult> {
  const at = await found(ctx, p.name);
  if (at) return pass(p.id, `${p.name} is installed (${at})`);
  return fail(p.id, `${p.name} is missing (${p.why})`, installCommand(await distributionFamily(ctx), p.name));
}

/** iSCSI storage in use: node records in /etc/iscsi/nodes, or a repository on an iSCSI by-path device. */
async function usesIscsi(ctx: Context, f: Facts): Promise<boolean> {
  const records = await ctx.fs.readdir('/etc/iscsi/nodes').catch(() => [] as string[]);
  if (records.length > 0) return true;
  const entries = f.repositories.value ? repositoryEntries(f.repositories.value) : [];
  return entries.some((e) => /\/dev\/disk\/by-path\/.*-iscsi-/.test(e.source));
}

export async function programChecks(ctx: Context, f: Facts): Promise<CheckResult[]> {
  const results = await Promise.all(PROGRAMS.map((p) => checkProgram(ctx, p)));
  if (await usesIscsi(ctx, f)) results.push(await checkProgram(ctx, ISCSIADM));
  else results.push(pass(ISCSIADM.id, 'not needed: no iSCSI node records and no iSCSI repository'));
  return results;
}
