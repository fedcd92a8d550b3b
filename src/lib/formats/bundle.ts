/**
 * The cluster bundle (ours, ovs-cluster-check(8)): what `ovs cluster-check --master --propagate`
 * sends to every pool member over SSH and what `ovs cluster-configure --import FILE|-`
 * reads — the master's cluster.conf, verbatim, plus its O2CB settings values.
 *
 * Version 1, UTF-8, LF line ends:
 *
 *     # ovs cluster bundle v1
 *     O2CB_ENABLED=true                 (the O2CB keys present, in their usual order,
 *     O2CB_BOOTCLUSTER=ocfs2             unquoted: every legal value is shell-safe)
 *     # cluster.conf 248 bytes
 *     <exactly 248 bytes of cluster.conf>
 *     # end of bundle, sha256 <64 hex digits>
 *
 * The byte count lets cluster.conf hold anything (no escaping); one LF follows it. The
 * sha256 covers every byte before the end line, so a stream cut short anywhere, or
 * altered, is refused rather than half-applied on a pool member.
 */
import { FormatError } from './format-error.js';
import { sha256Hex } from '../sha256.js';
import { isO2cbKey, O2CB_KEYS, type O2cbValues } from './o2cb-settings.js';
import { shown } from '../errors.js';

export const BUNDLE_VERSION = 1;
const MAGIC = '# ovs cluster bundle v';
const CONTENT = /^# cluster\.conf (\d{1,9}) bytes$/;
const END = /^# end of bundle, sha256 ([0-9a-f]{64})$/;
/** A value is carried unquoted, so it may not hold anything a shell would interpret. */
const VALUE = /^[A-Za-z0-9_.,:/+@%-]*$/;

export interface ClusterBundle {
  /** cluster.conf text, byte for byte as the master holds it. */
  clusterConf: string;
  o2cb: O2cbValues;
}

export { sha256Hex };

export function serializeBundle(bundle: ClusterBundle): string {
  const lines = [`${MAGIC}${BUNDLE_VERSION}`];
  for (const key of O2CB_KEYS) {
    const value = bundle.o2cb[key];
    if (value === undefined) continue;
    if (!VALUE.test(value)) throw new FormatError(`cannot carry ${key}=${JSON.stringify(value)} in a bundle: unsafe characters`);
    lines.push(`${key}=${value}`);
  }
  const size = new TextEncoder().encode(bundle.clusterConf).length;
  lines.push(`# cluster.conf ${size} bytes`, `${bundle.clusterConf}\n`);
  const body = lines.join('\n');
  return `${body}# end of bundle, sha256 ${sha256Hex(body)}\n`;
}

const truncated = (line: number): FormatError =>
  new FormatError('the bundle is truncated (the transfer was cut short); nothing was imported', line);

function checkMagic(first: string | undefined): void {
  if (first === `${MAGIC}${BUNDLE_VERSION}`) return;
  if (first?.startsWith(MAGIC)) {
    throw new FormatError(`unsupported bundle version "${shown(first.slice(MAGIC.length))}"; this ovs reads version ${BUNDLE_VERSION}`, 1);
  }
  throw new FormatError(`not an ovs cluster bundle (it must start with "${MAGIC}${BUNDLE_VERSION}")`, 1);
}

/** Reads the settings lines; returns them and the byte count announced for cluster.conf. */
function readHeader(lines: string[]): { o2cb: O2cbValues; size: number; headerLines: number } {
  const o2cb: O2cbValues = {};
  for (let i = 1; i < lines.length - 1; i++) {
    const line = lines[i] as string;
    const size = CONTENT.exec(line);
    if (size) return { o2cb, size: Number(size[1]), headerLines: i + 1 };
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (eq < 0 || !isO2cbKey(key) || !VALUE.test(value)) throw new FormatError(`unexpected line in the bundle's O2CB settings: ${JSON.stringify(line)}`, i + 1);
    if (o2cb[key] !== undefined) throw new FormatError(`${key} appears twice in the bundle`, i + 1);
    o2cb[key] = value;
  }
  throw truncated(lines.length);
}

function lineOf(bytes: Uint8Array, end: number): number {
  let line = 1;
  for (let i = 0; i < end; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** The end line must follow the cluster.conf bytes, carry the checksum, and end the text. */
function readEnd(bytes: Uint8Array, from: number, lineNo: number): string {
  const tail = new TextDecoder().decode(bytes.subarray(from));
  const nl = tail.indexOf('\n');
  if (nl < 0) throw truncated(lineNo);
  const line = lineOf(bytes, from);
  const end = END.exec(tail.slice(0, nl));
  if (!end) throw new FormatError('the bundle is damaged: its end line is missing after the announced cluster.conf size', line);
  if (nl + 1 < tail.length) throw new FormatError('unexpected data after the end of the bundle', line + 1);
  return end[1] as string;
}

/** Parses a bundle; refuses (FormatError) a wrong version, a truncated or altered one. */
export function parseBundle(text: string): ClusterBundle {
  const bytes = new TextEncoder().encode(text);
  const lines = text.split('\n');
  checkMagic(lines.length > 1 ? lines[0] : undefined);
  const { o2cb, size, headerLines } = readHeader(lines);
  // The header is ASCII (checked line by line), so its length in bytes is its length.
  const start = lines.slice(0, headerLines).join('\n').length + 1;
  const afterContent = start + size;
  if (bytes.length <= afterContent) throw truncated(lines.length);
  if (bytes[afterContent] !== 0x0a) {
    throw new FormatError('the bundle is damaged: cluster.conf does not end where its announced size says', lineOf(bytes, afterContent));
  }
  const sum = readEnd(bytes, afterContent + 1, lines.length);
  if (sha256Hex(bytes.subarray(0, afterContent + 1)) !== sum) {
    throw new FormatError('the bundle checksum does not match its content (altered or damaged in transit); nothing was imported');
  }
  let clusterConf: string;
  try {
    clusterConf = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, afterContent));
  } catch {
    throw new FormatError('the cluster.conf in the bundle is not valid UTF-8');
  }
  return { clusterConf, o2cb };
}
