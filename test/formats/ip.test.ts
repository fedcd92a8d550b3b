import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { ADDRESS_MAX_LENGTH, IPV4_MAX_LENGTH, isIPv4, isIPv6, isLoopback, parseIPv4, parseIPv6, sameAddress } from '../../src/lib/formats/ip.js';
import { IP_LITERALS } from '../fixtures/ip/literals.js';

describe('IP literals (inet_pton rules; the table is checked against libc in test/integration/ip-literals.test.ts)', () => {
  it.each(IP_LITERALS.map(([text, v4, v6]) => [JSON.stringify(text), text, v4, v6] as const))('%s', (_shown, text, v4, v6) => {
    expect([isIPv4(text), isIPv6(text)]).toEqual([v4, v6]);
  });

  it('gives the groups of every IPv6 spelling', () => {
    expect(parseIPv6('fe80::1')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('::ffff:192.168.1.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0xc0a8, 0x0101]);
    expect(parseIPv6('1:2:3:4:5:6:7::')).toEqual([1, 2, 3, 4, 5, 6, 7, 0]);
    expect(sameAddress('::1', '0:0:0:0:0:0:0:1')).toBe(true);
    expect(sameAddress('Host.Example', 'host.example')).toBe(true);
  });

  it('refuses a 10 MB token without looking inside it (the longest address is 45 characters)', () => {
    expect([IPV4_MAX_LENGTH, ADDRESS_MAX_LENGTH]).toEqual(['255.255.255.255'.length, 'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255'.length]);
    const huge = '1:'.repeat(5 * 1024 * 1024);
    // Counted work: neither parser splits the token (a split of "1:1:…" is what made it slow).
    const split = vi.spyOn(String.prototype, 'split');
    try {
      expect([parseIPv4(huge), parseIPv6(huge), parseIPv6(`::${huge}`), parseIPv4('1.'.repeat(5e6))]).toEqual([undefined, undefined, undefined, undefined]);
      expect(split).not.toHaveBeenCalled();
    } finally {
      split.mockRestore();
    }
  });

  it('tells loopback addresses apart', () => {
    const loop = ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'];
    const notLoop = ['192.168.1.11', '0.0.0.0', '::', '::2', '::ffff:10.0.0.1', 'fe80::1', 'localhost', '128.0.0.1', '127.1'];
    expect(loop.filter(isLoopback)).toEqual(loop);
    expect(notLoop.filter(isLoopback)).toEqual([]);
  });
});

describe('parseIPv4, the one-pass scanner', () => {
  // The rule as it reads in words: four dot-separated decimal octets 0-255, no leading zero.
  const reference = (s: string) => {
    const parts = s.split('.');
    if (s.length > 15 || parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
    return parts.map(Number);
  };
  it('agrees with the rule on any text of digits and dots (and a few other characters)', () => {
    const chars = fc.constantFrom(...'0123456789....x -'.split(''));
    fc.assert(fc.property(fc.array(chars, { maxLength: 17 }).map((a) => a.join('')), (s) => {
      expect(parseIPv4(s)).toEqual(reference(s));
    }), { numRuns: 20000 });
    fc.assert(fc.property(fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300)).map((t) => t.join('.')), (s) => {
      expect(parseIPv4(s)).toEqual(reference(s));
    }));
  });
});
