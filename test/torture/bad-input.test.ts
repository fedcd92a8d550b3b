/**
 * The bad-input catalogue (table: bad-input-cases.ts): hostile values for every command's
 * options and arguments (memory host, in-process), managed files in every wrong shape or with
 * malformed content, and
 * broken --import bundles (the real file system under a scratch --root, in-process with the
 * real host), and file-system tricks (read-only bind mount, a full tmpfs, an immutable
 * directory: the built CLI in a private mount namespace). Every case asserts the exit
 * status, one escaped message line naming the problem (no stack trace, no "internal
 * error"), and an unchanged tree hash. The figures are printed at the end.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { serializeBundle } from '../../src/lib/formats/bundle.js';
import type { Host } from '../../src/lib/host.js';
import { realHost } from '../../src/lib/real-host.js';
import { memoryHost } from '../../src/lib/doubles/memory-host.js';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';
import { CONTENT_CASES, MANAGED, SHAPES, SHAPE_WORDS, argumentCases, bundleCases, type Shape } from './bad-input-cases.js';

const figures = { cases: 0, crashes: 0, hangs: 0, changed: 0 };
const HANG_MS = 10_000;

interface Seen {
  exit: number;
  stderr: string;
}

/** The checks every case makes; counts crashes and hangs for the figures. */
function expectRefused(seen: Seen, exit: number, command: string, names: string | RegExp): void {
  figures.cases++;
  const lines = seen.stderr.split('\n').filter((l) => l !== '');
  if (seen.exit === 70 || /internal error|this is a bug|\n\s+at /.test(seen.stderr)) figures.crashes++;
  expect(seen.stderr).not.toMatch(/internal error|this is a bug|\n\s+at /);
  for (const l of lines) {
    expect(l).toMatch(/^ovs: /); // one prefix per line: no stack trace, no split message
    expect(l.length).toBeLessThan(600);
  }
  expect(seen.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u009b]/); // nothing raw reaches the terminal
  // Progress lines (`ovs: resolving ...`) may come first; the error is exactly one line.
  const errors = lines.filter((l) => new RegExp(`^ovs: (${command}|usage): `).test(l));
  expect(errors).toHaveLength(1);
  const message = errors[0] as string;
  if (typeof names === 'string') expect(message).toContain(names);
  else expect(message).toMatch(names);
  expect(seen.exit).toBe(exit);
}

async function bounded<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      figures.hangs++;
      reject(new Error(`no answer within ${HANG_MS} ms`));
    }, HANG_MS);
  });
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

afterAll(() => {
  console.log(`bad-input catalogue: ${figures.cases} cases, ${figures.crashes} crashes, ${figures.hangs} hangs, ${figures.changed} changed trees`);
});

// ---------------------------------------------------------------- arguments (memory host)

const SERVER = { hostname: 'ovs1.example.com', files: { '/etc/hosts': '127.0.0.1 localhost\n192.168.1.11 ovs1.example.com ovs1\n', '/run/lock': null } };

describe('bad arguments, on the memory host', () => {
  const cases = argumentCases();
  it('covers every option of every command with at least 300 cases', () => expect(cases.length).toBeGreaterThanOrEqual(300));
  it.each(cases.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const host = memoryHost(SERVER);
    const before = JSON.stringify(host.vol.toJSON());
    const exit = await bounded(main(c.argv, host));
    const changed = JSON.stringify(host.vol.toJSON()) !== before;
    if (changed) figures.changed++;
    expectRefused({ exit, stderr: host.err }, c.exit, c.command, c.names);
    expect(changed).toBe(false);
    expect(host.calls).toEqual([]);
  });
});

// ---------------------------------------------------------------- the real file system

/** Path, kind, mode, size and content (regular files) or target (links) of everything under dir. */
export function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (p: string): void => {
    const st = lstatSync(p);
    h.update(`${p.slice(dir.length)}\0${st.mode}\0${st.size}\0`);
    if (st.isSymbolicLink()) h.update(readlinkSync(p));
    else if (st.isFile()) h.update(readFileSync(p));
    else if (st.isDirectory()) for (const e of readdirSync(p).sort()) walk(join(p, e));
  };
  walk(dir);
  return h.digest('hex');
}

/** The real host, its output captured: files, FIFOs, devices and links are the kernel's own. */
function capturingHost(): Host & { err: () => string } {
  let err = '';
  const real = realHost();
  return {
    ...real,
    stdout: { write: () => undefined, isTTY: false },
    stderr: { write: (t: string) => void (err += t), isTTY: false },
    stdin: { isTTY: false, readAll: async () => '', prompt: async () => '' },
    env: { PATH: process.env.PATH },
    err: () => err,
  };
}

const CLUSTER_CONF = 'node:\n\tip_port = 7777\n\tip_address = 192.168.1.11\n\tnumber = 0\n\tname = ovs1.example.com\n\tcluster = ocfs2\n\ncluster:\n\tnode_count = 1\n\tname = ocfs2\n\n';

