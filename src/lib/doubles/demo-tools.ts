/**
 * The programs of the demo's in-memory server that the ocfs2-tools double
 * (src/lib/doubles/ocfs2-tools.ts) does not cover, simulated just far enough for the guide's NFS
 * pool set-up to run end to end in memory: mount/umount keep /proc/mounts; the boot-time
 * enabling tools and o2cb succeed; `service o2cb start` brings the cluster online in
 * configfs. Nothing here is used against a real machine.
 */
import { posix } from 'node:path';
import type { RunResult } from '../host.js';
import type { MemoryHost, ProgramCall } from './memory-host.js';
import { parseClusterConf } from '../formats/cluster-conf.js';
import { parseO2cbSettings } from '../formats/o2cb-settings.js';

type Answer = Partial<RunResult> | undefined;

function optionValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
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

/** The fallback responder of the demo server's memory host. */
export function simulatedTool(call: ProgramCall, host: MemoryHost): Answer {
  const [program = '', ...args] = call.argv;
  switch (posix.basename(program)) {
    case 'mount':
      return mount(host, args);
    case 'umount':
      return umount(host, args);
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
