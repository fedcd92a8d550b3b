/**
 * The embedded default behind `ovs demo`: a freshly installed Oracle VM Server 2.x pool
 * master held in memory (RHEL layout, ocfs2-tools installed, the 2.1-era NFS /OVS line
 * still in /etc/fstab), and the guide's NFS pool set-up as a list of ovs commands.
 */
import { memoryHost, type MemoryHost, type MemoryHostOptions } from '../doubles/memory-host.js';
import { ocfs2ToolsDouble } from '../doubles/ocfs2-tools.js';
import { o2cbOffline, o2cbOnline, simulatedTool } from '../doubles/demo-tools.js';

export const DEMO_HOSTNAME = 'ovs1.example.com';

const FILES: Record<string, string | null> = {
  '/etc/hosts': [
    '127.0.0.1\tlocalhost.localdomain localhost',
    '192.168.1.11\tovs1.example.com ovs1',
    '192.168.1.12\tovs2.example.com ovs2',
    '192.168.1.13\tovs3.example.com ovs3',
    '',
  ].join('\n'),
  '/etc/fstab': [
    'LABEL=/                 /                       ext3    defaults        1 1',
    'LABEL=SWAP-sda2         swap                    swap    defaults        0 0',
    'proc                    /proc                   proc    defaults        0 0',
    'fileserver.example.com:/OVS /OVS               nfs     defaults        0 0',
    '',
  ].join('\n'),
  '/proc/mounts': '/dev/sda1 / ext3 rw,relatime 0 0\nproc /proc proc rw 0 0\n',
  '/etc/sysconfig': null,
  '/etc/ovs': null,
  '/var': null,
};

/** The sample server's memory-host options (also the starting machine of the plan-vs-run test). */
export function demoServerOptions(): MemoryHostOptions {
  return {
    hostname: DEMO_HOSTNAME,
    files: FILES,
    services: {
      o2cb: { onStart: (host) => o2cbOnline(host, DEMO_HOSTNAME), onStop: o2cbOffline },
      ocfs2: {},
      ovsrepositories: {},
      'ovs-agent': {},
    },
    programs: ['mkfs.ocfs2', 'tunefs.ocfs2', 'debugfs.ocfs2', 'mounted.ocfs2', 'o2cb', 'ocfs2_hb_ctl', 'modprobe', 'mount', 'umount', 'blkid', 'cmp', 'fallocate', 'dd', 'ssh', 'service', 'chkconfig'],
    tools: ocfs2ToolsDouble(),
    fallback: simulatedTool,
    // The other pool servers' o2net, listening on the interconnect (the o2net check).
    network: { '192.168.1.12:7777': 'open', '192.168.1.13:7777': 'open' },
  };
}

export function demoServer(): MemoryHost {
  return memoryHost(demoServerOptions());
}

export interface DemoStep {
  /** The guide's words for the step. */
  title: string;
  argv: string[];
  /** A check run before the pool is set up: its FAIL lines are expected (exit 1). */
  findingsExpected?: boolean;
}

export const DEMO_STEPS: DemoStep[] = [
  { title: 'Move /OVS out of /etc/fstab (ovs-cluster-check --alter-fstab)', argv: ['cluster-check', '--alter-fstab'], findingsExpected: true },
  {
    title: 'Create the OCFS2 cluster configuration, configure and start o2cb (ovs-cluster-configure)',
    argv: ['cluster-configure', '--node', 'ovs1.example.com', '--node', 'ovs2.example.com', '--node', 'ovs3.example.com'],
  },
  { title: 'Create the cluster root on the NFS share (ovs-makerepo fileserver.example.com:/OVS C "Cluster Root")', argv: ['makerepo', 'fileserver.example.com:/OVS', 'C', 'Cluster Root'] },
  { title: 'Check the pool master (ovs-cluster-check --master)', argv: ['cluster-check', '--master'] },
  { title: 'Start the cluster services in order', argv: ['services', 'start'] },
];
