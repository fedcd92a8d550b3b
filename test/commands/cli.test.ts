import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { runProbe } from '../helpers/probe-command.js';

const files = { '/etc/probe/probe.conf': 'old\n', '/var': null };
const applies = { files, expect: [{ argv: ['probe-tool', '--apply', 'new'] }], services: { probe: {} } };

describe('global behaviour (ovs(8))', () => {
  it('--version prints the package version', async () => {
    const r = await runProbe(['--version']);
    expect([r.exit, r.stdout]).toEqual([0, `${VERSION}\n`]);
    expect(JSON.parse(readFileSync('package.json', 'utf8')).version).toBe(VERSION);
  });

  it('--help lists the global options and commands on stdout', async () => {
    const r = await runProbe(['--help']);
    expect(r.exit).toBe(0);
    for (const word of ['--root <dir>', '--dry-run', '--json', '--yes', '--quiet', '--verbose', '--no-color', '--lock-timeout', 'probe-changes']) expect(r.stdout).toContain(word);
  });

  it('`ovs help <command>` shows that command', async () => {
    const r = await runProbe(['help', 'probe-changes']);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('Usage: ovs probe-changes [options] <content>');
  });

  it('an unknown command is exit 64 with a one-line error and a hint', async () => {
    const r = await runProbe(['frobnicate']);
    expect(r.exit).toBe(64);
    expect(r.stderr).toBe("ovs: unknown command 'frobnicate'\novs: hint: ovs --help shows the usage\n");
    expect(r.stdout).toBe('');
  });

  it('a bad option of a command names the command', async () => {
    const r = await runProbe(['probe-changes', '--bogus', 'x']);
    expect(r.exit).toBe(64);
    expect(r.stderr).toBe("ovs: probe-changes: unknown option '--bogus'\novs: hint: ovs help probe-changes shows the usage\n");
  });

  it('no command at all is a usage error with the help on stderr', async () => {
    const r = await runProbe([]);
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain('Usage: ovs [options] [command]');
  });

  it('--json on a usage error prints one parseable document with ok:false', async () => {
    const r = await runProbe(['--json', 'frobnicate']);
    expect(r.exit).toBe(64);
    expect(r.json).toMatchObject({ ok: false, exit: 64, error: { exit: 64, message: "unknown command 'frobnicate'" } });
    expect(r.stderr).toBe('');
  });

  it.each([
    [['--root', '', 'probe-changes', 'x'], 64, '--root needs a directory'],
    [['--quiet', '--verbose', 'probe-changes', 'x'], 64, "option '-q, --quiet' cannot be used with option '-v, --verbose'"],
    [['--lock-timeout', 'soon', 'probe-changes', 'x'], 64, "--lock-timeout takes seconds (a number >= 0), not 'soon'"],
    [['--root', '/no/such/image', 'probe-changes', 'x'], 66, '--root /no/such/image: no such directory'],
  ])('bad global option %j is exit %i', async (argv, exit, message) => {
    const r = await runProbe(argv, { files });
    expect(r.exit).toBe(exit);
    expect(r.stderr).toContain(message);
    expect(r.host.readText('/etc/probe/probe.conf')).toBe('old\n');
  });

  it('a relative --root is taken from the working directory', async () => {
    const r = await runProbe(['--root', 'img', 'probe-changes', 'new'], { files: { '/work/img/etc/probe/probe.conf': 'old\n', '/work/img/var': null }, cwd: '/work' });
    expect(r.exit, r.stderr).toBe(0);
    expect(r.host.readText('/work/img/etc/probe/probe.conf')).toBe('new\n');
  });

  it('OVS_ROOT is the default for --root', async () => {
    const r = await runProbe(['probe-changes', 'x'], { files, env: { OVS_ROOT: '/missing' } });
    expect([r.exit, r.stderr]).toEqual([66, 'ovs: probe-changes: --root /missing: no such directory\novs: nothing was changed\n']);
  });

  it('an invalid value is exit 65 with message and hint, nothing changed', async () => {
    const r = await runProbe(['probe-changes', 'bad'], { files });
    expect(r.exit).toBe(65);
    expect(r.stderr).toBe("ovs: probe-changes: 'bad' is not valid content\novs: hint: use anything else\novs: nothing was changed\n");
  });
});

