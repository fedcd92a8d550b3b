import { describe, expect, it } from 'vitest';
import { testContext } from '../../src/lib/doubles/test-context.js';

import type { Context } from '../../src/lib/command.js';
import { memoryHost, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import {
  isThisHost,
  loopbackError,
  loopbackFinding,
  mismatchFinding,
  resolveName,
  resolveNames,
  shortName,
  thisHostname,
} from '../../src/lib/resolve.js';

function context(opts: MemoryHostOptions, root = '/'): Promise<Context> {
  return testContext(memoryHost(opts), { root });
}

const GUIDE_HOSTS = '127.0.0.1      localhost.localdomain localhost\n192.168.100.100 vmserver1.example.com vmserver1\n';
const BAD_HOSTS = '127.0.0.1   vmserver1.example.com vmserver1 localhost.localdomain localhost\n';

describe('thisHostname', () => {
  it('is the kernel host name on the live machine', async () => {
    expect(await thisHostname(await context({ hostname: 'vmserver1.example.com' }))).toBe('vmserver1.example.com');
  });
  it("is the image's /etc/hostname under --root (comments and blank lines skipped)", async () => {
    const ctx = await context({ hostname: 'builder', files: { '/img/etc/hostname': '# set by kickstart\n\n  vmserver2.example.com \n' } }, '/img');
    expect(await thisHostname(ctx)).toBe('vmserver2.example.com');
  });
  it('is exit 72 naming the file when the image has no /etc/hostname', async () => {
    const ctx = await context({ files: { '/img/etc': null } }, '/img');
    await expect(thisHostname(ctx)).rejects.toMatchObject({ exit: 72, message: '/etc/hostname is missing in /img' });
  });
  it('is exit 72 when /etc/hostname holds no name', async () => {
    const ctx = await context({ files: { '/img/etc/hostname': '# nothing\n' } }, '/img');
    await expect(thisHostname(ctx)).rejects.toMatchObject({ exit: 72, message: '/etc/hostname is empty in /img' });
  });
});

describe('isThisHost / shortName', () => {
  it('matches the full name, the short name, any case', () => {
    expect(shortName('vmserver1.example.com')).toBe('vmserver1');
    expect(isThisHost('vmserver1', 'vmserver1.example.com')).toBe(true);
    expect(isThisHost('VMServer1.example.com', 'vmserver1')).toBe(true);
    expect(isThisHost('vmserver10', 'vmserver1.example.com')).toBe(false);
  });
});

describe('resolveName', () => {
  it('answers from /etc/hosts first, with the line, and compares with DNS', async () => {
    const ctx = await context({ files: { '/etc/hosts': GUIDE_HOSTS }, dns: { vmserver1: ['192.168.100.100'] } });
    const r = await resolveName(ctx, 'vmserver1');
    expect(r).toEqual({
      name: 'vmserver1',
      addresses: ['192.168.100.100'],
      source: 'hosts',
      hostsLine: { number: 2, text: '192.168.100.100 vmserver1.example.com vmserver1' },
      dns: ['192.168.100.100'],
      mismatch: false,
    });
    expect(loopbackFinding(r)).toBeUndefined();
    expect(mismatchFinding(r)).toBeUndefined();
  });
  it('falls back to DNS when /etc/hosts does not know the name', async () => {
    const ctx = await context({ files: { '/etc/hosts': GUIDE_HOSTS }, dns: { vmserver2: ['192.168.100.101'] } });
    expect(await resolveName(ctx, 'vmserver2')).toEqual({ name: 'vmserver2', addresses: ['192.168.100.101'], source: 'dns', dns: ['192.168.100.101'], mismatch: false });
  });
  it('says none when neither knows it (and a missing /etc/hosts is an empty one)', async () => {
    const r = await resolveName(await context({}), 'nosuchhost');
    expect(r).toMatchObject({ addresses: [], source: 'none', mismatch: false });
  });
  it('does not ask DNS when told not to compare and /etc/hosts answers', async () => {
    const ctx = await context({ files: { '/etc/hosts': GUIDE_HOSTS }, dns: { vmserver1: ['10.0.0.1'] } });
    const r = await resolveName(ctx, 'vmserver1', { compareDns: false });
    expect(r.dns).toBeUndefined();
    expect(r.mismatch).toBe(false);
  });
  it('reads the image /etc/hosts under --root', async () => {
    const ctx = await context({ files: { '/etc/hosts': '10.9.9.9 vmserver1\n', '/img/etc/hosts': GUIDE_HOSTS } }, '/img');
    expect((await resolveName(ctx, 'vmserver1')).addresses).toEqual(['192.168.100.100']);
  });
  it('reports /etc/hosts and DNS disagreeing', async () => {
    const ctx = await context({ files: { '/etc/hosts': GUIDE_HOSTS }, dns: { 'vmserver1.example.com': ['192.168.7.7'] } });
    const r = await resolveName(ctx, 'vmserver1.example.com');
    expect(r.mismatch).toBe(true);
    expect(mismatchFinding(r)?.message).toBe("'vmserver1.example.com' is 192.168.100.100 in /etc/hosts (line 2) but 192.168.7.7 in DNS");
  });
  it('resolves many names with one read of /etc/hosts', async () => {
    const ctx = await context({ files: { '/etc/hosts': GUIDE_HOSTS }, dns: { b: ['10.0.0.2'] } });
    const rs = await resolveNames(ctx, ['vmserver1', 'b', 'c']);
    expect(rs.map((r) => r.source)).toEqual(['hosts', 'dns', 'none']);
  });
});

describe('the loopback failure', () => {
  it('names the /etc/hosts line and the fix (the guide)', async () => {
    const r = await resolveName(await context({ files: { '/etc/hosts': BAD_HOSTS } }), 'vmserver1');
    const err = loopbackError(r, 'resolving the address of node vmserver1');
    expect(err?.exit).toBe(65);
    expect(err?.text).toBe(
      "'vmserver1' resolves to the loopback address 127.0.0.1 through line 1 of /etc/hosts (\"127.0.0.1   vmserver1.example.com vmserver1 localhost.localdomain localhost\") while resolving the address of node vmserver1",
    );
    expect(err?.hint).toContain('127.0.0.1 localhost.localdomain localhost');
  });
  it('blames DNS when DNS gives the loopback address', async () => {
    const r = await resolveName(await context({ dns: { ovs9: ['127.0.1.1'] } }), 'ovs9');
    expect(loopbackFinding(r)?.message).toBe("'ovs9' resolves to the loopback address 127.0.1.1 through DNS");
  });
});
