/**
 * How one `/etc/fstab` line under `/OVS` becomes an `/etc/ovs/repositories` entry (the
 * guide's `ovs-cluster-check --alter-fstab`; the mapping is ours, see ovs-cluster-check(8)):
 *
 * - type: `nfs`/`nfs4` -> nfs; `ocfs2` -> ocfs2; `ext3`/`ext4` -> the same, a local repository.
 *   Anything else (xfs, bind mounts, tmpfs ...) is not a repository type and is refused.
 * - role: the `/OVS` line becomes the cluster root (C), as the guide says; a line below
 *   `/OVS` becomes a shared repository (S). A local ext3/ext4 file system can only be a
 *   local repository (L), wherever it was mounted: it can never be a cluster root.
 * - source: an NFS `host:/export` or a device path as written; `LABEL=`, `UUID=`,
 *   `PARTLABEL=`, `PARTUUID=` become the udev links `/dev/disk/by-label/...` etc., which
 *   name the same device and are what the repositories file accepts (a device path).
 */
import { EXIT, OvsError, shown } from '../errors.js';
import { FormatError, tryFormat } from '../formats/format-error.js';
import type { FstabEntry } from '../formats/fstab.js';
import { type RepositoryRole, type RepositoryShape, type RepositoryType } from '../formats/repositories.js';
import { parseSource } from '../formats/repository-source.js';


const TYPES: Record<string, RepositoryType> = { nfs: 'nfs', nfs4: 'nfs', ocfs2: 'ocfs2', ext3: 'ext3', ext4: 'ext4' };

const BY_TAG: Record<string, string> = {
  LABEL: '/dev/disk/by-label/',
  UUID: '/dev/disk/by-uuid/',
  PARTLABEL: '/dev/disk/by-partlabel/',
  PARTUUID: '/dev/disk/by-partuuid/',
};

function refuse(entry: FstabEntry, why: string, hint: string): OvsError {
  return new OvsError(EXIT.CONFIG, `/etc/fstab line ${entry.line} (${entry.file}) cannot be moved: ${why}`, {
    while: 'moving /OVS out of /etc/fstab',
    hint,
  });
}

/** udev's name encoding for /dev/disk/by-label links (blkid_encode_string): unsafe bytes as \xHH. */
export function udevEncode(value: string): string {
  // Non-ASCII characters stay: udev keeps valid UTF-8 as it is.
  const safe = (c: string): boolean => (c.codePointAt(0) ?? 0) >= 0x80 || /[0-9A-Za-z#+\-.:=@_]/.test(c);
  return [...value].map((c) => (safe(c) ? c : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)).join('');
}

function deviceSource(entry: FstabEntry): string {
  const m = /^([A-Z]+)=(.*)$/.exec(entry.spec);
  if (m) {
    const [, tag = '', raw = ''] = m;
    const dir = BY_TAG[tag];
    const value = raw.replace(/^"(.*)"$/, '$1');
    if (!dir || value === '') {
      throw refuse(entry, `the device "${shown(entry.spec)}" is not a device path or LABEL=/UUID=/PARTLABEL=/PARTUUID=`, `write the device path (e.g. /dev/sdb1) in /etc/fstab line ${entry.line}, then run again`);
    }
    return dir + udevEncode(value);
  }
  return entry.spec;
}

function roleOf(type: RepositoryType, mountPoint: string): RepositoryRole {
  if (type === 'ext3' || type === 'ext4') return 'L';
  return isOvsRoot(mountPoint) ? 'C' : 'S';
}

export function isOvsRoot(mountPoint: string): boolean {
  return mountPoint.replace(/\/+$/, '').replace(/\/{2,}/g, '/') === '/OVS';
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

function descriptionOf(role: RepositoryRole, mountPoint: string): string {
  return role === 'C' ? 'cluster root (moved from /etc/fstab)' : `moved from /etc/fstab (${mountPoint.replace(CONTROL, ' ')})`;
}

/** The repository an fstab line describes; refuses (exit 78) what cannot be a repository. */
export function repositoryShapeOf(entry: FstabEntry): RepositoryShape {
  const type = TYPES[entry.vfstype.toLowerCase()];
  if (!type) {
    throw refuse(
      entry,
      `file system type "${shown(entry.vfstype)}" is not a repository type (nfs, ocfs2, ext3, ext4)`,
      `unmount it and move it out of /OVS by hand (comment out /etc/fstab line ${entry.line}), or add it with ovs makerepo`,
    );
  }
  const source = type === 'nfs' ? entry.spec : deviceSource(entry);
  tryFormat(
    () => {
      const parsed = parseSource(source);
      if ((parsed.kind === 'nfs') !== (type === 'nfs')) throw new FormatError(type === 'nfs' ? 'an NFS mount needs a host:/export source' : `a ${type} mount needs a device, not host:/export`);
    },
    (e) => {
      throw refuse(entry, `its source "${shown(entry.spec)}": ${e.reason}`, `correct /etc/fstab line ${entry.line}, then run again`);
    },
  );
  const role = roleOf(type, entry.file);
  return { type, role, source, description: descriptionOf(role, entry.file) };
}
