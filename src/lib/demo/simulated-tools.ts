/**
 * The programs of the demo's in-memory server, simulated just far enough for the guide's
 * NFS pool set-up to run end to end in memory: mount/umount keep /proc/mounts, mkfs.ocfs2
 * leaves a marker that tunefs.ocfs2, debugfs.ocfs2, blkid and cmp read back. Nothing here
 * is used against a real machine; the tests use doubles that replay the real tools' text.
 */
import { posix } from 'node:path';
import type { RunResult } from '../host.js';
import type { MemoryHost, ProgramCall } from '../memory-host.js';
import { parseClusterConf } from '../formats/cluster-conf.js';
import { parseO2cbSettings } from '../formats/o2cb-settings.js';
import { parseSize } from '../ocfs2/mkfs.js';

const MARKER = 'ovs-demo-ocfs2 ';

interface DemoVolume {
  label: string;
  uuid: string;
  slots: number;
  blockSize: number;
  clusterSize: number;
}

type Answer = Partial<RunResult> | undefined;

function optionValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

function volumeAt(host: MemoryHost, path: string): DemoVolume | undefined {
  try {
    const text = host.readText(path);
    return text.startsWith(MARKER) ? (JSON.parse(text.slice(MARKER.length)) as DemoVolume) : undefined;
  } catch {
    return undefined;
  }
}

function mount(host: MemoryHost, args: readonly string[]): Answer {
  const [source, dir] = args.slice(args.indexOf('--') + 1);
  const type = optionValue(args, '-t') ?? 'auto';
  host.vol.appendFileSync('/proc/mounts', `${source} ${dir} ${type} ${optionValue(args, '-o') ?? 'rw'} 0 0\n`);
  return { exitCode: 0 };
}

function umount(host: MemoryHost, args: readonly string[]): Answer {
  const dir = args.at(-1);
  const lines = host.readText('/proc/mounts').split('\n');
  const keep = lines.filter((l) => l.split(' ')[1] !== dir);
  host.vol.writeFileSync('/proc/mounts', keep.join('\n'));
  return keep.length < lines.length ? { exitCode: 0 } : { exitCode: 32, stderr: `umount: ${dir}: not mounted.\n` };
}

/** fallocate and dd: the file appears (empty: its size does not matter in memory). */
function allocate(host: MemoryHost, path: string | undefined): Answer {
  if (!path) return undefined;
  if (!host.exists(path)) host.vol.writeFileSync(path, '');
  return { exitCode: 0 };
}

let uuids = 0;

function mkfs(host: MemoryHost, args: readonly string[]): Answer {
  const target = args.at(-1) as string;
  const v: DemoVolume = {
    label: optionValue(args, '-L') ?? '',
    uuid: `DE4D0CF5${String(++uuids).padStart(24, '0')}`,
    slots: Number(optionValue(args, '-N') ?? 2),
    blockSize: parseSize(optionValue(args, '-b') ?? '4K', 'block size'),
    clusterSize: parseSize(optionValue(args, '-C') ?? '4K', 'cluster size'),
  };
  host.vol.writeFileSync(target, MARKER + JSON.stringify(v));
  return { exitCode: 0, stdout: `mkfs.ocfs2 1.8.7\nLabel: ${v.label}\nNode slots: ${v.slots}\nmkfs.ocfs2 successful\n\n` };
}

function tunefs(host: MemoryHost, target: string): Answer {
  const v = volumeAt(host, target);
  if (!v) return { exitCode: 1, stderr: `tunefs.ocfs2: Bad magic number in superblock while opening device ${target}\n` };
  return { exitCode: 0, stdout: `${v.uuid}\n${v.slots}\n${v.clusterSize}\n${v.label}` };
}

function debugfs(host: MemoryHost, target: string): Answer {
  const v = volumeAt(host, target);
  if (!v) return { exitCode: 0, stderr: `debugfs.ocfs2: Bad magic number in superblock while opening device "${target}"\n` };
  const bits = (n: number) => Math.log2(n);
  return {
    exitCode: 0,
    stdout: `\tRevision: 0.90\n\tBlock Size Bits: ${bits(v.blockSize)}   Cluster Size Bits: ${bits(v.clusterSize)}\n\tMax Node Slots: ${v.slots}\n\tLabel: ${v.label}\n\tUUID: ${v.uuid}\n`,
  };
}

function blkid(host: MemoryHost, target: string): Answer {
  const v = volumeAt(host, target);
  if (!v) return { exitCode: 2 };
  return { exitCode: 0, stdout: `DEVNAME=${target}\nLABEL=${v.label}\nUUID=${v.uuid.toLowerCase()}\nBLOCK_SIZE=${v.blockSize}\nTYPE=ocfs2\n` };
}

/** The fallback responder of the demo server's memory host. */
export function simulatedTool(call: ProgramCall, host: MemoryHost): Answer {
  const [program = '', ...args] = call.argv;
  const last = args.at(-1) ?? '';
  switch (posix.basename(program)) {
    case 'mount':
      return mount(host, args);
    case 'umount':
      return umount(host, args);
    case 'fallocate':
      return allocate(host, last);
    case 'dd':
      return allocate(host, args.find((a) => a.startsWith('of='))?.slice(3));
    case 'mkfs.ocfs2':
      return mkfs(host, args);
    case 'tunefs.ocfs2':
      return tunefs(host, last);
    case 'debugfs.ocfs2':
      return debugfs(host, last);
    case 'blkid':
      return blkid(host, last);
    case 'cmp': // "is the start of the file all zeros?"
      return { exitCode: volumeAt(host, args.at(-2) ?? '') ? 1 : 0 };
    case 'update-rc.d':
    case 'chkconfig':
    case 'o2cb':
      return { exitCode: 0 };
    default:
      return undefined;
  }
}

const CONFIGFS_CLUSTER = '/sys/kernel/config/cluster';

/**
 * `service o2cb start` on the demo server: the boot cluster of the O2CB settings comes
 * online in configfs with this host as its local node, as the real init script does.
 */
export function o2cbOnline(host: MemoryHost, hostname: string): void {
  const settings = parseO2cbSettings(host.readText('/etc/sysconfig/o2cb'));
  const name = settings.O2CB_BOOTCLUSTER ?? 'ocfs2';
  const cluster = parseClusterConf(host.readText('/etc/ocfs2/cluster.conf')).clusters.find((c) => c.name === name);
  for (const node of cluster?.nodes ?? []) {
    const dir = `${CONFIGFS_CLUSTER}/${name}/node/${node.name}`;
    host.vol.mkdirSync(dir, { recursive: true });
    host.vol.writeFileSync(`${dir}/num`, `${node.number}\n`);
    host.vol.writeFileSync(`${dir}/ipv4_address`, `${node.ipAddress}\n`);
    host.vol.writeFileSync(`${dir}/ipv4_port`, `${node.ipPort}\n`);
    host.vol.writeFileSync(`${dir}/local`, node.name === hostname ? '1\n' : '0\n');
  }
}

export function o2cbOffline(host: MemoryHost): void {
  if (host.exists(CONFIGFS_CLUSTER)) host.vol.rmSync(CONFIGFS_CLUSTER, { recursive: true });
}
