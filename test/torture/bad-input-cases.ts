/**
 * The bad-input catalogue as data: every command's options and arguments with hostile
 * values, the managed files in every wrong shape, broken bundles for --import. Each case
 * says the exit status it must end with and a word its one-line message must name.
 * test/torture/bad-input.test.ts runs them.
 */

/** Hostile values for an option or argument. */
export const VALUES = {
  empty: '',
  huge: 'x'.repeat(10_000),
  control: '\x1b[31mred\x1b[0m\nINJECTED',
  nul: 'a\x00b',
  unicode: '\u202eevil\u0301ż',
  negative: '-1',
  overflow: '99999999999999999999999',
  fraction: '1.5',
  blank: ' ',
} as const;
export type ValueKind = keyof typeof VALUES;
const KINDS = Object.keys(VALUES) as ValueKind[];

export interface ArgumentCase {
  title: string;
  command: string;
  argv: string[];
  exit: number;
  /** The message must name what was wrong: the option or argument. */
  names: string;
}

interface Slot {
  command: string;
  /** The rest of a run that would otherwise be valid. */
  base: string[];
  /** An option (`--port`), a global option, or a positional argument's label (PATH). */
  slot: string;
  exit: number;
  /** What the message names, when not the slot itself. */
  names?: string;
  /** Values this slot accepts (they are not bad input for it), or a different exit. */
  accepts?: ValueKind[];
  exits?: Partial<Record<ValueKind, number>>;
  /** Where the value goes among the arguments (positional slots). */
  place?: (v: string) => string[];
}

const NODE = ['--node', 'ovs1.example.com=192.168.1.11'];
const NAME_LIKE: ValueKind[] = ['empty', 'unicode', 'negative', 'overflow', 'fraction', 'blank']; // labels, descriptions, paths

