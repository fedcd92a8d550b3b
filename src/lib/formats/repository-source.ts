/**
 * Where a repository lives (ovs-repositories(5), ours): an NFS `host:/export` (host may be `[ipv6]`)
 * or an absolute block device path — parsed, written back, and compared as storage (host
 * names without regard to case, a trailing / on an export not counting).
 */
import { FormatError } from './format-error.js';
import { isIPv4, isIPv6, parseIPv6 } from './ip.js';
import { shown } from '../errors.js';

export type RepositorySource = { kind: 'nfs'; host: string; export: string } | { kind: 'device'; path: string };

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;

/** An NFS `host:/export` (host may be `[ipv6]`) or an absolute block device path. */
export function parseSource(s: string): RepositorySource {
  if (s === '') throw new FormatError('the source is empty');
  if (/[\s\u0000-\u001f\u007f]/.test(s)) throw new FormatError(`the source "${shown(s)}" contains a blank or a control character`);
  if (s.startsWith('/')) return { kind: 'device', path: checkDevicePath(s) };
  const colon = s.startsWith('[') ? s.indexOf(']') + 1 : s.indexOf(':');
  if (colon <= 0 || s[colon] !== ':') {
    throw new FormatError(`"${shown(s)}" is neither host:/export nor an absolute device path; a device path must start with / (e.g. /dev/sdb1)`);
  }
  const host = s.slice(0, colon);
  const exp = s.slice(colon + 1);
  if (exp === '') throw new FormatError(`the NFS source "${shown(s)}" has no export path after the colon (host:/export)`);
  if (!exp.startsWith('/')) throw new FormatError(`the NFS export "${shown(exp)}" must be an absolute path (host:/export)`);
  return { kind: 'nfs', host: checkHost(host), export: exp };
}

function checkHost(host: string): string {
  if (host.startsWith('[')) {
    const inner = host.slice(1, -1);
    if (host.endsWith(']') && isIPv6(inner)) return inner;
    throw new FormatError(`"${shown(host)}" is not a bracketed IPv6 address`);
  }
  if (host === '') throw new FormatError('the NFS source has no host before the colon');
  if (!isIPv4(host) && !HOSTNAME.test(host)) throw new FormatError(`"${shown(host)}" is not a host name or an IP address`);
  return host;
}

function checkDevicePath(path: string): string {
  if (path === '/' || path.endsWith('/')) throw new FormatError(`the device path "${shown(path)}" ends with /; name the device itself`);
  if (path.split('/').some((seg, i) => i > 0 && (seg === '' || seg === '.' || seg === '..'))) {
    throw new FormatError(`the device path "${shown(path)}" is not in plain form (no //, . or .. parts)`);
  }
  return path;
}

export function formatSource(src: RepositorySource): string {
  if (src.kind === 'device') return src.path;
  return `${src.host.includes(':') ? `[${src.host}]` : src.host}:${src.export}`;
}

/** Same storage: host names compare case-insensitively, a trailing / on an export does not count. */
export function sameSource(a: string, b: string): boolean {
  return a === b || sourceKey(a) === sourceKey(b);
}

/**
 * A key equal for two sources exactly when sameSource holds, so a file of N repositories is
 * checked for repeats with one Map in O(N), not by comparing every pair (10 000 entries took
 * minutes that way). A source that does not parse is only ever the same as itself.
 */
export function sourceKey(s: string): string {
  const src = sourceOrUndefined(s);
  if (src?.kind === 'device') return `device ${src.path}`;
  if (src?.kind !== 'nfs') return `raw ${s}`;
  const v6 = parseIPv6(src.host);
  const host = v6 ? v6.join(':') : src.host.toLowerCase();
  return `nfs ${host} ${trimSlash(src.export)}`;
}

function sourceOrUndefined(s: string): RepositorySource | undefined {
  try {
    return parseSource(s);
  } catch {
    return undefined;
  }
}

function trimSlash(p: string): string {
  const c = p.replace(/\/{2,}/g, '/');
  return c.length > 1 && c.endsWith('/') ? c.slice(0, -1) : c;
}
