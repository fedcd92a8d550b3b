/**
 * Loading the CLI bundle (one CommonJS file) through vm.Script with a V8 code cache: the
 * first run compiles the bundle and, once the command is done, writes the compiled code
 * beside the package (or under the user's cache directory); later runs skip most of the
 * parsing and compiling. Start-up is a measured target (README, Performance).
 *
 * V8 checks only its own version, its flags and the source's LENGTH before using a cache,
 * so ours is keyed, in the file's header, by everything else that must match: the node
 * version, arch, node options (execArgv and NODE_OPTIONS) and the bundle's content hash.
 * Hashing the bundle needs node:crypto, which costs more to load than the cache saves, so
 * the header also records the bundle file's identity (device, inode, size, mtime, ctime —
 * ctime cannot be set back by a program): while that identity holds, the recorded hash is
 * trusted; when it does not, the bundle is hashed and the cache used only if the hash
 * still matches. Any doubt — another node's cache, a truncated or foreign file, a cache V8
 * rejects — means a normal compile, silently, and a fresh cache written after the run.
 * A cache is code: one owned by another user, or writable by others, is never read.
 */
import { closeSync, fchmodSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { processAlive } from './pid.js';

const MAGIC = 'ovs-v8-cache 1 ';
/**
 * The CommonJS wrapper, on the bundle's first line so its line numbers stay true in stack
 * traces. The build writes dist/cli.cjs already wrapped (scripts/build.mjs, banner and
 * footer): wrapping it here would copy the half-megabyte source into a second string.
 */
export const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) {';
export const WRAP_TAIL = '\n})';

/** The bundle as one function expression: as written, when the build wrapped it already. */
function wrapped(source: string): string {
  return source.startsWith(WRAP_HEAD) ? source : WRAP_HEAD + source + WRAP_TAIL;
}

interface Header {
  node: string;
  arch: string;
  options: string;
  bundle: string;
  identity: string;
  length: number;
  /** How many runs have written their compiled code into it (up to WARM_RUNS). */
  runs?: number;
}

/**
 * A cache is written again by the first runs that use it, each adding what it compiled that
 * the cache lacked (V8 serialises every function the run has compiled, those it read from
 * the cache included): runs of one command differ (a new cluster.conf, an existing one).
 */
const WARM_RUNS = 3;

export interface CacheEnv {
  /** The directory for user caches: $XDG_CACHE_HOME/ovs or ~/.cache/ovs (undefined: none). */
  userDir?: string;
  /**
   * What the run does (e.g. `cluster-configure.dry-run`): each kind has its own cache, holding
   * the code that kind of run runs and not the rest of the CLI (less to read and deserialise).
   */
  kind?: string;
  node?: string;
  options?: string;
}

export interface LoadedBundle {
  exports: Record<string, unknown>;
  /** How the cache was used: 'used', or why it was not (a test and OVS_PHASES read this). */
  cache: 'used' | 'none' | 'stale' | 'rejected';
  /** Write the compiled code for the next run when this run could not use a cache, or is one of its first runs (after the work). */
  save(): string | undefined;
}

/** Where a user's cache goes: XDG_CACHE_HOME, else ~/.cache, else nowhere. */
export function userCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const base = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : env.HOME?.startsWith('/') ? join(env.HOME, '.cache') : undefined;
  return base === undefined ? undefined : join(base, 'ovs');
}

/**
 * Which code cache a run uses: its command (the first word of argv that names one; `help`
 * counts) and whether it is a dry run. A value that happens to equal a command name only
 * picks another cache: any cache gives the same result, only the speed differs.
 */
export function cacheKind(argv: readonly string[], commands: readonly string[]): string {
  const command = argv.find((a) => a === 'help' || commands.includes(a)) ?? 'none';
  return argv.includes('--dry-run') || argv.includes('-n') ? `${command}.dry-run` : command;
}

/** The cache files to look at, in order: beside the package, then the user's (named after the bundle's path). */
export function cachePaths(bundle: string, userDir: string | undefined, kind?: string): string[] {
  const suffix = kind === undefined ? '.v8cache' : `.${kind.replace(/[^a-z0-9.-]/gi, '_').slice(0, 64)}.v8cache`;
  const mine = userDir === undefined ? [] : [join(userDir, `${encodeURIComponent(bundle).slice(-200)}${suffix}`)];
  return [`${bundle}${suffix}`, ...mine];
}

function identityOf(fd: number): { identity: string; size: number } {
  const s = fstatSync(fd, { bigint: true });
  return { identity: `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`, size: Number(s.size) };
}

