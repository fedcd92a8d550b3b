/**
 * Which ovs run made a file, written into the file's name, so a later run can prove that
 * the run is gone before it removes what the run left (a 300 MiB heartbeat temporary file
 * after a SIGKILL). The owner is the machine (/etc/machine-id), the boot
 * (/proc/sys/kernel/random/boot_id) and the pid. A run is provably gone when it ran on
 * this machine and either in an earlier boot or as a pid that is no longer alive. A file
 * from another machine (the NFS cluster root is shared by the whole pool) is never proved
 * gone: only that machine can tell. Without a machine id or boot id nothing is tagged, so
 * nothing is ever removed on a guess.
 */
import type { Host } from './host.js';
import { BOOT_ID_PATH, MACHINE_ID_PATHS } from './system-paths.js';

export interface RunOwner {
  pid: number;
  /** The first 8 hex digits of the boot id. */
  boot: string;
  /** The first 8 hex digits of the machine id. */
  machine: string;
}

/** The first line of a machine file, trimmed; undefined when it is absent, unreadable or empty. */
async function idIn(host: Host, path: string): Promise<string | undefined> {
  const text = await host.fs.readFile(path).then((b) => b.toString('latin1'), () => '');
  return text.trim() || undefined;
}

/** This boot's id (the lock and the journal record it whole), or undefined where there is none. */
export async function bootId(host: Host): Promise<string | undefined> {
  return idIn(host, BOOT_ID_PATH);
}

/** The first 8 hex digits of an id (its dashes dropped), or undefined when it has none. */
function shortHex(id: string | undefined): string | undefined {
  const hex = (id ?? '').replace(/-/g, '').slice(0, 8).toLowerCase();
  return /^[0-9a-f]{8}$/.test(hex) ? hex : undefined;
}

async function machineHex(host: Host): Promise<string | undefined> {
  for (const p of MACHINE_ID_PATHS) {
    const hex = shortHex(await idIn(host, p));
    if (hex) return hex;
  }
  return undefined;
}

/** This run, or undefined when the machine or the boot cannot be told. */
export async function currentOwner(host: Host): Promise<RunOwner | undefined> {
  const [boot, machine] = await Promise.all([bootId(host).then(shortHex), machineHex(host)]);
  return boot && machine ? { pid: host.pid, boot, machine } : undefined;
}

/** `PID-BOOT-MACHINE`, for a file name. */
export function ownerTag(o: RunOwner): string {
  return `${o.pid}-${o.boot}-${o.machine}`;
}

/** The pattern of ownerTag() inside a larger regular expression (groups: pid, boot, machine). */
export const OWNER_TAG_PATTERN = '(\\d{1,10})-([0-9a-f]{8})-([0-9a-f]{8})';

export function ownerFromMatch(m: RegExpExecArray, first: number): RunOwner {
  return { pid: Number(m[first]), boot: m[first + 1] as string, machine: m[first + 2] as string };
}

/** True only when `owner` is provably not running: same machine, and an earlier boot or a dead pid. */
export function ownerIsGone(host: Host, self: RunOwner, owner: RunOwner): boolean {
  if (owner.machine !== self.machine) return false;
  if (owner.boot !== self.boot) return true;
  return owner.pid !== self.pid && !host.processAlive(owner.pid);
}
