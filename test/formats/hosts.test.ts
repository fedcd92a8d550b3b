import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostnameOnLoopback, lookup, parseHosts, resolveIPv4 } from '../../src/lib/formats/hosts.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/formats/${name}`, import.meta.url), 'utf8');

describe('parseHosts', () => {
  it("reads the guide's /etc/hosts", () => {
    const hosts = parseHosts(fixture('hosts-guide.txt'));
    expect(hosts.entries[1]).toEqual({
      line: 2,
      address: '192.168.100.100',
      canonical: 'vmserver1.example.com',
      aliases: ['vmserver1'],
      raw: '192.168.100.100 vmserver1.example.com vmserver1',
    });
    expect(hosts.skipped).toEqual([]);
    expect(hostnameOnLoopback(hosts, 'vmserver1.example.com')).toEqual([]);
  });

  it('drops comments anywhere and skips lines the resolver ignores, saying why', () => {
    const hosts = parseHosts('10.0.0.1 a # b\n# 10.0.0.2 c\n999.1.1.1 bad\n10.0.0.3\nfe80::1%eth0 scoped\n\t::1 ip6-localhost\n');
    expect(hosts.entries.map((e) => [e.line, e.canonical, e.aliases])).toEqual([
      [1, 'a', []],
      [6, 'ip6-localhost', []],
    ]);
    expect(hosts.skipped.map((s) => s.line)).toEqual([3, 4, 5]);
    expect(hosts.skipped[1]?.reason).toMatch(/no host name/);
  });
});

describe('lookup', () => {
  const hosts = parseHosts(fixture('hosts-loopback-hostname.txt'));

  it('returns every line with the name, first match first, names case-insensitive', () => {
    expect(lookup(hosts, 'VMSERVER1').map((e) => e.line)).toEqual([3, 5]);
    expect(resolveIPv4(hosts, 'vmserver1.example.com')?.address).toBe('127.0.0.1');
    expect(resolveIPv4(hosts, 'vmserver2')?.address).toBe('192.168.100.101');
    expect(resolveIPv4(hosts, 'vmserver9')).toBeUndefined();
    expect(lookup(hosts, 'localhost6')[0]?.address).toBe('::1');
  });

  it("finds the guide's classic failure: the host name on the loopback line", () => {
    const bad = hostnameOnLoopback(hosts, 'vmserver1.example.com');
    expect(bad.map((e) => e.line)).toEqual([3]);
    expect(bad[0]?.raw).toBe('127.0.0.1\t\tvmserver1.example.com vmserver1 localhost.localdomain localhost');
    // The short name alone on the loopback line is the same failure.
    expect(hostnameOnLoopback(parseHosts('127.0.0.1 vmserver1 localhost\n'), 'vmserver1.example.com')).toHaveLength(1);
    expect(hostnameOnLoopback(hosts, 'vmserver2.example.com')).toEqual([]);
    expect(hostnameOnLoopback(hosts, 'localhost')).toEqual([]);
  });
});
