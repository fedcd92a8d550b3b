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

export interface RunOwner {
  pid: number;
  /** The first 8 hex digits of the boot id. */
  boot: string;
  /** The first 8 hex digits of the machine id. */
  machine: string;
}

const BOOT_ID = '/proc/sys/kernel/random/boot_id';
const MACHINE_IDS = ['/etc/machine-id', '/var/lib/dbus/machine-id'];

async function firstHex(host: Host, paths: readonly string[]): Promise<string | undefined> {
  for (const p of paths) {
    const text = await host.fs.readFile(p).then((b) => b.toString('latin1'), () => '');
    const hex = text.replace(/-/g, '').trim().slice(0, 8).toLowerCase();
    if (/^[0-9a-f]{8}$/.test(hex)) return hex;
  }
  return undefined;
}

/** This run, or undefined when the machine or the boot cannot be told. */
export async function currentOwner(host: Host): Promise<RunOwner | undefined> {
  const [boot, machine] = await Promise.all([firstHex(host, [BOOT_ID]), firstHex(host, MACHINE_IDS)]);
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
