/**
 * A test double of open-iscsi's `iscsiadm` for the memory host: a node record database in
 * memory, SendTargets discovery against scripted portals, and logins. It answers with the
 * text the real open-iscsi 2.1.8 prints on this kind of machine (docs/tools.md,
 * iSCSI); the failure texts are the fixtures in test/fixtures/formats/, captured from the real
 * tool). Tests that use it say "(replayed open-iscsi 2.1.8 output)" in their names.
 *
 * Two texts come from open-iscsi's source rather than a capture, because logins cannot
 * succeed on this machine: the `Login to [...] successful.` line (usr/iscsiadm.c) and the
 * `tcp: [N] PORTAL,TPGT IQN (non-flash)` session line (usr/iscsiadm.c, print_sessions).
 */
import { readFileSync } from 'node:fs';
import type { Expectation, MemoryHost, ProgramCall } from '../../src/lib/doubles/memory-host.js';
import type { RunResult } from '../../src/lib/host.js';

export interface FakeRecord {
  address: string;
  port: number;
  tpgt: number;
  iqn: string;
}

export type PortalBehaviour = FakeRecord[] | 'refused' | 'timeout' | 'unresolvable' | 'no-transport' | { stdout: string };

export interface LoginEffect {
  /** A /proc/partitions line to add, e.g. ' 8  16  1048576 sdb'. */
  partition?: string;
  /** sysfs session number to tie the device to the target. */
  session?: number;
}

export interface IscsiDoubleOptions {
  /** What each discovery address (`HOST:PORT` as given to -p) answers. */
  portals: Record<string, PortalBehaviour>;
  /** Node records present before the run, with their startup value and the discovery portal that wrote them (`ADDRESS:PORT`; none: made by hand). */
  nodes?: (FakeRecord & { startup?: string; discovery?: string })[];
  /** Records (`ADDR:PORT,TPGT IQN`) with a logged-in session. */
  sessions?: string[];
  /** iscsid.conf's node.startup: what discovery writes (Debian: manual, RHEL: automatic). */
  defaultStartup?: string;
  /** How --login behaves: the real failure here (no iscsid), or success with its effect. */
  login?: 'no-iscsid' | ((r: FakeRecord) => LoginEffect);
}

type StoredRecord = FakeRecord & { startup: string; discovery?: string };