const SLOTS: Slot[] = [
  // A name of digits is a host name: it is resolved, not refused as a value.
  { command: 'cluster-configure', base: [], slot: '--node', exit: 65, accepts: ['overflow', 'fraction'] },
  { command: 'cluster-configure', base: [], slot: '--add-node', exit: 65, accepts: ['overflow', 'fraction'] },
  { command: 'cluster-configure', base: [], slot: '--remove-node', exit: 65, accepts: ['overflow', 'fraction'] },
  { command: 'cluster-configure', base: NODE, slot: '--cluster-name', exit: 65 },
  { command: 'cluster-configure', base: NODE, slot: '--port', exit: 65 },
  { command: 'cluster-configure', base: NODE, slot: '--heartbeat-threshold', exit: 65 },
  { command: 'cluster-configure', base: NODE, slot: '--idle-timeout-ms', exit: 65 },
  { command: 'cluster-configure', base: NODE, slot: '--keepalive-delay-ms', exit: 65 },
  { command: 'cluster-configure', base: NODE, slot: '--reconnect-delay-ms', exit: 65 },
  { command: 'cluster-check', base: ['--all-nodes'], slot: '--ssh-user', exit: 65 },
  { command: 'cluster-check', base: ['--all-nodes'], slot: '--ssh-identity', exit: 64, accepts: ['huge', 'control', 'nul', 'unicode', 'overflow', 'fraction', 'blank'] },
  { command: 'cluster-check', base: ['--all-nodes'], slot: '--ssh-option', exit: 64 },
  { command: 'cluster-check', base: ['--all-nodes'], slot: '--concurrency', exit: 65 },
  { command: 'cluster-check', base: ['--all-nodes'], slot: '--connect-timeout', exit: 65 },
  { command: 'makerepo', base: [], slot: 'SOURCE', exit: 65, place: (v) => [v, 'S', 'data'] },
  { command: 'makerepo', base: [], slot: 'ROLE', exit: 65, place: (v) => ['nas:/data', v, 'data'] },
  { command: 'makerepo', base: [], slot: 'DESCRIPTION', exit: 65, accepts: [...NAME_LIKE, 'huge'], place: (v) => ['nas:/data', 'S', v] },
  { command: 'makerepo', base: ['/dev/sdb1', 'S', 'data'], slot: '--type', exit: 65 },
  { command: 'makerepo', base: ['nas:/data', 'S', 'data'], slot: '--uuid', exit: 65 },
  { command: 'offlinerepo', base: [], slot: 'UUID', names: 'SOURCE', exit: 65, place: (v) => [v] },
  { command: 'offlinerepo', base: ['-d'], slot: 'UUID', names: 'SOURCE', exit: 65, place: (v) => [v] },
  { command: 'hb-create', base: [], slot: 'PATH', exit: 65, place: (v) => [v] },
  { command: 'hb-create', base: [], slot: '--size', exit: 65 },
  { command: 'hb-create', base: [], slot: '--slots', exit: 65 },
  { command: 'hb-create', base: [], slot: '--label', exit: 65, accepts: NAME_LIKE },
  { command: 'hb-create', base: [], slot: '--block-size', exit: 65 },
  { command: 'hb-create', base: [], slot: '--cluster-size', exit: 65 },
  { command: 'format', base: [], slot: 'DEVICE', exit: 65, place: (v) => [v] },
  { command: 'format', base: ['/dev/sdb'], slot: '--label', exit: 65, accepts: NAME_LIKE },
  { command: 'format', base: ['/dev/sdb'], slot: '--slots', exit: 65 },
  { command: 'format', base: ['/dev/sdb'], slot: '--block-size', exit: 65 },
  { command: 'format', base: ['/dev/sdb'], slot: '--cluster-size', exit: 65 },
  { command: 'format', base: ['/dev/sdb'], slot: '--journal-size', exit: 65 },
  { command: 'iscsi-prep', base: [], slot: '--portal', exit: 65 },
  { command: 'iscsi-prep', base: ['--portal', '10.0.0.1'], slot: '--keep', exit: 65 },
  { command: 'iscsi-prep', base: ['--portal', '10.0.0.1'], slot: '--wait', exit: 65 },
  { command: 'iscsi-prep', base: ['--portal', '10.0.0.1'], slot: '--timeout', exit: 65 },
  { command: 'repositories', base: [], slot: 'ACTION', names: 'action', exit: 64, place: (v) => [v] },
  { command: 'services', base: [], slot: 'ACTION', names: 'action', exit: 64, place: (v) => [v] },
  { command: 'services', base: ['stop'], slot: '--kill-heartbeat', exit: 65 },
  { command: 'cluster-check', base: [], slot: '--root', exit: 66, exits: { empty: 64 } },
  { command: 'cluster-check', base: [], slot: '--lock-timeout', exit: 64, accepts: ['overflow', 'fraction'] },
];

function argvOf(s: Slot, v: string): string[] {
  if (s.slot === '--root' || s.slot === '--lock-timeout') return [s.slot, v, s.command, ...s.base];
  if (s.place) return [s.command, ...s.base, ...s.place(v)];
  return [s.command, ...s.base, `${s.slot}=${v}`];
}

