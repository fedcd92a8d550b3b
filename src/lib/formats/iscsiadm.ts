/**
 * What open-iscsi's `iscsiadm` prints, as `iscsi-prep` needs it (guide steps 3 to 5):
 *
 * - `iscsiadm -m discovery -t sendtargets -p PORTAL` and `iscsiadm -m node`: one record per
 *   line on stdout, `ADDRESS:PORT,TPGT IQN` (`[v6addr]:port,tpgt` for IPv6; older
 *   releases print IPv6 without brackets). A record created without a portal group lists
 *   as tpgt 4294967295, i.e. -1 docs/tools.md; both read as -1.
 * - `iscsiadm -m node -P 1`: the tree `Target:` / TAB `Portal:` / TAB TAB `Iface Name:`.
 * - the exit status (include/iscsi_err.h in open-iscsi) with the stderr lines, turned into a
 *   plain-words reason and, where there is one, the next thing to try.
 *
 * stdout is parsed strictly: a line that is not a record is a FormatError with its line
 * number, because a record misread here would delete the wrong node record. The
 * `can not connect to iSCSI daemon (111)!` noise goes to stderr and never reaches the parser.
 *
 * Also the `--keep` selection (ours): which discovered records `iscsi-prep` keeps.
 */
import { FormatError, atLine } from './format-error.js';
import { splitLines } from './fstab.js';
import { sameAddress } from './ip.js';
import { shown } from '../errors.js';

/** The tpgt of a record that has none (`-1`, printed by some releases as 4294967295). */
export const NO_TPGT = -1;

export interface IscsiPortal {
  /** Host address, IPv6 without brackets. */
  address: string;
  port: number;
  tpgt: number;
}

export interface IscsiRecord extends IscsiPortal {
  iqn: string;
  /** 1-based line number in the output. */
  line: number;
}

// ---------------------------------------------------------------- portals

/** `ADDRESS:PORT[,TPGT]`, `[V6]:PORT[,TPGT]`; tpgt undefined when absent. */
export function parsePortal(text: string): { address: string; port: number; tpgt?: number } {
  const m = /^(\[[^\]]+\]|[^\s,[\]]+):([0-9]{1,5})(?:,(-1|[0-9]{1,10}))?$/.exec(text);
  const address = m?.[1]?.replace(/^\[(.*)\]$/, '$1') ?? '';
  const port = Number(m?.[2]);
  if (!m || address === '' || port < 1 || port > 65535) {
    throw new FormatError(`"${shown(text)}" is not a portal (ADDRESS:PORT,TPGT, e.g. 10.2.0.250:3260,3)`);
  }
  if (m[3] === undefined) return { address, port };
  const tpgt = m[3] === '4294967295' ? NO_TPGT : Number(m[3]);
  if (tpgt > 65535) throw new FormatError(`portal group ${m[3]} in "${shown(text)}" is out of range (0-65535)`);
  return { address, port, tpgt };
}

/** The portal as iscsiadm's `-p` takes it: `10.2.0.250:3260,3`, without `,TPGT` when there is none. */
export function formatPortal(p: IscsiPortal, withTpgt = true): string {
  const host = p.address.includes(':') ? `[${p.address}]` : p.address;
  return withTpgt && p.tpgt !== NO_TPGT ? `${host}:${p.port},${p.tpgt}` : `${host}:${p.port}`;
}

/** A record as iscsiadm prints it (the line an operator recognises). */
export function formatRecord(r: IscsiPortal & { iqn: string }): string {
  const host = r.address.includes(':') ? `[${r.address}]` : r.address;
  return `${host}:${r.port},${r.tpgt} ${r.iqn}`;
}

// ---------------------------------------------------------------- record lists

/** stdout of `iscsiadm -m discovery -t sendtargets` or `iscsiadm -m node`. */
export function parseIscsiRecords(stdout: string): IscsiRecord[] {
  const out: IscsiRecord[] = [];
  const { lines } = splitLines(stdout);
  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] ?? '').trim();
    if (text === '') continue;
    const fields = text.split(/\s+/);
    if (fields.length !== 2) {
      throw new FormatError(`expected "ADDRESS:PORT,TPGT IQN", found "${shown(text)}"`, i + 1);
    }
    const portal = atLine(i + 1, () => parsePortal(fields[0] ?? ''));
    if (portal.tpgt === undefined) throw new FormatError(`the record "${shown(text)}" has no portal group (,TPGT)`, i + 1);
    out.push({ address: portal.address, port: portal.port, tpgt: portal.tpgt, iqn: fields[1] ?? '', line: i + 1 });
  }
  return out;
}

