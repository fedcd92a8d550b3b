/**
 * The system files ovs reads and writes, one place for each path. They are system paths:
 * ctx.fs resolves them under --root and overlays them under --dry-run. The layout of the
 * repositories themselves (/OVS, /var/ovs/mount/<UUID>) is repos/layout.ts's; the O2CB
 * settings file, which the init script chooses among two, is formats/o2cb-settings.ts's;
 * the journal, backups and lock are journal.ts's, changes.ts's and lock.ts's.
 */
export const CLUSTER_CONF = '/etc/ocfs2/cluster.conf';
export const REPOSITORIES_FILE = '/etc/ovs/repositories';
export const REPOSITORY_OPTIONS_FILE = '/etc/ovs/repositories.options';
export const FSTAB = '/etc/fstab';
export const HOSTS_FILE = '/etc/hosts';
export const HOST_CONF = '/etc/host.conf';
export const HOSTNAME_FILE = '/etc/hostname';
export const PROC_MOUNTS = '/proc/mounts';
export const PROC_PARTITIONS = '/proc/partitions';

/**
 * Machine paths, read with host.fs (never under --root: the image's boot is not this one):
 * this boot's id, and the machine's id (systemd's file, else D-Bus's).
 */
export const BOOT_ID_PATH = '/proc/sys/kernel/random/boot_id';
export const MACHINE_ID_PATHS = ['/etc/machine-id', '/var/lib/dbus/machine-id'] as const;
