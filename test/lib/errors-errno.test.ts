/**
 * The one errno table (src/lib/errors.ts): a refused permission says what refuses root too,
 * since ovs normally runs as root (EPERM: an immutable file; EACCES: root squash or a policy).
 */
import { describe, expect, it } from 'vitest';
import { EXIT, readFailure, systemError } from '../../src/lib/errors.js';

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('permission errors', () => {
  it('EPERM writing: 77, the immutable flag named in the hint', () => {
    const e = systemError(errno('EPERM'), 'writing /etc/fstab', '/etc/fstab');
    expect([e.exit, e.text, e.hint]).toEqual([EXIT.NOPERM, '/etc/fstab: operation not permitted while writing /etc/fstab', 'run ovs as root; as root, the file or its directory is immutable (lsattr; chattr -i) or a security policy forbids it']);
  });

  it('EACCES reading: 77, root squash and security policies named in the hint', () => {
    const e = readFailure(errno('EACCES'), '/etc/ovs/repositories', 'system');
    expect([e.exit, e.hint]).toEqual([EXIT.NOPERM, 'run ovs as root; as root, an NFS export that squashes root or a security policy (SELinux, AppArmor) refuses it']);
  });
});
