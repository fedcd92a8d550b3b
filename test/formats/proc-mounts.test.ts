import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/lib/formats/format-error.js';
import { mountCovering, mountOptions, mountsAt, parseProcMounts } from '../../src/lib/formats/proc-mounts.js';

// The shape of /proc/mounts on an Oracle VM server with an NFS cluster root and a local /OVS.
const MOUNTS = [
  'rootfs / rootfs rw 0 0',
  '/dev/mapper/VolGroup00-LogVol00 / ext3 rw,data=ordered 0 0',
  'proc /proc proc rw 0 0',
  'fileserver.example.com:/OVS /var/ovs/mount/F4135C096045458195057412169071E5 nfs rw,hard,tcp,nfsvers=3,timeo=600,addr=192.168.1.5 0 0',
  '/dev/sda3 /OVS ocfs2 rw,_netdev,heartbeat=local 0 0',
  '/dev/sdc1 /mnt/my\\040disk ext3 rw 0 0',
  '',
].join('\n');

describe('parseProcMounts', () => {
  const mounts = parseProcMounts(MOUNTS);

  it('reads every mount with escapes decoded', () => {
    expect(mounts).toHaveLength(6);
    expect(mounts[5]).toEqual({ line: 6, source: '/dev/sdc1', target: '/mnt/my disk', fstype: 'ext3', options: 'rw' });
    expect(mountOptions(mounts[4]!)).toEqual(['rw', '_netdev', 'heartbeat=local']);
  });

  it('finds what is mounted on /OVS (a local file system the guide says to unmount)', () => {
    expect(mountsAt(mounts, '/OVS/').map((m) => m.source)).toEqual(['/dev/sda3']);
    expect(mountsAt(mounts, '/OVSX')).toEqual([]);
    expect(mountsAt(mounts, '/mnt/my disk')).toHaveLength(1);
  });

  it('finds the mount holding a path', () => {
    expect(mountCovering(mounts, '/OVS/running_pool/vm1')?.source).toBe('/dev/sda3');
    expect(mountCovering(mounts, '/var/ovs/mount/F4135C096045458195057412169071E5/seed_pool')?.fstype).toBe('nfs');
    expect(mountCovering(mounts, '/var/ovs')?.source).toBe('/dev/mapper/VolGroup00-LogVol00');
    expect(mountCovering(mounts, '/OVSX')?.target).toBe('/');
  });

  it('lets a later mount on a parent hide earlier mounts below it', () => {
    const stacked = parseProcMounts('/dev/sda1 / ext3 rw 0 0\n/dev/sdb1 /a/b ext3 rw 0 0\ntmpfs /a tmpfs rw 0 0\n');
    expect(mountCovering(stacked, '/a/b/c')?.source).toBe('tmpfs');
    const twice = parseProcMounts('/dev/sdb1 /OVS ext3 rw 0 0\n/dev/sdc1 /OVS ocfs2 rw 0 0\n');
    expect(mountsAt(twice, '/OVS').map((m) => m.source)).toEqual(['/dev/sdb1', '/dev/sdc1']);
    expect(mountCovering(twice, '/OVS')?.source).toBe('/dev/sdc1');
  });

  it('rejects a line that is not a mount, and a relative path', () => {
    expect(() => parseProcMounts('proc /proc proc rw 0 0\ngarbage here\n')).toThrow(new FormatError('expected "source target type options 0 0", found 2 fields', 2));
    expect(() => mountsAt(mounts, 'OVS')).toThrow(FormatError);
  });
});
