import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { answerIPv4, hostnameOnLoopback, lookup, parseHostConf, parseHosts, type HostsFile } from '../../src/lib/formats/hosts.js';

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

  it('skips a 10 MB address line by its length, without parsing it as an address', () => {
    const hosts = parseHosts(`10.0.0.1 a\n${'1:'.repeat(5 * 1024 * 1024)}\n10.0.0.2 b\n`);
    expect(hosts.entries.map((e) => e.canonical)).toEqual(['a', 'b']);
    expect(hosts.skipped.map((s) => [s.line, s.reason])).toEqual([
      [2, `"${'1:'.repeat(32)}…" is not an IPv4 or IPv6 address (10485760 characters, longer than any address); the resolver ignores this line`],
    ]);
  });
});

describe('lookup', () => {
  const hosts = parseHosts(fixture('hosts-loopback-hostname.txt'));

  it('returns every line with the name, first match first, names case-insensitive', () => {
    expect(lookup(hosts, 'VMSERVER1').map((e) => e.line)).toEqual([3, 5]);
    expect(answerIPv4(hosts, 'vmserver1.example.com')[0]?.address).toBe('127.0.0.1');
    expect(answerIPv4(hosts, 'vmserver2')[0]?.address).toBe('192.168.100.101');
    expect(answerIPv4(hosts, 'vmserver9')).toEqual([]);
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

describe('answerIPv4: what getent ahostsv4 answers (the integration test holds these to the real glibc)', () => {
  const text = [
    '192.168.1.5 both', // 1
    '127.0.1.1 both vm1.example.com vm1', // 2
    '10.0.0.9 both', // 3
    '::1 localhost ip6-localhost both v6name', // 4
    '::ffff:10.1.2.3 mapped', // 5
    'fe80::1%eth0 zoned', // 6: not an address: skipped
    'fe80::2 zoned v6only', // 7: IPv6, passed over for AF_INET
    '10.9.9.9 dotted.', // 8
    '10.0.0.3 crlf\r', // 9
    '10.0.0.4 zoned', // 10
  ].join('\n');
  const on: HostsFile = { ...parseHosts(text), multi: true };
  const off: HostsFile = parseHosts(text);
  const answer = (h: HostsFile, name: string) => answerIPv4(h, name).map((a) => `${a.address}@${a.entry.line}`);

  it('multi on: every line, loopback first (closest to 127.0.0.1 first), the others in file order', () => {
    expect(answer(on, 'both')).toEqual(['127.0.0.1@4', '127.0.1.1@2', '192.168.1.5@1', '10.0.0.9@3']);
    expect(answer(on, 'BOTH')).toEqual(answer(on, 'both'));
  });

  it('multi off (glibc without host.conf): the first line that answers', () => {
    expect(answer(off, 'both')).toEqual(['192.168.1.5@1']);
    expect(answer(off, 'zoned')).toEqual(['10.0.0.4@10']);
  });

  it('::1 answers 127.0.0.1 and ::ffff:a.b.c.d answers a.b.c.d; other IPv6 lines and zone ids are passed over', () => {
    expect(answer(on, 'v6name')).toEqual(['127.0.0.1@4']);
    expect(answer(on, 'mapped')).toEqual(['10.1.2.3@5']);
    expect(answer(on, 'v6only')).toEqual([]);
    expect(answer(on, 'zoned')).toEqual(['10.0.0.4@10']);
  });

  it('a trailing dot is part of the name, a CR is white space, non-ASCII matches nothing', () => {
    expect(answer(on, 'dotted')).toEqual([]);
    expect(answer(on, 'dotted.')).toEqual(['10.9.9.9@8']);
    expect(answer(on, 'vm1.example.com.')).toEqual([]);
    expect(answer(on, 'crlf')).toEqual(['10.0.0.3@9']);
    expect(answerIPv4({ ...parseHosts('10.2.0.1 \u00fcn\u00ef\n'), multi: true }, '\u00fcn\u00ef')).toEqual([]);
  });

  it('reads multi from host.conf (the last word wins; off by default)', () => {
    expect(parseHostConf('multi on\n').multi).toBe(true);
    expect(parseHostConf('# x\norder hosts,bind\nmulti on\nmulti off # no\n').multi).toBe(false);
    expect(parseHostConf('').multi).toBe(false);
    expect(parseHostConf('  MULTI   ON\n').multi).toBe(true);
  });
});
