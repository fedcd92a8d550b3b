/**
 * --root against a directory that changes under ovs, made deterministic: the host fs below
 * RootedFs swaps /img/etc/ocfs2 for a symbolic link to a sentinel directory outside the root
 * at the worst moment (after the path was resolved, before it is used) and, for the
 * "swapped back" variant, restores it right after the change. Every write path must either
 * land inside the root or refuse with exit 73 — never touch the sentinel. Real files.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { OvsError } from '../../src/lib/errors.js';
import type { HostFs } from '../../src/lib/host.js';
import { realHost } from '../../src/lib/real-host.js';
import { RootedFs } from '../../src/lib/paths.js';
import { scratchDir } from '../helpers/sandbox.js';

const scratch = scratchDir('i11-race');
afterAll(() => scratch.remove());
const root = join(scratch.path, 'img');
const dir = join(root, 'etc/ocfs2');
const aside = join(root, 'etc/ocfs2.real');
const sentinel = join(scratch.path, 'sentinel');

function swap(): void {
  renameSync(dir, aside);
  symlinkSync(sentinel, dir);
}
function swapBack(): void {
  rmSync(dir);
  renameSync(aside, dir);
}

/**
 * The real host fs, with the racer's move placed between resolution and use: right after
 * RootedFs's lstat of `target` (its resolution), `move` runs once; `back` runs right after
 * ovs opened its handle on the directory (the racer puts things back to hide).
 */
function racingFs(target: string, move: () => void, back?: () => void): HostFs & { arm(): void; swaps: number } {
  const real = realHost().fs;
  let armed = false;
  const fs = {
    ...real,
    swaps: 0,
    arm: () => void (armed = true),
    lstat: async (p: string) => {
      const st = await real.lstat(p);
      if (armed && p === target) {
        armed = false;
        fs.swaps++;
        move();
      }
      return st;
    },
    openDir: async (p: string) => {
      const h = await real.openDir!(p);
      if (back && p === dir && lstatSync(dir).isSymbolicLink()) back();
      return h;
    },
  };
  return fs;
}

beforeEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(sentinel, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  mkdirSync(sentinel);
  writeFileSync(join(dir, 'cluster.conf'), 'old\n');
  writeFileSync(join(sentinel, 'cluster.conf'), 'sentinel\n');
});

const WRITES: [string, (fs: RootedFs) => Promise<unknown>][] = [
  ['writeFile (exclusive temporary file)', (fs) => fs.writeFile('/etc/ocfs2/.cluster.conf.tmp', 'new\n', { exclusive: true })],
  ['writeFile (in place)', (fs) => fs.writeFile('/etc/ocfs2/cluster.conf', 'new\n')],
  ['appendFile', (fs) => fs.appendFile('/etc/ocfs2/journal.log', 'line\n')],
  ['mkdir', (fs) => fs.mkdir('/etc/ocfs2/sub')],
  ['symlink', (fs) => fs.symlink('/etc/hostname', '/etc/ocfs2/link')],
  ['unlink', (fs) => fs.unlink('/etc/ocfs2/cluster.conf')],
  ['rename', (fs) => fs.rename('/etc/ocfs2/cluster.conf', '/etc/ocfs2/cluster.conf.old')],
  ['chown', (fs) => fs.chown('/etc/ocfs2/cluster.conf', 0, 0)],
  ['readFile (the sentinel must not be read either)', (fs) => fs.readFile('/etc/ocfs2/cluster.conf')],
];