export interface IscsiTreePortal extends IscsiPortal {
  line: number;
  ifaces: string[];
}

export interface IscsiTarget {
  iqn: string;
  line: number;
  portals: IscsiTreePortal[];
}

/** stdout of `iscsiadm -m node -P 1` (and the target/portal part of `-m session -P 1`). */
export function parseNodeTree(stdout: string): IscsiTarget[] {
  const targets: IscsiTarget[] = [];
  const { lines } = splitLines(stdout);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const text = raw.trim();
    if (text === '') continue;
    const m = /^(Target|Portal|Iface Name):\s*(\S+)/.exec(text);
    const target = targets[targets.length - 1];
    const portal = target?.portals[target.portals.length - 1];
    if (m?.[1] === 'Target') targets.push({ iqn: m[2] ?? '', line: i + 1, portals: [] });
    else if (m?.[1] === 'Portal') {
      if (!target) throw new FormatError('a Portal line before any Target line', i + 1);
      const p = atLine(i + 1, () => parsePortal(m[2] ?? ''));
      target.portals.push({ address: p.address, port: p.port, tpgt: p.tpgt ?? NO_TPGT, line: i + 1, ifaces: [] });
    } else if (m?.[1] === 'Iface Name') {
      if (!portal) throw new FormatError('an Iface Name line before any Portal line', i + 1);
      portal.ifaces.push(m[2] ?? '');
    } else if (!/^\s/.test(raw) || !target) {
      // Deeper detail lines (session state, SID ...) are indented; anything else is not this output.
      throw new FormatError(`expected Target:, Portal: or Iface Name:, found "${shown(text)}"`, i + 1);
    }
  }
  return targets;
}

/** The tree as flat records, one per target and portal. */
export function treeRecords(targets: readonly IscsiTarget[]): IscsiRecord[] {
  return targets.flatMap((t) =>
    t.portals.map((p) => ({ address: p.address, port: p.port, tpgt: p.tpgt, iqn: t.iqn, line: p.line })),
  );
}

// ---------------------------------------------------------------- exit status and stderr

export interface IscsiadmResult {
  exitCode: number;
  ok: boolean;
  /** open-iscsi's name for the code (ISCSI_ERR_PDU_TIMEOUT ...), for logs and --json. */
  name: string;
  /** What went wrong, in plain words. */
  reason: string;
  /** The next thing to try, when there is an obvious one. */
  hint?: string;
  /** iscsiadm's own last message, without the `iscsiadm: ` prefix. */
  detail?: string;
}