export interface IscsiDouble {
  tools: Expectation[];
  nodes: Map<string, StoredRecord>;
  sessions: Set<string>;
}

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/formats/${name}`, import.meta.url), 'utf8');
export const line = (r: FakeRecord): string => `${r.address}:${r.port},${r.tpgt} ${r.iqn}`;
const key = (r: FakeRecord): string => line(r).toLowerCase();
const NOISE = 'iscsiadm: can not connect to iSCSI daemon (111)!\n';
const NO_RECORDS = { exitCode: 21, stderr: fixture('no-records.stderr') };

function flags(argv: readonly string[]): { mode?: string; ops: string[]; values: Record<string, string>; login: boolean } {
  const out = { ops: [] as string[], values: {} as Record<string, string>, login: false, mode: undefined as string | undefined };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--login' || a === '-l') out.login = true;
    else if (a === '-o') out.ops.push(argv[++i] ?? '');
    else if (a === '-m') out.mode = argv[++i];
    else if (a.startsWith('-')) out.values[a] = argv[++i] ?? '';
  }
  return out;
}

function parseP(p: string): { address: string; port: number; tpgt?: number } {
  const m = /^(.*):(\d+)(?:,(\d+))?$/.exec(p);
  return { address: m?.[1] ?? p, port: Number(m?.[2] ?? 3260), ...(m?.[3] ? { tpgt: Number(m[3]) } : {}) };
}

function record(r: StoredRecord): string {
  const from = r.discovery ? parseP(r.discovery) : undefined;
  return [
    '# BEGIN RECORD 2.1.8',
    `node.name = ${r.iqn}`,
    `node.tpgt = ${r.tpgt}`,
    `node.startup = ${r.startup}`,
    'node.leading_login = No',
    // Where SendTargets discovery found the record (the real iscsiadm keeps it; <empty> for a hand-made one).
    `node.discovery_address = ${from?.address ?? '<empty>'}`,
    `node.discovery_port = ${from?.port ?? 0}`,
    `node.discovery_type = ${from ? 'send_targets' : 'static'}`,
    `node.conn[0].address = ${r.address}`,
    `node.conn[0].port = ${r.port}`,
    '# END RECORD',
    '',
  ].join('\n');
}

export function iscsiDouble(opts: IscsiDoubleOptions): IscsiDouble {
  const defaultStartup = opts.defaultStartup ?? 'manual';
  const nodes = new Map((opts.nodes ?? []).map((n) => [key(n), { ...n, startup: n.startup ?? defaultStartup }]));
  const sessions = new Set((opts.sessions ?? []).map((s) => s.toLowerCase()));
  const state: IscsiDouble = { tools: [], nodes, sessions };

  const discovery = (p: string, persistent: boolean): Partial<RunResult> => {
    const behaviour = opts.portals[p];
    const host = p.replace(/:\d+$/, '');
    if (behaviour === undefined || behaviour === 'refused') {
      return { exitCode: 11, stderr: fixture('discovery-unreachable.stderr').replaceAll('127.0.0.9', host) };
    }
    if (behaviour === 'timeout') return { exitCode: 143, timedOut: true, stderr: NOISE };
    if (behaviour === 'unresolvable') return { exitCode: 21, stderr: fixture('unresolvable.stderr') };
    if (behaviour === 'no-transport') return { exitCode: 12, stderr: fixture('discovery-plain-host.stderr') };
    if (!Array.isArray(behaviour)) return { exitCode: 0, stdout: behaviour.stdout };
    if (persistent) for (const r of behaviour) nodes.set(key(r), { ...r, startup: defaultStartup, discovery: p });
    return { exitCode: 0, stdout: behaviour.map((r) => `${line(r)}\n`).join(''), stderr: NOISE.repeat(behaviour.length + 1) };
  };

  const find = (v: Record<string, string>) => {
    const p = parseP(v['-p'] ?? '');
    return [...nodes.values()].filter((n) => n.iqn.toLowerCase() === (v['-T'] ?? '').toLowerCase() && n.address === p.address && n.port === p.port && (p.tpgt === undefined || n.tpgt === p.tpgt));
  };

  const loginOne = (n: FakeRecord, host: MemoryHost): Partial<RunResult> => {
    const portal = `${n.address},${n.port}`;
    if (opts.login === undefined || opts.login === 'no-iscsid') {
      return {
        exitCode: 20,
        stdout: `Logging in to [iface: ovs0, target: ${n.iqn}, portal: ${portal}]\n`,
        stderr: fixture('login-no-iscsid.stderr').replaceAll('iqn.2010-01.com.example.ovs:target1', n.iqn).replaceAll('127.0.0.1,3260', portal),
      };
    }
    const effect = opts.login(n);
    sessions.add(key(n));
    if (effect.partition) host.vol.appendFileSync('/proc/partitions', `${effect.partition}\n`);
    const dev = effect.partition?.trim().split(/\s+/)[3];
    if (dev && effect.session !== undefined) {
      host.vol.mkdirSync(`/sys/class/iscsi_session/session${effect.session}`, { recursive: true });
      host.vol.writeFileSync(`/sys/class/iscsi_session/session${effect.session}/targetname`, `${n.iqn}\n`);
      host.vol.mkdirSync('/sys/class/block', { recursive: true });
      host.vol.symlinkSync(`../../devices/platform/host3/session${effect.session}/target3:0:0/3:0:0:0/block/${dev}`, `/sys/class/block/${dev}`);
    }
    const msg = `[iface: default, target: ${n.iqn}, portal: ${portal}]`;
    return { exitCode: 0, stdout: `Logging in to ${msg}\nLogin to ${msg} successful.\n` };
  };

  const respond = (call: ProgramCall, host: MemoryHost): Partial<RunResult> => {
    const f = flags(call.argv);
    if (f.mode === 'discovery') return discovery(f.values['-p'] ?? '', !f.ops.includes('nonpersistent'));
    if (f.mode === 'session') {
      if (sessions.size === 0) return { exitCode: 21, stderr: 'iscsiadm: No active sessions.\n' };
      return { exitCode: 0, stdout: [...sessions].map((s, i) => `tcp: [${i + 1}] ${[...nodes.values()].map(line).find((l) => l.toLowerCase() === s) ?? s} (non-flash)\n`).join('') };
    }
    if (f.mode !== 'node') return { exitCode: 7, stderr: `iscsiadm: mode ${f.mode} is not yet supported\n` };
    if (f.values['-T'] === undefined) {
      return nodes.size === 0 ? NO_RECORDS : { exitCode: 0, stdout: [...nodes.values()].map((n) => `${line(n)}\n`).join('') };
    }
    const hits = find(f.values);
    if (hits.length === 0) return NO_RECORDS;
    if (f.login) return loginOne(hits[0] as FakeRecord, host);
    if (f.ops.includes('delete')) {
      for (const h of hits) nodes.delete(key(h));
      return { exitCode: 0 };
    }
    if (f.ops.includes('update')) {
      for (const h of hits) if (f.values['-n'] === 'node.startup') h.startup = f.values['-v'] ?? '';
      return { exitCode: 0 };
    }
    return { exitCode: 0, stdout: hits.map(record).join('') };
  };

  for (let n = 2; n <= 16; n++) {
    state.tools.push({ argv: ['iscsiadm', ...Array<RegExp>(n - 1).fill(/^/)], respond });
  }
  return state;
}
