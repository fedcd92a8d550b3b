/**
 * /etc/ocfs2/cluster.conf — the O2CB cluster layout (ocfs2.cluster.conf(5)).
 *
 * Reading follows what the real parser accepts (ocfs2-tools `o2cb_ctl/jconfig.c` plus
 * `o2cb_config.c`, measured in docs/tools.md: `name:` headers in column 0,
 * indented `key = value` attributes, `#` comments in column 0 only, a blank line closes a
 * stanza, a trailing `\` continues a value, the last duplicate key wins, unknown stanzas
 * and keys are ignored. Whatever o2cb refuses to load, we refuse with the line and a reason.
 * Writing uses the canonical layout of ovs-cluster-configure(8) (the guide's key order). The stricter
 * documented rules (ovs-cluster-configure(8)), which o2cb lets through, live in `validateCluster`.
 * Pure: no I/O.
 */
import { FormatError } from './format-error.js';
import { isIPv4, isLoopback } from './ip.js';
import { shown } from '../errors.js';

export type HeartbeatMode = 'local' | 'global';

export interface ClusterNode {
  name: string;
  number: number;
  ipAddress: string;
  ipPort: number;
  /** Line of the `node:` header when the node was read from text. */
  line?: number;
}

export interface Heartbeat {
  region: string;
  line?: number;
}

export interface Cluster {
  name: string;
  heartbeatMode: HeartbeatMode;
  nodeCount: number;
  /** In file order when parsed; the writer orders them by number. */
  nodes: ClusterNode[];
  heartbeats: Heartbeat[];
  line?: number;
}

export interface ClusterConfFile {
  clusters: Cluster[];
}

export const DEFAULT_IP_PORT = 7777;

// ---------------------------------------------------------------------------------------
// Pass 1: the stanza grammar (jconfig.c). A syntax error anywhere makes o2cb drop the whole
// file (-EIO), before any value is looked at, so this pass runs over everything first.
// Well-formed lines are recognised by three anchored regular expressions without nested
// repetition (linear, and cheaper than a character loop while the JIT is cold: README, performance
// wants a 255-node file in well under 10 ms at CLI start); only a line that fails them is
// examined character by character, to say exactly what is wrong with it.

interface Attr {
  value: string;
  line: number;
}
interface Stanza {
  type: string;
  line: number;
  attrs: Map<string, Attr>;
}

const HEADER = /^([A-Za-z0-9_]+):[ \t]*$/;
// [^] and not `.`: `.` stops at a CR, which o2cb keeps in the value (and then chomps).
const ATTRIBUTE = /^[ \t]+([A-Za-z0-9_]+)[ \t]*=[ \t]*([^]*)$/;
const BLANK = /^[ \t]*$/;

function scanStanzas(text: string): Stanza[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // the final newline does not open a line
  const stanzas: Stanza[] = [];
  let current: Stanza | undefined;
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i] as string;
    let m: RegExpExecArray | null;
    const first = s.charCodeAt(0);
    if (first === 35) continue; // '#': a comment does not close the stanza
    // A header starts with a name, an attribute with a blank: each regex runs only where it can match.
    const indented = first === 32 || first === 9;
    if (!indented && (m = HEADER.exec(s))) {
      stanzas.push((current = { type: m[1] as string, line: i + 1, attrs: new Map() }));
    } else if (indented && current && (m = ATTRIBUTE.exec(s))) {
      const line = i + 1;
      let value = m[2] as string;
      // The common line holds the whole value: only a continued one is gathered.
      if (value.endsWith('\\')) {
        const joined = readValue(lines, i, value);
        value = joined[0];
        i = joined[1];
      }
      current.attrs.set(m[1] as string, { value: chomp(value), line }); // the last duplicate wins
    } else if (BLANK.test(s)) {
      current = undefined; // an empty or whitespace-only line closes the stanza
    } else {
      throw lineError(s, i + 1, stanzas.length > 0);
    }
  }
  return stanzas;
}

/** A value runs to the end of the line; a final `\` keeps the newline and joins the next line. */
function readValue(lines: string[], i: number, first: string): [string, number] {
  let value = '';
  let s = first;
  while (s.endsWith('\\')) {
    const hasNext = i + 1 < lines.length;
    // At the very end of the file the dangling backslash is simply dropped.
    value += s.slice(0, -1) + (hasNext ? '\n' : '');
    if (!hasNext) return [value, i];
    s = lines[++i] as string;
  }
  return [value + s, i];
}