/** include/iscsi_err.h, with the codes docs/tools.md observed worded for operators. */
const EXIT_CODES: Record<number, [name: string, reason: string, hint?: string]> = {
  0: ['ISCSI_SUCCESS', 'done'],
  1: ['ISCSI_ERR', 'iscsiadm failed'],
  2: ['ISCSI_ERR_SESS_NOT_FOUND', 'no such iSCSI session'],
  3: ['ISCSI_ERR_NOMEM', 'iscsiadm ran out of memory'],
  4: ['ISCSI_ERR_TRANS', 'a transport error stopped the operation'],
  5: ['ISCSI_ERR_LOGIN', 'the login to the target failed'],
  6: ['ISCSI_ERR_IDBM', 'the iSCSI record database (/etc/iscsi) could not be read or written'],
  7: ['ISCSI_ERR_INVAL', 'iscsiadm rejected its arguments'],
  8: ['ISCSI_ERR_TRANS_TIMEOUT', 'timed out connecting to the portal', 'check the portal address and the network path'],
  9: ['ISCSI_ERR_INTERNAL', 'iscsid reported an internal error'],
  10: ['ISCSI_ERR_LOGOUT', 'the logout failed'],
  11: ['ISCSI_ERR_PDU_TIMEOUT', 'the portal did not answer', 'check the portal address and that the storage listens on it (port 3260)'],
  12: ['ISCSI_ERR_TRANS_NOT_FOUND', 'the iSCSI TCP transport (kernel module iscsi_tcp) is not loaded', 'modprobe iscsi_tcp, or start the iSCSI service'],
  13: ['ISCSI_ERR_ACCESS', 'permission denied', 'run as root'],
  14: ['ISCSI_ERR_TRANS_CAPS', 'the transport does not support this operation'],
  15: ['ISCSI_ERR_SESS_EXISTS', 'a session to this target is already logged in'],
  16: ['ISCSI_ERR_INVALID_MGMT_REQ', 'iscsid refused the request'],
  17: ['ISCSI_ERR_ISNS_UNAVAILABLE', 'iSNS is not available'],
  18: ['ISCSI_ERR_ISCSID_COMM_ERR', 'talking to iscsid failed', 'restart the iSCSI service'],
  19: ['ISCSI_ERR_FATAL_LOGIN', 'the target refused the login'],
  20: ['ISCSI_ERR_ISCSID_NOTCONN', 'cannot connect to iscsid (the iSCSI daemon is not running)', 'start the iSCSI service: service iscsi start'],
  21: ['ISCSI_ERR_NO_OBJS_FOUND', 'no matching records, targets, sessions or portals'],
  22: ['ISCSI_ERR_SYSFS_LOOKUP', 'an iSCSI object could not be found in sysfs'],
  23: ['ISCSI_ERR_HOST_NOT_FOUND', 'no such iSCSI host'],
  24: ['ISCSI_ERR_LOGIN_AUTH_FAILED', 'the target refused the login credentials (CHAP)'],
  25: ['ISCSI_ERR_ISNS_QUERY', 'the iSNS query failed'],
  26: ['ISCSI_ERR_ISNS_REG_FAILED', 'iSNS registration failed'],
  27: ['ISCSI_ERR_OP_NOT_SUPP', 'operation not supported'],
  28: ['ISCSI_ERR_BUSY', 'the device or resource is busy'],
  29: ['ISCSI_ERR_AGAIN', 'a temporary failure; retrying may work'],
  30: ['ISCSI_ERR_UNKNOWN_DISCOVERY_TYPE', 'unknown discovery type'],
  31: ['ISCSI_ERR_CHILD_TERMINATED', 'a child process of iscsiadm died'],
};

// Printed on every run where iscsid is not (yet) reachable, even ones that succeed.
const NOISE = /can not connect to iSCSI daemon \(111\)!|^System has not been booted with systemd|^Failed to connect to bus/;

export function parseIscsiadmError(stderr: string, exitCode: number): IscsiadmResult {
  const [name, reason, hint] = EXIT_CODES[exitCode] ?? ['unknown', `iscsiadm exited with status ${exitCode}`];
  const detail = lastMessage(stderr);
  const base: IscsiadmResult = { exitCode, ok: exitCode === 0, name, reason, ...(hint ? { hint } : {}), ...(detail ? { detail } : {}) };
  return exitCode === 0 ? base : { ...base, ...refine(exitCode, stderr, detail) };
}

function lastMessage(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !NOISE.test(l));
  const own = lines.filter((l) => l.startsWith('iscsiadm: '));
  const last = own[own.length - 1] ?? lines[lines.length - 1];
  return last?.replace(/^iscsiadm: /, '');
}

/** Sharper wording when stderr says more than the code (seen in docs/tools.md. */
function refine(code: number, stderr: string, detail: string | undefined): Partial<IscsiadmResult> {
  const resolve = /Cannot resolve host (\S+)\./.exec(stderr);
  if (resolve) return { reason: `cannot resolve the portal host ${resolve[1]}`, hint: 'check the portal name or use its IP address' };
  const refused = /cannot make connection to (\S+): Connection refused/.exec(stderr);
  if (refused) return { reason: `${refused[1]} refused the connection (nothing listens on the iSCSI port)` };
  if (/Initiatorname required/.test(stderr)) {
    return {
      reason: 'no initiator name is set and iscsid is not running',
      hint: 'set InitiatorName in /etc/iscsi/initiatorname.iscsi and start the iSCSI service',
    };
  }
  if (code === 21 && /No records found/.test(stderr)) return { reason: 'no such node record' };
  if (code === 21 && /No (active|matching) sessions/.test(stderr)) return { reason: 'no iSCSI session is logged in' };
  if (code === 7 && detail) return { reason: `iscsiadm rejected its arguments: ${detail}` };
  return {};
}

