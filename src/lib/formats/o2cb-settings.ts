/**
 * The O2CB settings file: `/etc/sysconfig/o2cb` (RHEL, Oracle VM) or `/etc/default/o2cb`
 * (Debian), shell `KEY=value` lines sourced by `/etc/init.d/o2cb` (o2cb.sysconfig(5),
 * docs/tools.md, ovs-cluster-configure(8)).
 *
 * The file belongs to the operator and to ocfs2-tools, so ovs edits it in place: every
 * comment, blank and unknown line stays byte-identical, only the lines of the keys being
 * set change, and a quoted value stays quoted the same way. Pure: no I/O.
 */

export const O2CB_KEYS = [
  'O2CB_ENABLED',
  'O2CB_STACK',
  'O2CB_BOOTCLUSTER',
  'O2CB_HEARTBEAT_THRESHOLD',
  'O2CB_IDLE_TIMEOUT_MS',
  'O2CB_KEEPALIVE_DELAY_MS',
  'O2CB_RECONNECT_DELAY_MS',
] as const;
export type O2cbKey = (typeof O2CB_KEYS)[number];
export type O2cbValues = Partial<Record<O2cbKey, string>>;

export const isO2cbKey = (key: string): key is O2cbKey => (O2CB_KEYS as readonly string[]).includes(key);

/** What ovs writes when told nothing else (the kernel's defaults; ovs-cluster-configure(8)). */
export const O2CB_DEFAULTS: Readonly<Record<O2cbKey, string>> = {
  O2CB_ENABLED: 'true',
  O2CB_STACK: 'o2cb',
  O2CB_BOOTCLUSTER: 'ocfs2',
  O2CB_HEARTBEAT_THRESHOLD: '31',
  O2CB_IDLE_TIMEOUT_MS: '30000',
  O2CB_KEEPALIVE_DELAY_MS: '2000',
  O2CB_RECONNECT_DELAY_MS: '2000',
};

/** The init script's MIN_* values: it refuses anything lower in `configure`. */
export const O2CB_MINIMUMS = {
  O2CB_HEARTBEAT_THRESHOLD: 7,
  O2CB_IDLE_TIMEOUT_MS: 5000,
  O2CB_KEEPALIVE_DELAY_MS: 1000,
  O2CB_RECONNECT_DELAY_MS: 2000,
} as const;

/** The one-line comments of the Debian template (O2CB_STACK's from the RHEL one). */
const COMMENTS: Record<O2cbKey, string> = {
  O2CB_ENABLED: "# O2CB_ENABLED: 'true' means to load the driver on boot.",
  O2CB_STACK: '# O2CB_STACK: The name of the cluster stack backing O2CB.',
  O2CB_BOOTCLUSTER: '# O2CB_BOOTCLUSTER: If not empty, the name of a cluster to start.',
  O2CB_HEARTBEAT_THRESHOLD: '# O2CB_HEARTBEAT_THRESHOLD: Iterations before a node is considered dead.',
  O2CB_IDLE_TIMEOUT_MS: '# O2CB_IDLE_TIMEOUT_MS: Time in ms before a network connection is considered dead.',
  O2CB_KEEPALIVE_DELAY_MS: '# O2CB_KEEPALIVE_DELAY_MS: Max. time in ms before a keepalive packet is sent.',
  O2CB_RECONNECT_DELAY_MS: '# O2CB_RECONNECT_DELAY_MS: Min. time in ms between connection attempts.',
};

/** threshold = timeout_seconds / 2 + 1 (o2cb.sysconfig(5)). */
export function heartbeatThresholdFor(timeoutSeconds: number): number {
  return Math.floor(timeoutSeconds / 2) + 1;
}

// ---------------------------------------------------------------------------------------
// One assignment line: [blanks][export ]KEY=VALUE[rest]. VALUE is a quoted string or a run
// of non-blank characters; `rest` (a trailing comment, a CR) is kept as it is.

interface Assignment {
  key: string;
  /** Everything before the value, `KEY=` included. */
  head: string;
  raw: string;
  quote: '' | '"' | "'";
  rest: string;
}