/** g_strchomp: o2cb strips trailing ASCII white space (CR included) from every value. */
function chomp(s: string): string {
  let end = s.length;
  while (end > 0 && isTrailingSpace(s.charCodeAt(end - 1))) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** ' ', \t, \n, \v, \f, \r */
const isTrailingSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

// The slow path: why a line is not a header, an attribute, a comment or a blank line.

const isIdent = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

function skip(s: string, i: number, test: (c: string | undefined) => boolean): number {
  while (test(s[i])) i++;
  return i;
}
function crlfHint(c: string | undefined, fallback: string): string {
  return c === '\r' ? 'the file has DOS (CRLF) line endings; o2cb needs plain LF (convert it with dos2unix)' : fallback;
}

function lineError(s: string, line: number, started: boolean): FormatError {
  const c = s[0];
  if (isIdent(c)) return headerError(s, line);
  if (!isBlank(c)) return new FormatError(crlfHint(c, `a line must start with a stanza name, a tab or space, or "#" (found "${shown(c)}")`), line);
  const j = skip(s, 0, isBlank);
  if (!isIdent(s[j])) {
    const why = s[j] === '#' ? 'comments must start in column 1; this "#" is indented' : `unexpected "${shown(s[j])}" where an attribute name should start`;
    return new FormatError(crlfHint(s[j], why), line);
  }
  return attributeError(s, j, line, started);
}

function headerError(s: string, line: number): FormatError {
  const end = skip(s, 0, isIdent);
  const type = s.slice(0, end);
  if (end === s.length) return new FormatError(`stanza header "${shown(type)}" lacks its colon (write "${type}:")`, line);
  if (s[end] !== ':') {
    const why = `stanza header "${shown(type)}" must be followed directly by ":" (found "${shown(s[end])}"; a name holds only letters, digits and "_")`;
    return new FormatError(crlfHint(s[end], why), line);
  }
  const rest = skip(s, end + 1, isBlank);
  return new FormatError(crlfHint(s[rest], `unexpected text after "${type}:"; a header line holds only the stanza name and a colon`), line);
}

function attributeError(s: string, j: number, line: number, started: boolean): FormatError {
  const keyEnd = skip(s, j, isIdent);
  const key = s.slice(j, keyEnd);
  if (s[keyEnd] === ':' && skip(s, keyEnd + 1, isBlank) === s.length) {
    return new FormatError(`stanza header "${key}:" must start in column 1, not be indented`, line);
  }
  const eq = skip(s, keyEnd, isBlank);
  if (s[eq] === '=') {
    const why = started ? 'a blank line ends a stanza, so remove the blank line above it or add a header' : 'it comes before the first stanza header';
    return new FormatError(`attribute "${shown(key)}" belongs to no stanza: ${why}`, line);
  }
  const why = eq === s.length || isIdent(s[eq]) ? `has no "=" (write "${key} = value")` : `is followed by "${shown(s[eq])}" instead of "=" (a name holds only letters, digits and "_")`;
  return new FormatError(crlfHint(s[eq], `attribute "${shown(key)}" ${why}`), line);
}

// ---------------------------------------------------------------------------------------
// Pass 2: the values o2cb checks when it loads the stanzas (o2cb_config.c).

const INT_MAX = 2147483647;
const UINT_MAX = 4294967295;

/**
 * strtoul(…, 10) with o2cb's end-of-string and range checks: `^[ \t\n\v\f\r]*[+-]?\d+$`, read by
 * character (three per node in a big file: no match arrays).
 */
export function parseUnsigned(v: string, max: number): number | 'invalid' | 'range' {
  let i = 0;
  while (isTrailingSpace(v.charCodeAt(i))) i++;
  const sign = v.charCodeAt(i);
  if (sign === 43 || sign === 45) i++; // '+', '-'
  if (i === v.length) return 'invalid';
  let n = 0;
  for (; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return 'invalid';
    n = n * 10 + (c - 48);
  }
  if (sign === 45 && n !== 0) return 'range'; // strtoul wraps a negative to a huge value
  return n > max ? 'range' : n;
}

/** `what` names the stanza in a message: made only for one (a 255-node file has 1 275 attributes). */
type What = () => string;

function required(st: Stanza, key: string, what: What): Attr {
  const a = st.attrs.get(key);
  if (!a) throw new FormatError(`${what()} lacks "${shown(key)}"`, st.line);
  if (a.value === '') throw new FormatError(`${what()}: "${shown(key)}" is empty`, a.line);
  return a;
}

function number(st: Stanza, key: string, what: What, max: number): number {
  const a = required(st, key, what);
  const n = parseUnsigned(a.value, max);
  if (n === 'invalid') throw new FormatError(`${what()}: ${key} "${shown(a.value)}" is not a number`, a.line);
  if (n === 'range') throw new FormatError(`${what()}: ${key} ${a.value} is out of range`, a.line);
  return n;
}

function readNode(st: Stanza, cluster: string, names: Set<string>): ClusterNode {
  const name = required(st, 'name', () => `node stanza of cluster "${shown(cluster)}"`).value;
  const what = () => `node "${shown(name)}"`;
  if (names.has(name)) throw new FormatError(`${what()} appears twice in cluster "${shown(cluster)}"`, st.line);
  names.add(name);
  const num = number(st, 'number', what, INT_MAX - 1);
  const ip = required(st, 'ip_address', what);
  if (!isIPv4(ip.value)) throw new FormatError(`${what()}: ip_address "${shown(ip.value)}" is not an IPv4 address`, ip.line);
  const port = number(st, 'ip_port', what, UINT_MAX);
  return { name, number: num, ipAddress: ip.value, ipPort: port, line: st.line };
}

function readHeartbeat(st: Stanza, cluster: string, regions: Set<string>): Heartbeat {
  const region = required(st, 'region', () => `heartbeat stanza of cluster "${shown(cluster)}"`);
  if (regions.has(region.value)) throw new FormatError(`heartbeat region ${region.value} appears twice in cluster "${shown(cluster)}"`, region.line);
  regions.add(region.value);
  return { region: region.value, line: st.line };
}

function readMode(st: Stanza, name: string): HeartbeatMode {
  const a = st.attrs.get('heartbeat_mode');
  if (!a) return 'local';
  const mode = a.value.toLowerCase(); // o2cb compares without case
  if (mode !== 'local' && mode !== 'global') {
    throw new FormatError(`cluster "${shown(name)}": heartbeat_mode "${shown(a.value)}" must be local or global`, a.line);
  }
  return mode;
}

/** Node and heartbeat stanzas grouped by their `cluster =` value (others are ignored). */
function groupByCluster(stanzas: Stanza[], type: string): Map<string, Stanza[]> {
  const groups = new Map<string, Stanza[]>();
  for (const st of stanzas) {
    const owner = st.type === type ? st.attrs.get('cluster')?.value : undefined;
    if (owner === undefined) continue;
    const group = groups.get(owner);
    if (group) group.push(st);
    else groups.set(owner, [st]);
  }
  return groups;
}

/** Parses cluster.conf text; throws FormatError (with the line) where o2cb would refuse the file. */
export function parseClusterConf(text: string): ClusterConfFile {
  const stanzas = scanStanzas(text);
  const nodes = groupByCluster(stanzas, 'node');
  const beats = groupByCluster(stanzas, 'heartbeat');
  const clusters: Cluster[] = [];
  for (const st of stanzas.filter((s) => s.type === 'cluster')) {
    const name = st.attrs.get('name')?.value;
    // o2cb itself segfaults on this one (docs/tools.md).
    if (name === undefined) throw new FormatError('cluster stanza has no "name"', st.line);
    const first = clusters.find((c) => c.name === name);
    if (first) throw new FormatError(`cluster "${shown(name)}" is defined twice (first at line ${first.line})`, st.line);
    const names = new Set<string>();
    const regions = new Set<string>();
    const members = (nodes.get(name) ?? []).map((n) => readNode(n, name, names));
    const nodeCount = number(st, 'node_count', () => `cluster "${shown(name)}"`, UINT_MAX);
    const heartbeatMode = readMode(st, name);
    const heartbeats = (beats.get(name) ?? []).map((h) => readHeartbeat(h, name, regions));
    clusters.push({ name, heartbeatMode, nodeCount, nodes: members, heartbeats, line: st.line });
  }
  return { clusters };
}

// ---------------------------------------------------------------------------------------
// The documented rules (ovs-cluster-configure(8), ocfs2.cluster.conf(5)) that o2cb does not enforce when
// it loads a file, but that a working pool needs. Checked before ovs writes anything.

export interface ClusterProblem {
  message: string;
  /** Line in the text the cluster was parsed from, when known. */
  line?: number;
}

/** Dot-separated labels of 1-63 letters, digits and inner hyphens (one regex: no split per check). */
const NODE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** RFC 1123 host name (FQDN allowed: the guide's own sample uses them), 1–64 characters. */
export function isNodeName(name: string): boolean {
  return name.length >= 1 && name.length <= 64 && NODE_NAME.test(name);
}

export const isClusterName = (name: string): boolean => /^[A-Za-z0-9]{1,16}$/.test(name);

function addressProblem(ip: string): string | undefined {
  if (!isIPv4(ip)) return `ip_address "${shown(ip)}" is not an IPv4 address`;
  if (isLoopback(ip)) return `ip_address ${ip} is a loopback address; use the address the other servers reach this one on`;
  if (ip === '0.0.0.0') return 'ip_address 0.0.0.0 is not a usable address';
  return undefined;
}

function nodeProblems(n: ClusterNode, seen: { names: Map<string, string>; numbers: Map<number, string>; ips: Map<string, string> }): string[] {
  const out: string[] = [];
  if (!isNodeName(n.name)) out.push('the name must be a host name of 1–64 letters, digits, "-" and "."');
  const sameName = seen.names.get(n.name.toLowerCase());
  if (sameName !== undefined) out.push(`the name is also used by node "${shown(sameName)}"`);
  if (!Number.isInteger(n.number) || n.number < 0 || n.number > 254) out.push(`number ${n.number} is outside 0–254`);
  else if (seen.numbers.has(n.number)) out.push(`number ${n.number} is also used by node "${shown(seen.numbers.get(n.number))}"`);
  const bad = addressProblem(n.ipAddress);
  if (bad) out.push(bad);
  else if (seen.ips.has(n.ipAddress)) out.push(`ip_address ${n.ipAddress} is also used by node "${shown(seen.ips.get(n.ipAddress))}"`);
  if (!Number.isInteger(n.ipPort) || n.ipPort < 1 || n.ipPort > 65535) out.push(`ip_port ${n.ipPort} is outside 1–65535`);
  seen.names.set(n.name.toLowerCase(), n.name);
  if (!seen.numbers.has(n.number)) seen.numbers.set(n.number, n.name);
  if (!seen.ips.has(n.ipAddress)) seen.ips.set(n.ipAddress, n.name);
  return out;
}

/** Every way the cluster breaks the documented rules; empty when it may be written. */
export function validateCluster(cluster: Cluster): ClusterProblem[] {
  const problems: ClusterProblem[] = [];
  const at = (message: string, line: number | undefined): void => {
    problems.push(line === undefined ? { message } : { message, line });
  };
  if (!isClusterName(cluster.name)) at(`cluster name "${shown(cluster.name)}" must be 1–16 letters or digits`, cluster.line);
  const seen = { names: new Map<string, string>(), numbers: new Map<number, string>(), ips: new Map<string, string>() };
  for (const n of cluster.nodes) {
    for (const m of nodeProblems(n, seen)) at(`node "${shown(n.name)}": ${m}`, n.line);
  }
  if (cluster.nodeCount !== cluster.nodes.length) {
    at(`cluster "${shown(cluster.name)}": node_count is ${cluster.nodeCount} but there are ${cluster.nodes.length} node stanzas`, cluster.line);
  }
  return problems;
}

/** Throws the first problem (the count of the others in the message) as a FormatError. */
export function assertValidCluster(cluster: Cluster): void {
  const [first, ...rest] = validateCluster(cluster);
  if (!first) return;
  const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  throw new FormatError(first.message + more, first.line);
}

// ---------------------------------------------------------------------------------------
// Writing: the canonical layout of ovs-cluster-configure(8)

/** A value the reader would give back differently (trimmed, continued, empty) cannot be written. */
function writable(key: string, value: string | number): string | number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const v = String(value);
  if (v === '' || v !== v.trim() || v.includes('\n') || v.endsWith('\\')) {
    throw new FormatError(`cannot write ${key} = ${JSON.stringify(v)}: empty, surrounded by spaces, or would continue on the next line`);
  }
  return v;
}

function attrLine(key: string, value: string | number): string {
  return `\t${key} = ${writable(key, value)}\n`;
}

function stanza(type: string, attrs: [string, string | number][]): string {
  return `${type}:\n${attrs.map(([k, v]) => attrLine(k, v)).join('')}\n`;
}

/** A node stanza, written out: up to 255 of them per file, so one string each, not a list of pairs and lines. */
function nodeStanza(n: ClusterNode, cluster: string): string {
  const port = writable('ip_port', n.ipPort);
  const ip = writable('ip_address', n.ipAddress);
  const number = writable('number', n.number);
  const name = writable('name', n.name);
  return `node:\n\tip_port = ${port}\n\tip_address = ${ip}\n\tnumber = ${number}\n\tname = ${name}\n\tcluster = ${writable('cluster', cluster)}\n\n`;
}

function clusterText(c: Cluster): string {
  const nodes = [...c.nodes].sort((a, b) => a.number - b.number);
  const parts = nodes.map((n) => nodeStanza(n, c.name));
  const mode: [string, string][] = c.heartbeatMode === 'global' ? [['heartbeat_mode', 'global']] : [];
  parts.push(stanza('cluster', [['node_count', c.nodeCount], ['name', c.name], ...mode]));
  for (const h of c.heartbeats) parts.push(stanza('heartbeat', [['region', h.region], ['cluster', c.name]]));
  return parts.join('');
}

/**
 * Canonical text: per cluster its node stanzas by number, then the cluster stanza, then
 * its heartbeat stanzas; TAB before each attribute, one blank line after each stanza.
 * Writes the data as given: run `assertValidCluster` first to enforce the rules.
 */
export function serializeClusterConf(file: ClusterConfFile): string {
  return file.clusters.map(clusterText).join('');
}
