/**
 * A failed program into an error (failureOf: the last meaningful stderr line, else stdout,
 * else only the exit code) and a missing program into the package to install here
 * (requirePrograms over the one program -> package table and the one distribution test).
 */
import { describe, expect, it } from 'vitest';

import type { Context } from '../../src/lib/command.js';
import { memoryHost, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { testContext } from '../../src/lib/doubles/test-context.js';
import { failureOf, firstMeaningfulLine, lastLine, saidBy } from '../../src/lib/program-output.js';
import { PACKAGES, distributionFamily, installCommand, installHint, requirePrograms } from '../../src/lib/programs.js';

function context(opts: MemoryHostOptions): Promise<Context> {
  return testContext(memoryHost(opts));
}

const run = (exitCode: number, stdout: string, stderr: string) => ({ exitCode, stdout, stderr });

describe('failureOf', () => {
  it("says the last meaningful line of stderr, exit 69, while doing, with the hint", () => {
    const e = failureOf(run(1, 'Checking...\n', 'sfdisk: first\nsfdisk: cannot open /dev/sdb: Device or resource busy\n\n'), { program: 'sfdisk', doing: 'partitioning /dev/sdb', hint: 'retry' });
    expect(e).toMatchObject({ exit: 69, message: 'sfdisk failed (exit 1): sfdisk: cannot open /dev/sdb: Device or resource busy', doing: 'partitioning /dev/sdb', hint: 'retry' });
  });
  it('falls back to stdout, then to the exit code alone', () => {
    expect(failureOf(run(2, 'only stdout\n', '  \n'), { program: 'blkid', doing: 'probing' }).message).toBe('blkid failed (exit 2): only stdout');
    expect(failureOf(run(3, '', ''), { program: 'umount', doing: 'unmounting' }).message).toBe('umount failed (exit 3)');
  });
  it("skips util-linux's dmesg trailer, and takes what the caller read when it knows better", () => {
    expect(saidBy(run(32, '', 'mount: wrong fs type\ndmesg(1) may have more information after failed mount system call.\n'))).toBe('mount: wrong fs type');
    expect(failureOf(run(1, '', 'mkfs.ocfs2 1.8.7\nno space\n'), { program: 'mkfs.ocfs2', doing: 'formatting', said: 'banner skipped', exit: 74 })).toMatchObject({ exit: 74, message: 'mkfs.ocfs2 failed (exit 1): banner skipped' });
  });
  it('a program that is not there is "not installed", with its package when the table knows it', () => {
    const gone = { exitCode: 127, stdout: '', stderr: 'spawn sfdisk ENOENT', notFound: true };
    expect(failureOf(gone, { program: 'sfdisk', doing: 'partitioning /dev/sdb' })).toMatchObject({ exit: 69, message: 'sfdisk is not installed', hint: expect.stringContaining('apt-get install fdisk') });
    expect(failureOf(gone, { program: 'frob --x', doing: 'd', hint: 'h' })).toMatchObject({ message: 'frob is not installed', hint: 'h' });
  });
  it('lastLine and firstMeaningfulLine read one text', () => {
    expect(lastLine(' a \n b \r\n\n')).toBe('b');
    expect(firstMeaningfulLine('\n first\nsecond')).toBe('first');
    expect(lastLine('')).toBe('');
  });
});

describe('the program -> package table', () => {
  it('knows the family from the release file (Debian, then the Red Hat ones, else unknown)', async () => {
    expect(await distributionFamily(await context({ files: { '/etc/debian_version': '12\n' } }))).toBe('debian');
    expect(await distributionFamily(await context({ files: { '/etc/ovs-release': 'Oracle VM server release 2.2.2\n' } }))).toBe('redhat');
    expect(await distributionFamily(await context({ files: { '/etc': null } }))).toBe('unknown');
  });
  it('names the command for the family, both when it is unknown', () => {
    expect(installCommand('debian', 'sfdisk')).toBe('apt-get install fdisk');
    expect(installCommand('redhat', 'sfdisk')).toBe('yum install util-linux');
    expect(installCommand('unknown', 'ssh')).toBe('apt-get install openssh-client (Debian, Ubuntu), or yum install openssh-clients (Oracle VM Server, RHEL)');
    expect(installHint('debian', '/sbin/modprobe')).toBe('install kmod: apt-get install kmod; without /sbin/modprobe mkfs.ocfs2 1.8 forks a duplicate of itself and fails');
  });
  it('refuses a program it has no package for (a new program must join the table)', () => {
    expect(() => installHint('debian', 'frobnicate')).toThrow(/no package known for frobnicate/);
    expect(Object.keys(PACKAGES)).toContain('iscsiadm');
  });
});

describe('requirePrograms', () => {
  it('passes when every program is installed', async () => {
    await expect(requirePrograms(await context({ programs: ['mkfs.ocfs2', 'blkid'] }), ['mkfs.ocfs2', 'blkid'], 'checking')).resolves.toBeUndefined();
  });
  it('is 69 naming the first missing program and its package on this system', async () => {
    const ctx = await context({ programs: ['mkfs.ocfs2'], files: { '/etc/redhat-release': 'Red Hat Enterprise Linux Server release 5\n' } });
    await expect(requirePrograms(ctx, ['mkfs.ocfs2', 'iscsiadm', 'blkid'], 'checking for the initiator')).rejects.toMatchObject({
      exit: 69,
      message: 'iscsiadm is not installed',
      doing: 'checking for the initiator',
      hint: 'install iscsi-initiator-utils: yum install iscsi-initiator-utils (on Oracle VM Server: rpm -Uvh iscsi-initiator-utils-*.rpm from its CD)',
    });
  });
});