// [\s\S] and not `.`: a CR (CRLF file) must stay inside the line, and `.` stops at it.
const ASSIGNMENT = /^([ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=)([\s\S]*)$/;

function readAssignment(line: string): Assignment | undefined {
  const m = ASSIGNMENT.exec(line);
  if (!m) return undefined;
  const [, head = '', key = '', tail = ''] = m;
  const q = tail[0];
  if (q === '"' || q === "'") {
    const close = tail.indexOf(q, 1);
    // An unclosed quote: keep the text as it is rather than guess.
    if (close > 0) return { key, head, raw: tail.slice(0, close + 1), quote: q, rest: tail.slice(close + 1) };
  }
  const end = tail.search(/[ \t\r]/);
  const raw = end < 0 ? tail : tail.slice(0, end);
  return { key, head, raw, quote: '', rest: tail.slice(raw.length) };
}

const unquoted = (a: Assignment): string => (a.quote ? a.raw.slice(1, -1) : a.raw);

/** Every `KEY=value` of the file (the last one wins, as when the shell sources it), quotes stripped. */
export function parseO2cbSettings(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const a = readAssignment(line);
    if (a) values[a.key] = unquoted(a);
  }
  return values;
}

/** Values the shell would read back unchanged without quotes. */
const SHELL_SAFE = /^[A-Za-z0-9_.,:/+@%-]*$/;

