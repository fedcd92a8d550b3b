/**
 * The registry: every `ovs` command, in the order `ovs --help` lists them (the guide's
 * order of work: storage, heartbeat, cluster, repositories, checks, services).
 * Entries are lazy: only the command being run (or asked about) is loaded, so `ovs --help`
 * and `ovs --version` start fast however many commands there are. The name and summary
 * here must equal the command's own (a unit test checks).
 */
import type { CommandEntry } from '../lib/command.js';

export type { CommandEntry };

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'iscsi-prep', summary: "Discover iSCSI targets, keep the pool's, set them to log in at boot, log in and report the new disks", load: async () => (await import('./iscsi-prep.js')).default },
  { name: 'format', summary: "Format a shared disk with OCFS2 using the guide's defaults (optionally one partition first)", load: async () => (await import('./format.js')).default },
  { name: 'hb-create', summary: 'Create the O2CB heartbeat file of an NFS cluster root (zero-filled, formatted, verified)', load: async () => (await import('./hb-create.js')).default },
  { name: 'hb-latency', summary: 'Measure direct-I/O latency of the heartbeat storage against the O2CB fencing budget', load: async () => (await import('./hb-latency.js')).default },
  { name: 'cluster-configure', summary: 'Write the O2CB cluster configuration (cluster.conf, O2CB settings) and start o2cb', load: async () => (await import('./cluster-configure.js')).default },
  { name: 'makerepo', summary: 'Add a repository (NFS export or OCFS2/ext device): mount it at /var/ovs/mount/<UUID>, lay it out, record it', load: async () => (await import('./makerepo.js')).default },
  { name: 'offlinerepo', summary: 'Take a repository offline (unmount it); -d also removes its entry. Never deletes data', load: async () => (await import('./offlinerepo.js')).default },
  { name: 'repositories', summary: 'The ovsrepositories service: start|stop|status|reload every repository of /etc/ovs/repositories', load: async () => (await import('./repositories.js')).default },
  { name: 'status', summary: 'One screen on this server: cluster, O2CB, repositories, heartbeat file, services, last run, what needs attention', load: async () => (await import('./status.js')).default },
  { name: 'history', summary: 'List the runs ovs journaled (newest last), or show one run with the diff of every file it changed', load: async () => (await import('./history.js')).default },
  { name: 'undo', summary: 'Put back exactly what one run changed (files, modes, links, directories); lists its programs and service actions with their inverse', load: async () => (await import('./undo.js')).default },
  { name: 'cluster-check', summary: 'Check every HA prerequisite of the pool (--alter-fstab moves /OVS out of fstab)', load: async () => (await import('./cluster-check.js')).default },
  { name: 'pool-identity', summary: "Print this server's cluster root identity and O2CB timeouts (what cluster-check --all-nodes compares)", load: async () => (await import('./pool-identity.js')).default },
  { name: 'services', summary: "Start, stop or show the cluster services in the guide's order (o2cb, ocfs2, ovsrepositories, ovs-agent); install ovsrepositories", load: async () => (await import('./services.js')).default },
  { name: 'apply', summary: 'Perform a plan saved with --dry-run --save-plan, exactly as reviewed (refused if a file it touches changed)', load: async () => (await import('./apply.js')).default },
  { name: 'demo', summary: "Plan the guide's NFS pool set-up on an embedded sample server (in memory; changes nothing)", load: async () => (await import('./demo.js')).default },
  { name: 'completion', summary: 'Print a bash, zsh or fish completion script', load: async () => (await import('./completion.js')).default },
];
