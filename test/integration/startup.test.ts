/**
 * The built launcher and its code cache, run for real: a copy of bin/ and dist/ in a scratch
 * directory, run by root (the cache goes beside the package) and by an unprivileged user
 * through util-linux `setpriv` (the package is not theirs: the cache goes under their
 * ~/.cache/ovs, or nowhere when that is not writable either). Every run gives the same
 * output and nothing on stderr; the cache only changes how fast.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WRAP_HEAD, WRAP_TAIL } from '../../src/lib/machine/code-cache.js';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools, findTool } from '../helpers/tools.js';

const NOBODY = 65534;

describeWithTools(['setpriv'], 'start-up: the launcher and the code cache', () => {
  const scratch = scratchDir('startup');
  const pkg = join(scratch.path, 'pkg');
  const bundle = join(pkg, 'dist', 'cli.cjs');
  const home = join(scratch.path, 'home');
  const root = join(scratch.path, 'image');
  afterAll(() => scratch.remove());

  beforeAll(() => {
    if (!existsSync('dist/cli.cjs')) expect(spawnSync(process.execPath, ['scripts/build.mjs']).status).toBe(0);
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    cpSync('bin', join(pkg, 'bin'), { recursive: true });
    for (const f of ['launcher.cjs', 'cli.cjs']) cpSync(join('dist', f), join(pkg, 'dist', f));
    chmodSync(scratch.path, 0o755); // mkdtemp made it 0700: the other user must reach the package
    mkdirSync(home);
    chownSync(home, NOBODY, NOBODY);
    for (const d of ['etc/init.d', 'etc/default']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'etc/hostname'), 'node0\n');
    writeFileSync(join(root, 'etc/init.d/o2cb'), '#!/bin/sh\n', { mode: 0o755 });
  });

  /** `ovs ARGS` from the copy, as root or as nobody, with OVS_PHASES=1 when asked. */
  function ovs(args: string[], opts: { as?: 'nobody'; env?: Record<string, string>; phases?: boolean } = {}) {
    const node = [process.execPath, join(pkg, 'bin', 'ovs'), ...args];
    const argv = opts.as ? [findTool('setpriv') ?? 'setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', ...node] : node;
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: opts.as ? home : (process.env.HOME ?? '/root'), ...opts.env, ...(opts.phases ? { OVS_PHASES: '1' } : {}) };
    const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', env, cwd: scratch.path });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, cache: /ovs: code cache (\w+)/.exec(r.stderr)?.[1] };
  }

  it('an unprivileged user: the cache under ~/.cache/ovs; with no writable cache directory, none; output the same', () => {
    const first = ovs(['help', 'cluster-configure'], { as: 'nobody' });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('Usage: ovs cluster-configure');
    expect(readdirSync(join(pkg, 'dist')).filter((f) => f.endsWith('.v8cache'))).toEqual([]); // the package is root's
    const userCache = readdirSync(join(home, '.cache', 'ovs'));
    expect(userCache).toEqual([`${encodeURIComponent(bundle).slice(-200)}.help.v8cache`]);
    const again = ovs(['help', 'cluster-configure'], { as: 'nobody', phases: true });
    expect([again.status, again.cache, again.stdout]).toEqual([0, 'used', first.stdout]);
    // XDG_CACHE_HOME pointing at a directory this user cannot write: no cache at all, silently.
    const nowhere = ovs(['help', 'cluster-configure'], { as: 'nobody', env: { XDG_CACHE_HOME: join(pkg, 'dist') }, phases: true });
    expect([nowhere.status, nowhere.cache, nowhere.stdout]).toEqual([0, 'none', first.stdout]);
    expect(nowhere.stderr).not.toContain('written to');
  });

  it('root: the cache beside the package, used by the next run, which prints the same plan', () => {
    const args = PLAN;
    const first = ovs(args, { phases: true });
    expect([first.status, first.cache], first.stderr).toEqual([0, 'none']);
    expect(first.stderr).toContain(`written to ${bundle}.cluster-configure.dry-run.v8cache`);
    expect(first.stdout).toContain('node1');
    const second = ovs(args, { phases: true });
    expect([second.status, second.cache, second.stdout]).toEqual([0, 'used', first.stdout]);
    // The phases line names each phase once, in order, in milliseconds.
    expect(second.stderr).toMatch(/^ovs: phases \(ms\): node [\d.]+, load [\d.]+, parse [\d.]+, prepare [\d.]+, plan [\d.]+, apply [\d.]+, render [\d.]+, cache [\d.]+; total [\d.]+$/m);
    // Without OVS_PHASES nothing is said about any of it: only the command's own warnings.
    expect(ovs(args).stderr).toBe(second.stderr.replace(/^ovs: (phases|code cache).*\n/gm, ''));
  });

  it('the build writes the bundle as the function expression the launcher compiles (no second copy of the source)', () => {
    const text = readFileSync(bundle, 'utf8');
    expect(text.startsWith(WRAP_HEAD)).toBe(true);
    expect(text.trimEnd().endsWith(WRAP_TAIL)).toBe(true);
  });

  it("the CLI bundle parses options as the library does (the build rewrites commander's option lookup): same output, same exit", () => {
    const library = (args: string[]) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', `const l = await import(${JSON.stringify(join(process.cwd(), 'dist', 'index.js'))}); process.exitCode = await l.main(${JSON.stringify(args)}, l.realHost());`], { encoding: 'utf8', cwd: scratch.path });
    const cases = [
      [...PLAN, '--node', 'node2=10.1.0.3:7'],
      ['--root', root, '-nq', 'cluster-configure', '--node=node0=10.1.0.1', '--port', '7778'],
      ['--root', root, '--dry-run', 'cluster-configure', '--node', 'node0=10.1.0.1', '--no-such-option'],
      ['--root', root, '--dry-run', 'cluster-configure', '--node'],
      ['--root', root, '--dry-run', '--no-color', '--json', 'cluster-configure', '--node', 'node0=10.1.0.1', '--cluster-name', 'pool1'],
    ];
    for (const args of cases) {
      const bundle = ovs(args);
      const lib = library(args);
      expect([args.join(' '), bundle.status, bundle.stdout, bundle.stderr]).toEqual([args.join(' '), lib.status, lib.stdout, lib.stderr]);
    }
  });

  it('--version and --help answer from the launcher alone (no bundle at all)', () => {
    const bare = join(scratch.path, 'bare');
    cpSync(join(pkg, 'bin'), join(bare, 'bin'), { recursive: true });
    mkdirSync(join(bare, 'dist'));
    cpSync(join(pkg, 'dist', 'launcher.cjs'), join(bare, 'dist', 'launcher.cjs'));
    const version = spawnSync(process.execPath, [join(bare, 'bin', 'ovs'), '--version'], { encoding: 'utf8' });
    expect([version.status, version.stdout]).toEqual([0, `${JSON.parse(readFileSync('package.json', 'utf8')).version}\n`]);
    const help = spawnSync(process.execPath, [join(bare, 'bin', 'ovs'), '-h'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: ovs [options] [command]');
  });

  it('a reader that closes the pipe early (`ovs ... | head`): the rest is dropped, exit 0, nothing on stderr', async () => {
    for (const args of [['--help'], ['help', 'cluster-configure']]) {
      const child = spawn(process.execPath, [join(pkg, 'bin', 'ovs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy(); // closed before ovs writes a byte: every write meets EPIPE
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect([args.join(' '), status, stderr]).toEqual([args.join(' '), 0, '']);
    }
  });

  /** Node's own list of the modules a run loaded, written at exit by a preloaded hook. */
  function modulesLoaded(args: string[], nodeOptions = ''): string[] {
    const hook = join(scratch.path, 'modules-hook.cjs');
    writeFileSync(hook, "process.on('exit', () => require('fs').writeFileSync(process.env.OVS_TEST_MODULES, process.moduleLoadList.join('\\n')));\n");
    const list = join(scratch.path, `modules-${args[args.length - 1]}.txt`);
    // Twice: a run that writes the code cache (new node options, new key) hashes the bundle with node:crypto.
    for (let i = 0; i < 2; i++) {
      const r = ovs(args, { env: { NODE_OPTIONS: `${nodeOptions} --require ${hook}`, OVS_TEST_MODULES: list } });
      expect(r.status, r.stderr).toBe(0);
    }
    return readFileSync(list, 'utf8').split('\n');
  }
  const PLAN = ['--root', root, '--dry-run', '--quiet', 'cluster-configure', '--node', 'node0=10.1.0.1', '--node', 'node1=10.1.0.2'];

  it('what a run does not need is never loaded: no child_process, fs/promises, tty, net or crypto in a dry run or cluster-check', () => {
    const never = ['NativeModule child_process', 'NativeModule fs/promises', 'NativeModule tty', 'NativeModule net', 'NativeModule crypto'];
    // The plan shows each file's sha256: WebAssembly (lib/sha256.ts), not node:crypto, computes it.
    expect(modulesLoaded(PLAN).filter((m) => never.includes(m))).toEqual([]);
    const healthy = join(scratch.path, 'healthy');
    cpSync('test/fixtures/servers/healthy', healthy, { recursive: true });
    expect(modulesLoaded(['--root', healthy, 'cluster-check']).filter((m) => never.includes(m))).toEqual([]);
  });

  it('a node without WebAssembly (--jitless): the same plan, its sums from node:crypto', () => {
    const usual = ovs(PLAN);
    const jitless = ovs(PLAN, { env: { NODE_OPTIONS: '--jitless' } });
    expect(usual.stdout).toMatch(/^\/etc\/ocfs2\/cluster\.conf sha256 [0-9a-f]{64}$/m);
    expect([jitless.status, jitless.stdout]).toEqual([0, usual.stdout]);
    expect(jitless.stderr.replace(/^Warning: disabling flag --expose_wasm.*\n/m, '')).toBe(usual.stderr);
    expect(modulesLoaded(PLAN, '--jitless')).toContain('NativeModule crypto');
  });
});
