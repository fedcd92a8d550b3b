/**
 * Packaging and documentation (README, packaging): `npm pack` gives a tarball that installs offline
 * and whose `ovs --version` works; every man page renders without a warning; every command
 * has its man page.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/index.js';
import { describeWithTools } from '../helpers/tools.js';
import { scratchDir } from '../helpers/sandbox.js';

const run = (argv: string[], cwd?: string) => spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', cwd, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } });
const version = JSON.parse(readFileSync('package.json', 'utf8')).version as string;

describeWithTools(['npm', 'man', 'groff'], 'packaging and man pages', () => {
  const scratch = scratchDir('package');
  afterAll(() => scratch.remove());

  it('npm pack gives a tarball that installs offline, with a working ovs --version and ovs --help', () => {
    const pack = run(['npm', 'pack', '--silent', '--pack-destination', scratch.path]);
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = join(scratch.path, `ovs-${version}.tgz`);
    const prefix = join(scratch.path, 'prefix');
    const install = run(['npm', 'install', '-g', '--offline', '--prefix', prefix, tarball]);
    expect(install.status, install.stderr).toBe(0);
    const ovs = join(prefix, 'bin', 'ovs');
    expect(run([ovs, '--version']).stdout).toBe(`${version}\n`);
    const help = run([ovs, '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: ovs [options] [command]');
    const files = run(['tar', '-tzf', tarball]).stdout;
    expect(files, 'a code cache is made where ovs runs, never shipped').not.toMatch(/v8cache/);
    for (const f of ['package/bin/ovs', 'package/bin/package.json', 'package/dist/launcher.cjs', 'package/dist/cli.cjs', 'package/dist/index.js', 'package/man/ovs.8']) expect(files).toContain(f);
    // The licence, the bundled packages' licences, the --json schema.
    for (const f of ['package/LICENSE', 'package/dist/THIRD-PARTY.txt', 'package/dist/licenses/commander/LICENSE', 'package/schema/ovs-envelope.schema.json']) expect(files).toContain(f);
    // `man ovs` after the install: npm links the "man" pages under PREFIX/share/man.
    const manpath = { ...process.env, MANPATH: join(prefix, 'share', 'man') };
    for (const page of [['ovs'], ['ovs-services'], ['5', 'ovs-repositories']]) {
      const where = spawnSync('man', ['-w', ...page], { encoding: 'utf8', env: manpath });
      expect(where.status, `man -w ${page.join(' ')}: ${where.stderr}`).toBe(0);
      expect(where.stdout.trim().startsWith(prefix), where.stdout).toBe(true);
    }
    expect(lstatSync(join(prefix, 'share', 'man', 'man8', 'ovs.8')).isSymbolicLink()).toBe(true);
  }, 180_000);

  it('package.json "man" lists every page of man/, and the bundled licences name every bundled package', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { man: string[] };
    const pages = readdirSync('man').filter((f) => /\.[0-9]$/.test(f)).map((f) => `./man/${f}`);
    expect([...pkg.man].sort()).toEqual(pages.sort());
    const thirdParty = readFileSync('dist/THIRD-PARTY.txt', 'utf8');
    for (const name of ['commander', 'chalk', 'ora', 'memfs']) expect(thirdParty).toMatch(new RegExp(`^${name} \\d`, 'm'));
    for (const line of thirdParty.split('\n').filter((l) => l.includes(': licenses/'))) {
      expect(readFileSync(join('dist', line.split(': ')[1] as string), 'utf8').length, line).toBeGreaterThan(100);
    }
  });

  it("the launcher's build-time top-level help and version are exactly what the parser prints", async () => {
    const { main } = await import('../../src/cli.js');
    const { memoryHost } = await import('../../src/lib/doubles/memory-host.js');
    const host = memoryHost();
    expect(await main(['--help'], host)).toBe(0);
    expect(host.out).toContain('Usage: ovs [options] [command]');
    for (const argv of [['--help'], ['-h'], ['help']]) expect(run([process.execPath, 'bin/ovs', ...argv]).stdout).toBe(host.out);
    for (const argv of [['--version'], ['-V']]) expect(run([process.execPath, 'bin/ovs', ...argv]).stdout).toBe(`${version}\n`);
  });

  it('every man page renders with no warning', () => {
    const pages = readdirSync('man').filter((f) => /\.[0-9]$/.test(f));
    expect(pages.length).toBeGreaterThan(0);
    for (const page of pages) {
      const r = spawnSync('man', ['--warnings', '-E', 'UTF-8', '-l', join('man', page)], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat' } });
      expect(r.status, page).toBe(0);
      expect(r.stderr, page).toBe('');
    }
  });

  it('every command has its man page, and ovs(8) names it', () => {
    const index = readFileSync('man/ovs.8', 'utf8');
    for (const { name } of COMMANDS) {
      if (name === 'completion' || name === 'demo') continue; // documented in ovs(8) itself
      expect(readdirSync('man'), name).toContain(`ovs-${name}.8`);
      expect(index, name).toContain(`ovs-${name} (8)`);
    }
  });
});