/** A small installed image: every managed file present and valid. */
function image(root: string): void {
  const files: Record<string, string> = {
    '/etc/hostname': 'ovs1.example.com\n',
    '/etc/hosts': '127.0.0.1 localhost\n192.168.1.11 ovs1.example.com ovs1\n',
    '/etc/ocfs2/cluster.conf': CLUSTER_CONF,
    '/etc/sysconfig/o2cb': 'O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=ocfs2\n',
    '/etc/fstab': '/dev/sda1 / ext3 defaults 1 1\nfileserver.example.com:/OVS /OVS nfs rw,hard 0 0\n',
    '/etc/ovs/repositories': 'F4135C096045458195057412169071E5  nfs    S     nas:/data                      data\n',
    '/etc/ovs/repositories.options': 'NFS_MOUNT_OPTIONS="rw,hard,tcp"\n',
    '/etc/init.d/o2cb': '#!/bin/sh\n',
  };
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  mkdirSync(join(root, 'run/lock'), { recursive: true });
  writeFileSync(join(root, 'etc/init.d/o2cb'), '#!/bin/sh\n', { mode: 0o755 });
}

/** Put `shape` where `path` belongs; returns what to stop afterwards. */
async function shapeAt(root: string, path: string, shape: Shape): Promise<Server | undefined> {
  const at = join(root, path);
  rmSync(at, { force: true, recursive: true });
  switch (shape) {
    case 'directory':
      mkdirSync(at);
      return undefined;
    case 'fifo':
      expect(spawnSync('mkfifo', [at]).status).toBe(0);
      return undefined;
    case 'char device':
      expect(spawnSync('mknod', [at, 'c', '1', '5']).status).toBe(0); // a real /dev/zero
      return undefined;
    case 'symlink loop':
      symlinkSync(`${path}.loop`, at);
      symlinkSync(path, `${at}.loop`);
      return undefined;
    case 'too large':
      writeFileSync(at, '');
      truncateSync(at, 65 * 1024 * 1024); // sparse: above every limit, cheap to make
      return undefined;
    case 'socket': {
      const server = createServer();
      await new Promise<void>((r) => server.listen(at, r));
      return server;
    }
  }
}