// ---------------------------------------------------------------- --keep (ours)

export type KeepPattern =
  | { kind: 'iqn'; text: string; iqn: string }
  | { kind: 'portal'; text: string; address: string; port: number; tpgt?: number }
  | { kind: 'record'; text: string; address: string; port: number; tpgt: number; iqn: string }
  | { kind: 'glob'; text: string; regex: RegExp };

/**
 * One `--keep` value: an IQN (`iqn.…`, `eui.…`, `naa.…`), a portal with or without its
 * group (`10.2.0.250:3260,3`), a whole record line as iscsiadm prints it, or a glob with
 * `*` and `?` on the IQN. IQNs compare case-insensitively (RFC 3720 names are lower-case).
 */
export function parseKeepPattern(text: string): KeepPattern {
  const t = text.trim();
  const parts = t.split(/\s+/);
  if (t === '') throw new FormatError('an empty --keep pattern');
  if (parts.length === 2) {
    const p = parsePortal(parts[0] ?? '');
    if (p.tpgt === undefined) throw new FormatError(`"${shown(t)}": a record needs its portal group (ADDRESS:PORT,TPGT IQN)`);
    return { kind: 'record', text, address: p.address, port: p.port, tpgt: p.tpgt, iqn: parts[1] ?? '' };
  }
  if (parts.length > 2) throw new FormatError(`"${shown(t)}" is not a pattern (IQN, ADDRESS:PORT,TPGT or a glob)`);
  if (/[*?]/.test(t)) return { kind: 'glob', text, regex: globRegex(t) };
  if (/^(iqn|eui|naa)\./i.test(t)) return { kind: 'iqn', text, iqn: t };
  try {
    return { kind: 'portal', text, ...parsePortal(t) };
  } catch {
    throw new FormatError(`"${shown(t)}" is not an IQN (iqn.…), a portal with its group (10.2.0.250:3260,3) or a glob on the IQN`);
  }
}

function globRegex(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

export function keepMatches(p: KeepPattern, r: IscsiRecord): boolean {
  const sameIqn = (iqn: string): boolean => iqn.toLowerCase() === r.iqn.toLowerCase();
  const samePortal = (a: string, port: number, tpgt?: number): boolean =>
    sameAddress(a, r.address) && port === r.port && (tpgt === undefined || tpgt === r.tpgt);
  if (p.kind === 'iqn') return sameIqn(p.iqn);
  if (p.kind === 'glob') return p.regex.test(r.iqn);
  if (p.kind === 'portal') return samePortal(p.address, p.port, p.tpgt);
  return sameIqn(p.iqn) && samePortal(p.address, p.port, p.tpgt);
}

export interface TargetSelection {
  /** Records at least one pattern matched, in discovery order. */
  kept: IscsiRecord[];
  /** The others: the node records `iscsi-prep` deletes. */
  dropped: IscsiRecord[];
  /** Patterns (as given) that matched no record: most likely a typo worth stopping for. */
  unmatched: string[];
}

/** Split discovered records by the `--keep` patterns. Throws FormatError for a malformed pattern. */
export function selectTargets(records: readonly IscsiRecord[], keep: readonly string[]): TargetSelection {
  const patterns = keep.map(parseKeepPattern);
  const used = new Set<KeepPattern>();
  const kept: IscsiRecord[] = [];
  const dropped: IscsiRecord[] = [];
  for (const r of records) {
    const hits = patterns.filter((p) => keepMatches(p, r));
    for (const p of hits) used.add(p);
    (hits.length > 0 ? kept : dropped).push(r);
  }
  return { kept, dropped, unmatched: patterns.filter((p) => !used.has(p)).map((p) => p.text) };
}
