/**
 * The CLI bundle's code cache (src/lib/machine/code-cache.ts), with real V8 caches on real files:
 * used when everything matches, and every doubt (another node's cache, a cache V8 rejects,
 * a truncated or foreign file, a bundle changed after the cache was written) a normal
 * compile with the right result, silently, and a fresh cache for the next run.
 * Each load runs in a fresh node, as ovs does: within one process V8 answers a second
 * compile of the same source from its own in-memory cache and never looks at ours.
 */
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSync } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cacheKind, cachePaths, readWhole, userCacheDir, WRAP_HEAD, WRAP_TAIL, type CacheEnv } from '../../src/lib/machine/code-cache.js';
import { scratchDir } from '../helpers/sandbox.js';

// Enough functions that the cache holds real compiled code, one of which throws on line 3.
const SOURCE = (answer: number) =>
  [
    `'use strict';`,
    `exports.answer = () => ${answer};`,
    `exports.fail = () => { throw new Error('internal bug'); };`,
    ...Array.from({ length: 50 }, (_, i) => `exports.f${i} = (x) => [x, ${i}].map((y) => y * 2).join(',');`),
    `for (let i = 0; i < 50; i++) exports['f' + i](i);`,
  ].join('\n');

// The loader as the launcher uses it (CommonJS), driven from a fresh node per load.
let driverDir: { path: string; remove: () => void };
let driver: string;
beforeAll(() => {
  driverDir = scratchDir('code-cache-driver');
  buildSync({ entryPoints: ['src/lib/machine/code-cache.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: join(driverDir.path, 'code-cache.cjs'), logLevel: 'error' });
  driver = join(driverDir.path, 'driver.cjs');
  writeFileSync(
    driver,
    `const { loadBundle } = require('./code-cache.cjs');
const b = loadBundle(process.argv[2], JSON.parse(process.argv[3]));
let stack; try { b.exports.fail(); } catch (e) { stack = e.stack; }
const out = { cache: b.cache, answer: b.exports.answer(), stack };
out.saved = process.argv[4] === 'save' ? b.save() : null;
process.stdout.write(JSON.stringify(out));`,
  );
});
afterAll(() => driverDir.remove());

interface Loaded {
  cache: string;
  answer: number;
  stack: string;
  saved: string | null | undefined;
}

/** One run: load the bundle in a fresh node (and save the cache after, as the launcher does). */
function load(env: CacheEnv = {}, save = true): Loaded {
  const r = spawnSync(process.execPath, [driver, bundle, JSON.stringify(env), save ? 'save' : ''], { encoding: 'utf8' });
  expect(r.stderr).toBe(''); // every fallback is silent
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Loaded;
}

let dir: { path: string; remove: () => void };
let bundle: string;
let cache: string;
beforeEach(() => {
  dir = scratchDir('code-cache');
  bundle = join(dir.path, 'cli.cjs');
  cache = `${bundle}.v8cache`;
  writeFileSync(bundle, SOURCE(42));
});
afterEach(() => dir.remove());


/** The cache file's header (JSON after the magic) and its V8 data. */
function parts(path: string): { header: Record<string, unknown>; data: Buffer; raw: Buffer } {
  const raw = readFileSync(path);
  const eol = raw.indexOf(10);
  return { header: JSON.parse(raw.subarray('ovs-v8-cache 1 '.length, eol).toString()), data: raw.subarray(eol + 1), raw };
}

function rewrite(path: string, header: Record<string, unknown>, data: Buffer): void {
  writeFileSync(path, Buffer.concat([Buffer.from(`ovs-v8-cache 1 ${JSON.stringify(header)}\n`), data]), { mode: 0o644 });
}

const seen = (l: Loaded) => [l.cache, l.answer];

describe('code cache', () => {
  it('the first run compiles and writes the cache beside the bundle; the next run uses it', () => {
    const first = load();
    expect([...seen(first), first.saved]).toEqual(['none', 42, cache]);
    const { header, data } = parts(cache);
    expect(header).toMatchObject({ node: process.version, arch: `${process.platform}-${process.arch}`, length: data.length });
    expect(header.bundle).toMatch(/^[0-9a-f]{64}$/);
    expect((statSync(cache).mode & 0o777).toString(8)).toBe('644');
    // The next two runs use it and write it again (each adds what it compiled), then it is left alone.
    for (const runs of [2, 3]) {
      const next = load();
      expect([...seen(next), next.saved, parts(cache).header.runs]).toEqual(['used', 42, cache, runs]);
    }
    const fourth = load();
    expect([...seen(fourth), fourth.saved, parts(cache).header.runs]).toEqual(['used', 42, undefined, 3]);
  });

  it('a warm-up run adds the code its path compiled that the cache lacked', () => {
    // The first run takes one branch; the second the other, which the first never compiled.
    writeFileSync(bundle, `${SOURCE(42)}\nexports.other = (x) => [x].map((y) => y + 1);\nif (process.env.OTHER) exports.other(1);`);
    load();
    const small = parts(cache).data.length;
    const r = spawnSync(process.execPath, [driver, bundle, '{}', 'save'], { encoding: 'utf8', env: { ...process.env, OTHER: '1' } });
    expect(JSON.parse(r.stdout)).toMatchObject({ cache: 'used', saved: cache });
    expect(parts(cache).data.length).toBeGreaterThan(small);
  });

  it('a cache written before warm-up runs were counted is used as it is, never written again', () => {
    load();
    const { header, data } = parts(cache);
    delete header.runs;
    rewrite(cache, header, data);
    expect(load().saved).toBeUndefined();
  });

  it('each kind of run (command, dry run) has its own cache file, beside the bundle and under the user cache', () => {
    expect(cachePaths('/opt/ovs/dist/cli.cjs', '/home/u/.cache/ovs', 'cluster-configure.dry-run')).toEqual([
      '/opt/ovs/dist/cli.cjs.cluster-configure.dry-run.v8cache',
      `/home/u/.cache/ovs/${encodeURIComponent('/opt/ovs/dist/cli.cjs')}.cluster-configure.dry-run.v8cache`,
    ]);
    expect(cachePaths('/b/cli.cjs', undefined, '../x y')[0]).toBe('/b/cli.cjs..._x_y.v8cache');
    expect(load({ kind: 'status' }).saved).toBe(`${bundle}.status.v8cache`);
    expect(load({ kind: 'status' }).cache).toBe('used');
    expect(load({ kind: 'history' }).cache).toBe('none');
  });

  it('the kind of a run: its command word (help counts), and .dry-run for -n or --dry-run', () => {
    const names = ['cluster-configure', 'status'];
    expect(cacheKind(['--root', '/mnt/x', '-n', 'cluster-configure', '--node', 'a'], names)).toBe('cluster-configure.dry-run');
    expect(cacheKind(['--json', 'status'], names)).toBe('status');
    expect(cacheKind(['help', 'status'], names)).toBe('help');
    expect(cacheKind(['--bogus'], names)).toBe('none');
  });

  it('temporary caches of runs killed while writing are removed by the next write; a live writer\'s is left alone', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid; // exited: its pid is free
    writeFileSync(`${cache}.tmp-${gone}`, 'half a cache');
    writeFileSync(`${cache}.tmp-${process.pid}`, 'a cache being written'); // this test's own process runs
    expect(load().saved).toBe(cache);
    expect(readdirSync(dir.path).sort()).toEqual(['cli.cjs', 'cli.cjs.v8cache', `cli.cjs.v8cache.tmp-${process.pid}`]);
  });

  it("another node version's cache is not used: a normal compile, then a cache for this node", () => {
    load({ node: 'v18.20.4' });
    expect(parts(cache).header.node).toBe('v18.20.4');
    expect([...seen(load()), parts(cache).header.node]).toEqual(['none', 42, process.version]);
    expect(seen(load())).toEqual(['used', 42]);
  });

  it('other node options are another cache too (V8 flags change the code)', () => {
    load({ options: JSON.stringify([['--max-old-space-size=64'], '']) });
    expect(seen(load())).toEqual(['none', 42]);
  });

  it('a cache V8 itself rejects (another V8 version) falls back to a normal compile, then is replaced', () => {
    load();
    const { header, data } = parts(cache);
    const foreign = Buffer.from(data);
    foreign.writeUInt32LE(foreign.readUInt32LE(4) ^ 0xffff, 4); // V8's version hash
    rewrite(cache, header, foreign);
    const b = load();
    expect([...seen(b), b.saved]).toEqual(['rejected', 42, cache]);
    expect(seen(load())).toEqual(['used', 42]);
  });

  it('a truncated cache is not used: cut short, cut short with a header that agrees (V8 refuses it), foreign, empty', () => {
    load();
    const { header, data } = parts(cache);
    truncateSync(cache, statSync(cache).size - 100);
    expect(seen(load({}, false))).toEqual(['none', 42]);
    const cut = data.subarray(0, data.length - 100);
    rewrite(cache, { ...header, length: cut.length }, cut);
    expect(seen(load({}, false))).toEqual(['rejected', 42]);
    writeFileSync(cache, 'not a cache at all');
    expect(seen(load({}, false))).toEqual(['none', 42]);
    writeFileSync(cache, '');
    expect(seen(load())).toEqual(['none', 42]);
    expect(seen(load())).toEqual(['used', 42]);
  });

  it('a bundle changed after the cache was written, to the same length, is compiled afresh (V8 checks only the length)', () => {
    load();
    writeFileSync(bundle, SOURCE(43));
    expect(statSync(bundle).size).toBe(Buffer.byteLength(SOURCE(42)));
    expect(seen(load())).toEqual(['stale', 43]);
    expect(seen(load())).toEqual(['used', 43]);
  });

  it('a bundle rewritten with the same bytes (a reinstall) keeps its cache, recorded anew for the next run', () => {
    load();
    const before = parts(cache).header.identity;
    writeFileSync(bundle, SOURCE(42));
    utimesSync(bundle, new Date(2000, 0, 1), new Date(2000, 0, 1));
    const b = load();
    expect([...seen(b), b.saved]).toEqual(['used', 42, cache]);
    expect(parts(cache).header.identity).not.toBe(before);
    expect(load().saved).toBe(cache); // its third warm-up run
    expect(load().saved).toBeUndefined();
  });

  it('a cache writable by others is never read (a cache is code)', () => {
    load();
    chmodSync(cache, 0o666);
    expect(seen(load())).toEqual(['none', 42]);
  });

  it('beside the bundle unwritable: the user cache directory; neither writable: no cache, same result', () => {
    // Places that cannot be written even by root: a directory where the cache file would go,
    // a user cache directory under a regular file. (Permissions: test/integration/startup.test.ts.)
    mkdirSync(cache);
    const user = join(dir.path, 'user-cache', 'ovs');
    expect(load({ userDir: user }).saved).toBe(cachePaths(bundle, user)[1]);
    expect(seen(load({ userDir: user }))).toEqual(['used', 42]);
    writeFileSync(join(dir.path, 'file'), '');
    const nowhere = load({ userDir: join(dir.path, 'file', 'ovs') });
    expect([...seen(nowhere), nowhere.saved]).toEqual(['none', 42, undefined]);
    expect(readdirSync(dir.path).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it("an internal error's stack trace names the bundle file and the line, with and without the cache", () => {
    expect(load().stack).toContain(`${bundle}:3:`);
    const cached = load();
    expect(cached.cache).toBe('used');
    expect(cached.stack).toContain(`${bundle}:3:`);
  });

  it('a bundle the build wrote already wrapped (as dist/cli.cjs is) is compiled as written: same result, same lines, cached', () => {
    writeFileSync(bundle, `${WRAP_HEAD}${SOURCE(7)}${WRAP_TAIL}\n`);
    const first = load();
    expect([...seen(first), first.saved]).toEqual(['none', 7, cache]);
    expect(first.stack).toContain(`${bundle}:3:`);
    expect(seen(load())).toEqual(['used', 7]);
  });

  it('reads a whole file into one reused buffer, also when it grew or shrank since its size was taken', () => {
    const file = join(dir.path, 'bytes');
    writeFileSync(file, Buffer.alloc(100, 7));
    const fd = openSync(file, 'r');
    try {
      const exact = readWhole(fd, 100);
      expect([exact.length, exact.every((b) => b === 7)]).toEqual([100, true]);
      expect(readWhole(fd, 50).length).toBe(100); // grew: read afresh, all of it
      expect(readWhole(fd, 150).length).toBe(100); // shrank: what is there
      const first = readWhole(fd, 100).buffer;
      expect(readWhole(fd, 100).buffer).toBe(first); // the same memory again: no fresh pages
    } finally {
      closeSync(fd);
    }
  });

  it('the user cache directory: XDG_CACHE_HOME, else ~/.cache, else none', () => {
    expect(userCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe('/x/cache/ovs');
    expect(userCacheDir({ HOME: '/home/u' })).toBe('/home/u/.cache/ovs');
    expect(userCacheDir({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.cache/ovs');
    expect(userCacheDir({})).toBeUndefined();
  });
});