describeWithTools(['mkfifo', 'mknod'], 'managed files in the wrong shape (real file system, --root)', () => {
  const scratch = scratchDir('i11-bad-files');
  afterAll(() => scratch.remove());
  let n = 0;
  const rows = MANAGED.flatMap((m) => SHAPES.map((shape) => [`${m.path} is a ${shape}: ${m.command.join(' ')}`, m, shape] as const));
  it.each(rows)('%s', async (_title, m, shape) => {
    const root = join(scratch.path, `r${n++}`);
    image(root);
    const server = await shapeAt(root, m.path, shape);
    try {
      const before = treeHash(root);
      const host = capturingHost();
      const exit = await bounded(main(['--root', root, ...m.command], host));
      const after = treeHash(root);
      if (after !== before) figures.changed++;
      expectRefused({ exit, stderr: host.err() }, 72, m.command[0] as string, SHAPE_WORDS[shape]);
      expect(host.err()).toContain(m.path);
      expect(after).toBe(before);
    } finally {
      server?.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('malformed content in managed files (real file system, --root)', () => {
  const scratch = scratchDir('i11-bad-content');
  afterAll(() => scratch.remove());
  let n = 0;
  it.each(CONTENT_CASES.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const root = join(scratch.path, `c${n++}`);
    image(root);
    writeFileSync(join(root, c.path), c.content);
    for (const [p, content] of Object.entries(c.also ?? {})) writeFileSync(join(root, p), content);
    const before = treeHash(root);
    const host = capturingHost();
    const exit = await bounded(main(['--root', root, ...c.command], host));
    const after = treeHash(root);
    if (after !== before) figures.changed++;
    expectRefused({ exit, stderr: host.err() }, c.exit, c.command[0] as string, c.words);
    expect(after).toBe(before);
  });
});

describeWithTools(['mknod'], 'broken bundles for cluster-configure --import (real file system)', () => {
  const scratch = scratchDir('i11-bad-bundles');
  afterAll(() => scratch.remove());
  const valid = serializeBundle({ clusterConf: CLUSTER_CONF, o2cb: { O2CB_ENABLED: 'true', O2CB_BOOTCLUSTER: 'ocfs2' } });
  it('the valid bundle the broken ones are made from is imported', async () => {
    const root = join(scratch.path, 'valid');
    image(root);
    writeFileSync(join(scratch.path, 'valid.bundle'), valid);
    const host = capturingHost();
    expect(await main(['--root', root, 'cluster-configure', '--import', join(scratch.path, 'valid.bundle')], host)).toBe(0);
  });
  let n = 0;
  it.each(bundleCases(valid).map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const root = join(scratch.path, `b${n++}`);
    image(root);
    const file = c.path ?? join(scratch.path, `b${n}.bundle`);
    if (c.content !== undefined) writeFileSync(file, c.content);
    const before = treeHash(root);
    const host = capturingHost();
    const exit = await bounded(main(['--root', root, 'cluster-configure', '--import', file], host));
    const after = treeHash(root);
    if (after !== before) figures.changed++;
    expectRefused({ exit, stderr: host.err() }, c.exit, 'cluster-configure', c.words);
    expect(after).toBe(before);
  });
});

// ---------------------------------------------------------------- file-system tricks (built CLI, private mount namespace)

/**
 * Inside `unshare -m`: build the image, apply the trick, hash, run the built CLI, hash again;
 * the tree is hashed inside because a tmpfs vanishes with the namespace. The lock directory
 * bound over run/lock ("$R.lock", another file system for the tmpfs) is hashed too: a lock
 * left behind is a trace like any other.
 */
function trick(root: string, setup: string, argv: string[]) {
  const dirs = `"$R" $( [ -d "$R.lock" ] && echo "$R.lock" )`;
  const hash = `find ${dirs} -xdev -printf '%H %P %y %m %s %l\\n' | sort | sha256sum; find ${dirs} -xdev -type f -print0 | sort -z | xargs -0 -r cat | sha256sum`;
  const script = [
    'set -e',
    'R="$1"; shift',
    setup,
    `before=$( ${hash} )`,
    'set +e; "$@" 2>"$R.err"; code=$?; set -e',
    `after=$( ${hash} )`,
    'echo "exit=$code"',
    '[ "$before" = "$after" ] && echo same || echo changed',
  ].join('\n');
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'bash', '-c', script, 'trick', root, process.execPath, 'bin/ovs', '--root', root, ...argv], { encoding: 'utf8', timeout: 60_000 });
  const exit = Number(/exit=(\d+)/.exec(r.stdout)?.[1] ?? -1);
  let stderr = '';
  try {
    stderr = readFileSync(`${root}.err`, 'utf8');
  } catch {
    stderr = r.stderr;
  }
  return { exit, stderr, same: /\bsame\b/.test(r.stdout), raw: r.stdout + r.stderr };
}

describeWithTools(['unshare', 'mount', 'chattr', 'find', 'sha256sum'], 'file-system tricks (the built CLI in a private mount namespace)', () => {
  const scratch = scratchDir('i11-bad-fs');
  afterAll(() => {
    spawnSync('chattr', ['-R', '-i', scratch.path]);
    scratch.remove();
  });
  const ADD = ['cluster-configure', '--add-node', 'ovs2.example.com=192.168.1.12'];
  const NEW = ['cluster-configure', '--node', 'ovs1.example.com=192.168.1.11'];
  const cases: [string, string, string[], number, RegExp][] = [
    // The lock directory stays writable (a bind of its own), so the first change meets the trick.
    ['a read-only bind mount of the image', 'mkdir -p "$R.lock"; mount --bind "$R" "$R"; mount -o remount,ro,bind "$R"; mount --bind "$R.lock" "$R/run/lock"', ADD, 74, /read-only file system/],
    // A new cluster.conf (nothing to back up): the journal's first record, written ahead of
    // the change, meets ENOSPC; the journal and its directories it made are taken back.
    ['a full tiny tmpfs holding the image', 'rm "$R/etc/ocfs2/cluster.conf"; cp -a "$R" "$R.copy"; mount -t tmpfs -o size=256k tmpfs "$R"; cp -a "$R.copy/." "$R/"; mkdir -p "$R.lock"; dd if=/dev/zero of="$R/filler" bs=4k 2>/dev/null || true; mount --bind "$R.lock" "$R/run/lock"', NEW, 74, /no space left on device/],
    ['an immutable directory for the backups', 'mkdir -p "$R/var/lib/ovs"; chattr +i "$R/var/lib/ovs"', ADD, 77, /operation not permitted|permission denied/],
    ['an immutable /etc/ocfs2 and /var/lib (nowhere to write)', 'mkdir -p "$R/var/lib"; chattr +i "$R/var/lib" "$R/etc/ocfs2"', ADD, 77, /operation not permitted|permission denied/],
  ];
  // The rule: a refused or failed run changes nothing, and a run that could not change
  // anything leaves no trace. Each run here fails before its first change to the system
  // (the journal's first record, or the backup that precedes the change, cannot be written),
  // so not even the journal may keep a record of it: no journal, no empty backup directory,
  // no temp file, no lock. (A run that did reach a change and failed is journaled and rolled
  // back: test/lib/changes.test.ts.) So the whole tree, journal included, must hash the same.
  let n = 0;
  it.each(cases)('%s: nothing changed', (_title, setup, argv, exit, words) => {
    const root = join(scratch.path, `t${n++}`);
    image(root);
    const r = trick(root, setup, argv);
    if (!r.same) figures.changed++;
    expectRefused({ exit: r.exit, stderr: r.stderr }, exit, 'cluster-configure', words);
    expect(r.same).toBe(true);
  });
});
