/**
 * IP address literals, the one parser every format and option uses (/etc/hosts, cluster.conf
 * ip_address, --portal, repository sources, ssh destinations). The rules are glibc's
 * inet_pton(3), so ovs reads an address exactly as the resolver, o2cb and iscsiadm will:
 *
 * - IPv4 (AF_INET): exactly four decimal octets 0-255, no leading zero ("010" is refused, not
 *   octal), no hex, no shorthand ("10.1", "127.1" are refused: those are inet_aton's forms).
 * - IPv6 (AF_INET6): one to eight groups of one to four hex digits, at most one "::" standing
 *   for at least one zero group, an optional dotted quad (the IPv4 rules) as the last 32 bits;
 *   no zone id ("fe80::1%eth0" is not an address to inet_pton) and no brackets.
 *
 * test/integration/ip-literals.test.ts holds the table and checks it against the machine's
 * own inet_pton. Pure: no I/O.
 *
 * Both parsers first bound the text's length by the longest address their rules allow, so a
 * hostile 10 MB token ("1:1:1:…" in /etc/hosts) is refused without being split into millions
 * of pieces: the work is constant, whatever the input's size.
 */

/** 255.255.255.255: four octets of at most three digits. */
export const IPV4_MAX_LENGTH = 15;
/** ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255, INET6_ADDRSTRLEN less its NUL: the longest address text. */
export const ADDRESS_MAX_LENGTH = 45;

/**
 * The IPv4 address as one 32-bit number, or -1: one pass over the characters, allocating
 * nothing (a 255-node plan checks each address several times, and the pieces a split and a
 * regex per octet made were a tenth of its allocations; docs/design.md, start-up).
 */
function ipv4Value(s: string): number {
  if (s.length > IPV4_MAX_LENGTH) return -1;
  let value = 0;
  let octets = 0;
  let octet = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46; // the end closes the last octet like a '.'
    if (c === 46) {
      if (digits === 0 || ++octets > 4) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return -1; // a leading zero: "010" is not inet_pton's
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else {
      return -1;
    }
  }
  return octets === 4 ? value : -1;
}

/** The four octets of a dotted-quad IPv4 address (strict: no leading zeros, like inet_pton). */
export function parseIPv4(s: string): number[] | undefined {
  const v = ipv4Value(s);
  return v < 0 ? undefined : [Math.floor(v / 0x1000000), (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

export function isIPv4(s: string): boolean {
  return ipv4Value(s) >= 0;
}

/** The eight 16-bit groups of an IPv6 address (`::` and a trailing dotted quad allowed). */
export function parseIPv6(s: string): number[] | undefined {
  if (s.length > ADDRESS_MAX_LENGTH) return undefined;
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  // A dotted quad may only end the address, so never before `::`.
  if (halves.length === 2 && (halves[0] ?? '').includes('.')) return undefined;
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** Groups of one side of `::`; a dotted quad may only end the address. */
function groupsOf(part: string): number[] | undefined {
  if (part === '') return [];
  const fields = part.split(':');
  const groups: number[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] ?? '';
    if (i === fields.length - 1 && f.includes('.')) {
      const v4 = parseIPv4(f);
      if (!v4) return undefined;
      groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(f)) return undefined;
      groups.push(parseInt(f, 16));
    }
  }
  return groups;
}

export function isIPv6(s: string): boolean {
  return parseIPv6(s) !== undefined;
}

/** 127.0.0.0/8, ::1, and IPv4-mapped ::ffff:127.x.y.z: all reach only this machine. */
export function isLoopback(address: string): boolean {
  const v4 = parseIPv4(address);
  if (v4) return v4[0] === 127;
  const v6 = parseIPv6(address);
  if (!v6) return false;
  const zeroPrefix = v6.slice(0, 5).every((g) => g === 0);
  if (zeroPrefix && v6[5] === 0 && v6[6] === 0 && v6[7] === 1) return true;
  return zeroPrefix && v6[5] === 0xffff && (v6[6] ?? 0) >> 8 === 127;
}

/** Same address, whatever the spelling (`::1` = `0:0:0:0:0:0:0:1`); names compare case-insensitively. */
export function sameAddress(a: string, b: string): boolean {
  const a6 = parseIPv6(a);
  const b6 = parseIPv6(b);
  if (a6 && b6) return a6.every((g, i) => g === b6[i]);
  return a.toLowerCase() === b.toLowerCase();
}
