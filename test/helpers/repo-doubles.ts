/**
 * A memory host with storage behind it, for the repository commands' tests: the shipped
 * `mount` and `umount` doubles (src/lib/doubles/mounts.ts) over seeded storages and devices.
 * Block devices are memory files that stat() reports as block devices; what is on them is
 * answered by the shipped ocfs2-tools double (src/lib/doubles/ocfs2-tools.ts: blkid, tunefs.ocfs2,
 * debugfs.ocfs2 replaying the real tools' text, and mkfs.ocfs2/dd for the heartbeat file).
 */
import { posix } from 'node:path';
import { memoryHost, type MemoryHost, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { foreignImage, ocfs2ToolsDouble, volumeImage } from '../../src/lib/doubles/ocfs2-tools.js';
import { mountTools, procMountsLine, ROOT_MOUNT, storageDir, type MountedDouble, type MountToolsOptions } from '../../src/lib/doubles/mounts.js';

export { procMountsLine, STORAGE, storageDir, type MountedDouble } from '../../src/lib/doubles/mounts.js';

export interface DeviceDouble {
  /** blkid's TYPE; undefined: no file system (blkid exit 2). */
  type?: string;
  /** OCFS2 volume UUID (32 upper-case hex digits). */
  uuid?: string;
  label?: string;
}

/** What the ocfs2-tools double reads on a device. */
function deviceImage(d: DeviceDouble): string {
  if (d.type === 'ocfs2') return volumeImage({ uuid: d.uuid ?? '', label: d.label ?? '', slots: 16, blockSize: 4096, clusterSize: 4096, clusters: 262144 });
  return d.type ? foreignImage(d.type) : '';
}

export interface RepoHostOptions extends MemoryHostOptions, MountToolsOptions {
  /** What each storage holds, by source: path relative to its root -> content (null: a directory). */
  storage?: Record<string, Record<string, string | Uint8Array | null>>;
  /** Block devices: created as files stat() reports as block devices. */
  devices?: Record<string, DeviceDouble>;
  /** Mounted before the run (besides /). */
  mounted?: MountedDouble[];
  /** Register this O2CB cluster in configfs with this host as its local node. */
  o2cbOnline?: string;
  /** UUIDs the mkfs.ocfs2 double gives the heartbeat files it formats. */
  uuids?: string[];
}

function seedStorage(files: Record<string, string | Uint8Array | null>, o: RepoHostOptions): void {
  for (const [source, content] of Object.entries(o.storage ?? {})) {
    files[storageDir(source)] = null;
    for (const [rel, text] of Object.entries(content)) files[posix.join(storageDir(source), rel)] = text;
  }
  for (const [path, d] of Object.entries(o.devices ?? {})) {
    files[path] ??= deviceImage(d);
    if (d.type) files[storageDir(path)] ??= null; // a formatted device mounts, empty
  }
  const mounted = o.mounted ?? [];
  files['/run/lock'] ??= null; // there on every booted system (the run lock goes there)
  files['/proc/mounts'] ??= [ROOT_MOUNT, ...mounted.map(procMountsLine)].map((l) => `${l}\n`).join('');
  for (const m of mounted) files[m.target] ??= null;
  if (o.o2cbOnline) {
    files[`/sys/kernel/config/cluster/${o2cbNode(o.o2cbOnline)}/local`] = '1\n';
    files[`/sys/kernel/config/cluster/${o2cbNode(o.o2cbOnline)}/num`] = '0\n';
  }
}

const o2cbNode = (cluster: string) => `${cluster}/node/ovs1`;

/** The memory host with the doubles above. */
export function repoHost(o: RepoHostOptions = {}): MemoryHost {
  const files: Record<string, string | Uint8Array | null> = { ...(o.files ?? {}) };
  seedStorage(files, o);
  const host = memoryHost({ ...o, files, blockDevices: [...(o.blockDevices ?? []), ...Object.keys(o.devices ?? {})] });
  for (const t of mountTools(o)) host.simulate(t);
  for (const t of ocfs2ToolsDouble(o.uuids ? { uuids: o.uuids } : {})) host.simulate(t);
  return host;
}

/** The files on a storage as the test sees them now, wherever it is (mounted or not). */
export function storageFiles(host: MemoryHost, source: string, mountPoint?: string): Record<string, string | null> {
  const lines = host.readText('/proc/mounts').split('\n');
  const mounted = lines.map((l) => l.split(' ')).find((f) => f[0] === source);
  const base = mounted?.[1] ?? mountPoint ?? storageDir(source);
  const out: Record<string, string | null> = {};
  const walk = (dir: string) => {
    for (const name of host.vol.readdirSync(dir) as string[]) {
      const p = posix.join(dir, name);
      const st = host.vol.lstatSync(p);
      const rel = posix.relative(base, p);
      if (st.isDirectory()) {
        out[`${rel}/`] = null;
        walk(p);
      } else if (st.isSymbolicLink()) out[rel] = `-> ${String(host.vol.readlinkSync(p))}`;
      else out[rel] = String(host.vol.readFileSync(p, 'utf8'));
    }
  };
  walk(base);
  return out;
}