describe('running a command', () => {
  it('applies, reports progress on stderr and the result on stdout', async () => {
    const r = await runProbe(['probe-changes', 'new'], applies);
    expect(r.exit).toBe(0);
    expect(r.stdout).toBe('probe: written\n');
    expect(r.stderr).toContain('ovs: wrote /etc/probe/probe.conf\n');
    expect(r.host.readText('/etc/probe/probe.conf')).toBe('new\n');
    expect(r.host.serviceLog).toEqual(['start probe']);
    expect(r.host.unusedExpectations()).toEqual([]);
  });

  it('--quiet keeps stderr free of progress', async () => {
    const r = await runProbe(['-q', 'probe-changes', 'new'], applies);
    expect([r.exit, r.stderr]).toEqual([0, '']);
  });

  it('--dry-run leaves every file byte-identical, runs no program, and prints the plan', async () => {
    const r = await runProbe(['--dry-run', 'probe-changes', 'new'], { files });
    const before = JSON.stringify({ ...r.host.vol.toJSON() });
    expect(r.exit).toBe(0);
    expect(r.host.calls).toEqual([]);
    expect(r.host.readText('/etc/probe/probe.conf')).toBe('old\n');
    expect(r.host.exists('/var/log/ovs')).toBe(false);
    expect(JSON.stringify(r.host.vol.toJSON())).toBe(before);
    expect(r.stdout).toBe(
      [
        'probe: written',
        'Plan (dry run: nothing was changed):',
        '  write    /etc/probe/probe.conf',
        '    --- /etc/probe/probe.conf',
        '    +++ /etc/probe/probe.conf',
        '    @@ -1 +1 @@',
        '    -old',
        '    +new',
        '  mkdir    /var/probe',
        '  mkdir    /var/probe/dir',
        '  symlink  /PROBE -> /var/probe/dir',
        '  run      probe-tool --apply new',
        '  service  start probe   (service probe start)',
        '',
      ].join('\n'),
    );
  });

  it('--json on success carries the result and every change', async () => {
    const r = await runProbe(['--json', 'probe-changes', 'new'], applies);
    expect(r.exit).toBe(0);
    expect(r.json).toMatchObject({ ok: true, command: 'probe-changes', dryRun: false, result: { wrote: true, planned: false } });
    expect(r.json.changes.map((c: { kind: string }) => c.kind)).toEqual(['write', 'mkdir', 'mkdir', 'symlink', 'run', 'service']);
    expect(r.stderr).toBe('');
  });

  it('a failure midway takes its file changes back and says so, change by change', async () => {
    const r = await runProbe(['probe-changes', '--fail-after-write', 'new'], { files });
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: probe-changes: the probe failed on purpose while probing\novs: hint: it always does\n');
    expect(r.stderr).toContain('ovs: every file change made before the failure was rolled back:\n  rolled back write    /etc/probe/probe.conf\n');
    expect(r.host.readText('/etc/probe/probe.conf')).toBe(files['/etc/probe/probe.conf']);
  });

  it('--json on a failure is one document with ok:false and the changes already made', async () => {
    const r = await runProbe(['--json', 'probe-changes', '--fail-after-write', 'new'], { files });
    expect(r.exit).toBe(69);
    expect(r.json).toMatchObject({ ok: false, exit: 69, error: { exit: 69, message: 'the probe failed on purpose while probing', hint: 'it always does' } });
    expect(r.json.changes).toMatchObject([{ kind: 'write', path: '/etc/probe/probe.conf', result: 'rolled back' }]);
  });

  it('a command the memory host was not told about is exit 70 with its argv, no stack trace', async () => {
    const r = await runProbe(['probe-changes', 'new'], { files, services: { probe: {} } });
    expect(r.exit).toBe(70);
    expect(r.stderr).toContain('ovs: probe-changes: internal error: memory host: no expectation for the command: probe-tool --apply new\n');
    expect(r.stderr).not.toContain('    at ');
  });

  it('under --root, live actions are recorded as skipped (offline)', async () => {
    const r = await runProbe(['--root', '/img', '--json', 'probe-changes', 'new'], { files: { '/img/etc/probe/probe.conf': 'old\n', '/img/var': null } });
    expect(r.exit).toBe(0);
    expect(r.host.readText('/img/etc/probe/probe.conf')).toBe('new\n');
    expect(r.json.changes.filter((c: { result: string }) => c.result === 'skipped (offline)').map((c: { kind: string }) => c.kind)).toEqual(['run', 'service']);
    expect(r.host.calls).toEqual([]);
    expect(r.host.exists('/img/var/log/ovs/journal.log')).toBe(true);
  });
});

describe('--json and warnings', () => {
  it('puts warnings into the document instead of on stderr', async () => {
    const lock = JSON.stringify({ pid: 777, command: 'ovs x', started: 'then' });
    const r = await runProbe(['--json', 'probe-changes', 'new'], { ...applies, files: { ...files, '/run/lock/ovs.lock': lock } });
    expect(r.exit).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.json.warnings).toEqual(['taking over a stale lock /run/lock/ovs.lock held by pid 777 (ovs x), started then, which is no longer running']);
  });
});