describe('--root: a directory swapped for a symbolic link between resolution and use', () => {
  for (const back of [false, true]) {
    it.each(WRITES)(`%s is refused (73) and nothing outside changes${back ? ' (swapped back at once)' : ''}`, async (_, write) => {
      const base = racingFs(dir, swap, back ? swapBack : undefined);
      const fs = new RootedFs(base, root);
      await fs.mkdir('/warm'); // the root's real path is known before the race
      base.arm();
      const err = await write(fs).then(() => undefined, (e: unknown) => e);
      expect(base.swaps).toBe(1);
      expect(err).toBeInstanceOf(OvsError);
      expect((err as OvsError).exit).toBe(73);
      expect((err as OvsError).message).toMatch(new RegExp(`^/etc/ocfs2 leads outside --root ${root} \\(to ${sentinel}\\): a directory of the image was replaced while ovs ran`));
      expect(readdirSync(sentinel)).toEqual(['cluster.conf']);
      expect(lstatSync(join(sentinel, 'cluster.conf')).size).toBe('sentinel\n'.length);
    });
  }

  it('a directory held for programs (pinDir) stays the one inside the root, swapped or not', async () => {
    const fs = new RootedFs(realHost().fs, root);
    const pinned = await fs.pinDir('/etc/ocfs2');
    expect(pinned?.path).toMatch(new RegExp(`^/proc/${process.pid}/fd/\\d+$`));
    try {
      swap(); // after the check: the program must still land in the image
      const r = await realHost().run(['touch', '--', `${pinned?.path}/made-by-a-program`]);
      expect(r.exitCode, r.stderr).toBe(0);
    } finally {
      await pinned?.release();
      swapBack();
    }
    expect(existsSync(join(dir, 'made-by-a-program'))).toBe(true);
    expect(readdirSync(sentinel)).toEqual(['cluster.conf']);
    const racing = racingFs(dir, swap); // swapped between resolution and the check: refused
    await new RootedFs(racing, root).mkdir('/warm');
    racing.arm();
    const err = await new RootedFs(racing, root).pinDir('/etc/ocfs2').catch((e: unknown) => e);
    swapBack();
    expect(racing.swaps).toBe(1);
    expect(err).toBeInstanceOf(OvsError);
    expect((err as OvsError).exit).toBe(73);
    expect((err as OvsError).message).toMatch(/^\/etc\/ocfs2 leads outside --root /);
  });

  it('without a race the same changes land inside the root', async () => {
    const fs = new RootedFs(realHost().fs, root);
    for (const [, write] of WRITES.filter(([n]) => !/unlink|rename/.test(n))) await write(fs);
    expect((await fs.readFile('/etc/ocfs2/cluster.conf')).toString()).toBe('new\n');
    expect(readdirSync(dir).sort()).toEqual(['.cluster.conf.tmp', 'cluster.conf', 'journal.log', 'link', 'sub']);
    await fs.rename('/etc/ocfs2/cluster.conf', '/etc/ocfs2/cluster.conf.old');
    await fs.unlink('/etc/ocfs2/cluster.conf.old');
    expect(existsSync(join(dir, 'cluster.conf.old'))).toBe(false);
    expect(readdirSync(sentinel)).toEqual(['cluster.conf']);
  });

  it('a file replaced by a symbolic link after resolution is not followed (in-place write, append, chown)', async () => {
    const file = join(dir, 'cluster.conf');
    const toLink = () => {
      rmSync(file);
      symlinkSync(join(sentinel, 'cluster.conf'), file);
    };
    const attempts: [string, (fs: RootedFs) => Promise<unknown>][] = [
      ['read', (fs) => fs.readFile('/etc/ocfs2/cluster.conf')],
      ['write', (fs) => fs.writeFile('/etc/ocfs2/cluster.conf', 'new\n')],
      ['append', (fs) => fs.appendFile('/etc/ocfs2/cluster.conf', 'line\n')],
      ['chown', (fs) => fs.chown('/etc/ocfs2/cluster.conf', 12345, 12345)],
    ];
    const outcomes: string[] = [];
    for (const [name, attempt] of attempts) {
      rmSync(file, { force: true });
      writeFileSync(file, 'old\n');
      const base = racingFs(file, toLink);
      base.arm();
      outcomes.push(`${name}: ${await attempt(new RootedFs(base, root)).then(() => 'done', (e: NodeJS.ErrnoException) => e.code)}`);
      expect(lstatSync(join(sentinel, 'cluster.conf'))).toMatchObject({ size: 'sentinel\n'.length, uid: 0 });
    }
    expect(outcomes).toEqual(['read: ELOOP', 'write: ELOOP', 'append: ELOOP', 'chown: done']); // chown changed the link itself
    expect(lstatSync(file).uid).toBe(12345);
  });
});