function contentHash(bundle: string, source: string): string {
  // Loaded only when a cache is written or the bundle's identity changed (about 20 ms).
  const { createHash } = createRequire(bundle)('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(source).digest('hex');
}

/**
 * One buffer for the bundle's bytes, then the cache's: each fresh page costs a page fault
 * (about 10 µs on a virtual machine, measured), and the bundle's half megabyte is no longer
 * needed once it is a string. The cache's bytes must stay until the Script is compiled.
 */
let shared: Buffer | undefined;

/** The whole of the open file `fd` (of about `size` bytes), in the shared buffer. */
export function readWhole(fd: number, size: number): Buffer {
  if (shared === undefined || shared.length < size + 1) shared = Buffer.allocUnsafe(size + 1);
  let n = 0;
  for (let got = -1; got !== 0 && n < shared.length; n += got) got = readSync(fd, shared, n, shared.length - n, n);
  // One byte more than it had: the file grew while being read; read it all afresh.
  return n <= size ? shared.subarray(0, n) : readFileSync(fd);
}

/** A cache file whose header and length are sound, or undefined; never throws. */
function readCache(path: string): { header: Header; data: Buffer } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const s = fstatSync(fd);
    const euid = process.geteuid?.() ?? 0;
    if (!s.isFile() || (s.uid !== euid && s.uid !== 0) || (s.mode & 0o022) !== 0) return undefined;
    const bytes = readWhole(fd, s.size);
    const eol = bytes.indexOf(10);
    if (eol < 0 || bytes.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) return undefined;
    const header = JSON.parse(bytes.subarray(MAGIC.length, eol).toString('utf8')) as Header;
    const data = bytes.subarray(eol + 1);
    return data.length === header.length ? { header, data } : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Temporary caches of runs killed while writing (`<cache>.tmp-<pid>`, their pid gone): removed
 * by the next run that writes the cache, so a package directory does not collect them.
 */
function removeLeftovers(path: string): void {
  const prefix = `${basename(path)}.tmp-`;
  for (const name of readdirSync(dirname(path))) {
    const pid = name.startsWith(prefix) ? Number(name.slice(prefix.length)) : NaN;
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    try {
      unlinkSync(join(dirname(path), name));
    } catch {
      /* another run removed it first */
    }
  }
}

/** Atomically (temporary file, then rename): a reader never sees half a cache. */
function writeCache(path: string, header: Header, data: Buffer): boolean {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeFileSync(fd, Buffer.concat([Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`), data]));
      fchmodSync(fd, 0o644); // whatever the umask: a group-writable cache would never be read
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    removeLeftovers(path);
    return true;
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    return false;
  }
}

/** What must match besides the bundle: the node that runs it and its options. */
function runtimeKey(env: CacheEnv): Pick<Header, 'node' | 'arch' | 'options'> {
  return { node: env.node ?? process.version, arch: `${process.platform}-${process.arch}`, options: env.options ?? JSON.stringify([process.execArgv, process.env.NODE_OPTIONS ?? '']) };
}

/** The first cache that fits this node and this bundle. */
function findCache(bundle: string, paths: string[], key: ReturnType<typeof runtimeKey>, identity: string, source: string) {
  let hash: string | undefined;
  for (const path of paths) {
    const c = readCache(path);
    if (!c || c.header.node !== key.node || c.header.arch !== key.arch || c.header.options !== key.options) continue;
    if (c.header.identity === identity) return { ...c, path, hash: c.header.bundle };
    hash ??= contentHash(bundle, source);
    if (c.header.bundle === hash) return { ...c, path, hash, moved: true };
  }
  return hash === undefined ? undefined : { hash };
}

/** Load (and run the top level of) the CommonJS bundle at `bundle`, with a code cache where one fits. */
export function loadBundle(bundle: string, env: CacheEnv = {}): LoadedBundle {
  const fd = openSync(bundle, 'r');
  let source: string;
  let identity: string;
  try {
    const stat = identityOf(fd);
    identity = stat.identity;
    source = readWhole(fd, stat.size).toString('utf8');
  } finally {
    closeSync(fd);
  }
  const key = runtimeKey(env);
  const paths = cachePaths(bundle, env.userDir, env.kind);
  const found = findCache(bundle, paths, key, identity, source);
  const data = found && 'data' in found ? found.data : undefined;
  const script = new Script(wrapped(source), { filename: bundle, cachedData: data });
  const rejected = data !== undefined && script.cachedDataRejected === true;
  const cache: LoadedBundle['cache'] = data === undefined ? (found ? 'stale' : 'none') : rejected ? 'rejected' : 'used';
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...a: unknown[]) => void)(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const moved = found !== undefined && 'moved' in found;
  const runs = cache === 'used' && found && 'header' in found ? (found.header.runs ?? WARM_RUNS) : 0;
  return {
    exports: module.exports,
    cache,
    save() {
      if (cache === 'used' && !moved && runs >= WARM_RUNS) return undefined;
      const code = script.createCachedData();
      const header: Header = { ...key, bundle: found?.hash ?? contentHash(bundle, source), identity, length: code.length, runs: runs + 1 };
      // Back where it was read from (a user's cache stays theirs), else the first writable place.
      const read = cache === 'used' && found && 'path' in found ? [found.path] : [];
      return [...read, ...paths].find((p) => writeCache(p, header, code));
    },
  };
}