function render(value: string, quote: Assignment['quote']): string {
  if (quote === "'" && !value.includes("'")) return `'${value}'`;
  if (quote === '"' && !/["\\$`]/.test(value)) return `"${value}"`;
  if (SHELL_SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Sets `values` in the file text: the lines of those keys get the new value (in the quote
 * style the operator used), every other line stays byte-identical, and keys the file lacks
 * are appended at the end, each under its usual one-line comment.
 */
export function editO2cbSettings(text: string, values: O2cbValues): string {
  const seen = new Set<string>();
  const lines = text.split('\n').map((line) => {
    const a = readAssignment(line);
    const value = a && isO2cbKey(a.key) ? values[a.key] : undefined;
    if (!a || value === undefined) return line;
    seen.add(a.key);
    return a.head + render(value, a.quote) + a.rest;
  });
  let out = lines.join('\n');
  for (const key of O2CB_KEYS) {
    const value = values[key];
    if (value === undefined || seen.has(key)) continue;
    if (out !== '' && !out.endsWith('\n')) out += '\n';
    if (out !== '' && !out.endsWith('\n\n')) out += '\n';
    out += `${COMMENTS[key]}\n${key}=${render(value, '')}\n\n`;
  }
  return out;
}

/**
 * A new settings file: the template `/etc/init.d/o2cb configure` writes (docs/tools.md),
 * but with every value filled in (the init script leaves unanswered timeouts empty).
 */
export function newO2cbSettingsFile(values: O2cbValues = {}): string {
  const v = { ...O2CB_DEFAULTS, ...values };
  return [
    '#',
    '# This is a configuration file for automatic startup of the O2CB',
    '# driver.  It is generated by running /etc/init.d/o2cb configure.',
    '# On Debian based systems the preferred method is running',
    "# 'dpkg-reconfigure ocfs2-tools'.",
    '#',
    '',
    "# O2CB_ENABLED: 'true' means to load the driver on boot.",
    `O2CB_ENABLED=${render(v.O2CB_ENABLED, '')}`,
    '',
    '# O2CB_STACK: The name of the cluster stack backing O2CB.',
    `O2CB_STACK=${render(v.O2CB_STACK, '')}`,
    '',
    '# O2CB_BOOTCLUSTER: If not empty, the name of a cluster to start.',
    `O2CB_BOOTCLUSTER=${render(v.O2CB_BOOTCLUSTER, '')}`,
    '',
    '# O2CB_HEARTBEAT_THRESHOLD: Iterations before a node is considered dead.',
    `O2CB_HEARTBEAT_THRESHOLD=${render(v.O2CB_HEARTBEAT_THRESHOLD, '')}`,
    '',
    '# O2CB_IDLE_TIMEOUT_MS: Time in ms before a network connection is considered dead.',
    `O2CB_IDLE_TIMEOUT_MS=${render(v.O2CB_IDLE_TIMEOUT_MS, '')}`,
    '',
    '# O2CB_KEEPALIVE_DELAY_MS: Max time in ms before a keepalive packet is sent',
    `O2CB_KEEPALIVE_DELAY_MS=${render(v.O2CB_KEEPALIVE_DELAY_MS, '')}`,
    '',
    '# O2CB_RECONNECT_DELAY_MS: Min time in ms between connection attempts',
    `O2CB_RECONNECT_DELAY_MS=${render(v.O2CB_RECONNECT_DELAY_MS, '')}`,
    '',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------

export interface SettingsProblem {
  key: O2cbKey;
  message: string;
}

/**
 * The values in force: an absent or empty key means the default (the init script only
 * writes a timeout to the kernel when it is non-empty, and defaults O2CB_STACK to o2cb).
 * O2CB_ENABLED and O2CB_BOOTCLUSTER are the exception: empty there means false / none.
 */
export function effectiveO2cbSettings(values: Record<string, string | undefined>): Record<O2cbKey, string> {
  const out = { ...O2CB_DEFAULTS };
  for (const key of O2CB_KEYS) {
    const v = values[key];
    if (v !== undefined && (v !== '' || key === 'O2CB_ENABLED' || key === 'O2CB_BOOTCLUSTER')) out[key] = v;
  }
  if (out.O2CB_ENABLED === '') out.O2CB_ENABLED = 'false';
  return out;
}

function timeoutProblem(key: keyof typeof O2CB_MINIMUMS, v: string): string | undefined {
  if (!/^\d{1,9}$/.test(v)) return `${key}=${v} is not a whole number`;
  const min = O2CB_MINIMUMS[key];
  return Number(v) < min ? `${key}=${v} is below the minimum of ${min}` : undefined;
}

function keyProblem(key: O2cbKey, v: string): string | undefined {
  switch (key) {
    case 'O2CB_ENABLED':
      return v === 'true' || v === 'false' ? undefined : `O2CB_ENABLED=${v} must be true or false`;
    case 'O2CB_STACK':
      // The init script accepts any four characters (o2cb, pcmk, cman).
      return v.length === 4 ? undefined : `O2CB_STACK=${v} must be a four-character stack name such as o2cb`;
    case 'O2CB_BOOTCLUSTER':
      return /^[A-Za-z0-9]{0,16}$/.test(v) ? undefined : `O2CB_BOOTCLUSTER=${v} must be a cluster name: up to 16 letters or digits`;
    default:
      return timeoutProblem(key, v);
  }
}

/** Checks the O2CB keys present (absent or empty ones fall back to the defaults). */
export function validateO2cbSettings(values: Record<string, string | undefined>): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  for (const key of O2CB_KEYS) {
    const v = values[key];
    if (v === undefined || v === '') continue;
    const message = keyProblem(key, v);
    if (message) problems.push({ key, message });
  }
  return problems;
}

export const SYSCONFIG_O2CB = '/etc/sysconfig/o2cb';
export const DEFAULT_O2CB = '/etc/default/o2cb';

/**
 * Which settings file `/etc/init.d/o2cb` reads: the sysconfig file if it exists, else the
 * Debian default file if it exists, else sysconfig when /etc/sysconfig is a directory,
 * else the Debian one (docs/tools.md). `exists` answers for files and directories.
 */
export function o2cbSettingsPath(exists: (path: string) => boolean): string {
  if (exists(SYSCONFIG_O2CB)) return SYSCONFIG_O2CB;
  if (exists(DEFAULT_O2CB)) return DEFAULT_O2CB;
  return exists('/etc/sysconfig') ? SYSCONFIG_O2CB : DEFAULT_O2CB;
}