export function argumentCases(): ArgumentCase[] {
  const out: ArgumentCase[] = [];
  for (const s of SLOTS) {
    for (const kind of KINDS) {
      if (s.accepts?.includes(kind)) continue;
      out.push({
        title: `${s.command} ${s.base.join(' ')} ${s.slot} ${kind}`.replace(/ +/g, ' '),
        command: s.command,
        argv: argvOf(s, VALUES[kind]),
        exit: s.exits?.[kind] ?? s.exit,
        names: s.names ?? s.slot,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- files

/** A managed file, a command that reads it, and the exit when it cannot be read (72: a system file). */
export interface ManagedFile {
  path: string;
  command: string[];
}

/** Each managed file with a command that must read it (cluster-configure needs hosts and hostname under --root). */
export const MANAGED: ManagedFile[] = [
  { path: '/etc/ocfs2/cluster.conf', command: ['cluster-configure', '--add-node', 'ovs1.example.com=192.168.1.11'] },
  { path: '/etc/sysconfig/o2cb', command: ['cluster-configure', '--add-node', 'ovs1.example.com=192.168.1.11'] },
  { path: '/etc/hosts', command: ['cluster-configure', '--add-node', 'ovs2.example.com'] }, // a new node: its address comes from /etc/hosts
  { path: '/etc/hostname', command: ['cluster-configure', '--add-node', 'ovs1.example.com=192.168.1.11'] },
  { path: '/etc/fstab', command: ['cluster-check', '--alter-fstab'] },
  { path: '/etc/ovs/repositories', command: ['cluster-check', '--alter-fstab'] },
  { path: '/etc/ovs/repositories', command: ['offlinerepo', '-d', 'nas:/data'] },
  { path: '/etc/ovs/repositories.options', command: ['cluster-check', '--alter-fstab'] },
];

/** Shapes a managed file can be in that no reader may crash or hang on. */
export const SHAPES = ['directory', 'fifo', 'socket', 'char device', 'symlink loop', 'too large'] as const;
export type Shape = (typeof SHAPES)[number];

/** The words of the message for each shape. */
export const SHAPE_WORDS: Record<Shape, RegExp> = {
  directory: /is a directory/,
  fifo: /is a FIFO or a socket, not a regular file/,
  socket: /is a FIFO or a socket, not a regular file/,
  'char device': /is a character device, not a regular file/,
  'symlink loop': /too many levels of symbolic links/,
  'too large': /is larger than \d+ MiB, the limit for this file/,
};

// ---------------------------------------------------------------- bundles

export interface BundleCase {
  title: string;
  /** The file to import: written to a scratch path; or a path given as it is. */
  content?: Buffer | string;
  path?: string;
  exit: number;
  words: RegExp;
}

export function bundleCases(valid: string): BundleCase[] {
  const lines = valid.split('\n');
  return [
    { title: 'an empty file', content: '', exit: 65, words: /the bundle: / },
    { title: 'random bytes', content: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 255)), exit: 65, words: /the bundle: / },
    { title: 'Latin-1 bytes in the header', content: Buffer.from(`\xe9${valid}`, 'latin1'), exit: 65, words: /the bundle: / },
    { title: 'the header only', content: `${lines[0]}\n`, exit: 65, words: /the bundle: / },
    { title: 'truncated in the middle', content: valid.slice(0, Math.floor(valid.length / 2)), exit: 65, words: /the bundle: / },
    { title: 'a checksum that does not match', content: valid.replace(/node_count = 1/, 'node_count = 2'), exit: 65, words: /the bundle: / },
    { title: 'CRLF line ends', content: valid.replace(/\n/g, '\r\n'), exit: 65, words: /the bundle/ },
    { title: 'NUL bytes', content: valid.replace('cluster', 'clu\x00ster'), exit: 65, words: /the bundle/ },
    { title: 'escape sequences', content: `\x1b[2J\x1b[31m${valid}`, exit: 65, words: /the bundle: / },
    { title: 'a 10 MB file', content: Buffer.alloc(10 * 1024 * 1024, 0x61), exit: 65, words: /is larger than 4 MiB/ },
    { title: 'a version from the future', content: valid.replace(/^(# ovs cluster bundle v)\d+/, '$1999'), exit: 65, words: /the bundle: / },
    { title: 'missing', path: '/nonexistent/bundle', exit: 66, words: /no such file/ },
    { title: '/dev/zero', path: '/dev/zero', exit: 66, words: /is a character device, not a regular file/ },
    { title: '/dev/null', path: '/dev/null', exit: 66, words: /is a character device, not a regular file/ },
    { title: '/proc/self/mem', path: '/proc/self/mem', exit: 74, words: /input\/output error/ },
    { title: 'a directory', path: '/proc', exit: 66, words: /is a directory/ },
    { title: 'a 10 kB path', path: `/${'p'.repeat(10_000)}`, exit: 66, words: /file name too long/ },
    { title: 'a path with a NUL byte', path: '/tmp/a\x00b', exit: 66, words: /cannot hold a NUL byte/ },
    { title: 'a path with escape sequences', path: '/tmp/\x1b[31mnope\n', exit: 66, words: /no such file/ },
  ];
}

/** Malformed content in a managed file: refused with the line, the bytes escaped. */
export interface ContentCase {
  title: string;
  path: string;
  command: string[];
  content: Buffer;
  /** Other files of the image replaced too, so the case meets the rule it is about first. */
  also?: Record<string, Buffer>;
  exit: number;
  words: RegExp;
}

const CONFIGURE = ['cluster-configure', '--add-node', 'ovs1.example.com=192.168.1.11'];
const ALTER = ['cluster-check', '--alter-fstab'];
const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 255));
const latin1Name = Buffer.from('cluster:\n\tname = \xe9\xe9\n\tnode_count = 0\n', 'latin1');

export const CONTENT_CASES: ContentCase[] = [
  // One wording for a bad line (format-error.ts inFile): `<path> line N: <reason>`. The noise's
  // first byte is a CR, so line 1 is where o2cb's parser stops.
  { title: 'cluster.conf of random bytes', path: '/etc/ocfs2/cluster.conf', command: CONFIGURE, content: noise, exit: 72, words: /^ovs: cluster-configure: \/etc\/ocfs2\/cluster\.conf line 1: / },
  { title: 'cluster.conf with a NUL in a name', path: '/etc/ocfs2/cluster.conf', command: CONFIGURE, content: Buffer.from('cluster:\n\tname = oc\0fs2\n'), exit: 72, words: /cluster "oc\\x00fs2" lacks "node_count"/ },
  // The name rule: O2CB_BOOTCLUSTER names that cluster, so the pool-cluster rule (boot-cluster.ts)
  // picks it and the name itself is what is wrong (65, ovs-cluster-configure(8) EXIT STATUS).
  {
    title: 'cluster.conf with a Latin-1 cluster name',
    path: '/etc/ocfs2/cluster.conf',
    command: CONFIGURE,
    content: latin1Name,
    also: { '/etc/sysconfig/o2cb': Buffer.from('O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=\xe9\xe9\n', 'latin1') },
    exit: 65,
    words: /cluster name "\\xe9\\xe9" must be 1–16 letters or digits/,
  },
  // The image's O2CB_BOOTCLUSTER=ocfs2 names a cluster the file lacks: O2CB would start none,
  // which is said first (78, ovs-cluster-configure(8)), the other name escaped.
  { title: 'cluster.conf with a Latin-1 cluster name O2CB does not start', path: '/etc/ocfs2/cluster.conf', command: CONFIGURE, content: latin1Name, exit: 78, words: /O2CB_BOOTCLUSTER is 'ocfs2' but cluster\.conf defines only '\\xe9\\xe9': O2CB would start no cluster/ },
  { title: 'cluster.conf with a 20 kB name', path: '/etc/ocfs2/cluster.conf', command: CONFIGURE, content: Buffer.from(`cluster:\n\tname = ${'a'.repeat(20_000)}\n`), exit: 72, words: /cluster "a{64}…" lacks "node_count"/ },
  { title: 'repositories of random bytes', path: '/etc/ovs/repositories', command: ALTER, content: noise, exit: 72, words: /\/etc\/ovs\/repositories line \d+: / },
  { title: 'repositories with a NUL in a source', path: '/etc/ovs/repositories', command: ALTER, content: Buffer.from('F4135C096045458195057412169071E5  nfs    S     nas:/da\0ta  d\n'), exit: 72, words: /the source "nas:\/da\\x00ta" contains a blank or a control character/ },
];
