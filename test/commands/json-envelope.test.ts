/**
 * One --json envelope for everything: every document any test makes through runOvs() is
 * checked against schema/ovs-envelope.schema.json (test/helpers/run.ts), so each command's
 * real success and failure output is validated where its own tests run it. Here: the schema
 * covers every command, the validator rejects what it must, and the documents no command
 * test makes (--version, usage errors, no command, completion) have the same shape.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/index.js';
import { ENVELOPE_SCHEMA, envelopeErrors } from '../helpers/json-schema.js';
import { runOvs } from '../helpers/run.js';

const results = (ENVELOPE_SCHEMA.$defs as { results: Record<string, unknown> }).results;

const good = { ok: true, command: 'services', exit: 0, dryRun: false, root: '/', changed: false, result: { action: 'status', init: 'sysv', steps: [], services: [] }, changes: [], warnings: [] };

describe('the envelope schema', () => {
  it('describes the result of every registered command, and of --version', () => {
    expect(Object.keys(results).sort()).toEqual([...COMMANDS.map((c) => c.name), 'version'].sort());
  });

  it('is shipped in the package', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schema/');
  });

  it('rejects what is not the envelope: a missing key, an extra key, result with error, a wrong result', () => {
    expect(envelopeErrors(good)).toEqual([]);
    const { changed: _, ...noChanged } = good;
    expect(envelopeErrors(noChanged)).toContain("$: 'changed' is required");
    expect(envelopeErrors({ ...good, extra: 1 })).toContain("$: 'extra' is not allowed");
    expect(envelopeErrors({ ...good, error: { exit: 1, message: 'x', hint: null } })).toContain('$: matches 0 of the oneOf alternatives, not exactly 1');
    expect(envelopeErrors({ ...good, result: { ...good.result, services: [{ name: 'o2cb', state: 'up' }] } })).toContain('$.result.services[0].state: "up" is not one of ["running","stopped","not-installed","unknown"]');
    expect(envelopeErrors({ ...good, exit: 1.5 })).toContain('$.exit: is number, not integer');
  });
});

describe('documents outside the commands have the same shape', () => {
  it('--json --version: ovs, Node and the tools found (none on this host)', async () => {
    const r = await runOvs(['--json', '--version'], { programs: [] });
    expect(r.exit).toBe(0);
    expect(r.json).toMatchObject({ ok: true, command: 'version', exit: 0, changed: false, result: { version: expect.stringMatching(/^\d+\.\d+\.\d+/) } });
    expect(r.json.result.tools['mkfs.ocfs2']).toEqual({ version: null, path: null });
  });

  it.each([
    [['--json', 'frob'], 'usage', "unknown command 'frob'"],
    [['--json'], 'usage', 'no command given'],
    [['--json', '--root', '/img', '--dry-run', 'cluster-check', '--bogus'], 'cluster-check', "unknown option '--bogus'"],
    [['--json', '--quiet', '--verbose', 'cluster-check'], 'cluster-check', "option '-q, --quiet' cannot be used with option '-v, --verbose'"],
  ])('usage error %j: command, root and dryRun said, exit 64', async (argv, command, message) => {
    const r = await runOvs(argv, {});
    expect(r.exit).toBe(64);
    expect(r.json).toMatchObject({ ok: false, command, exit: 64, changed: false, error: { exit: 64, message }, changes: [], warnings: [] });
    if (argv.includes('/img')) expect(r.json).toMatchObject({ root: '/img', dryRun: true });
  });

  it('an unknown option of each command: its name in the document', async () => {
    for (const { name } of COMMANDS) {
      const r = await runOvs(['--json', name, '--no-such-option'], {});
      expect(r.exit, name).toBe(64);
      expect(r.json.command).toBe(name);
    }
  });

  it('completion --json: the script as data', async () => {
    const r = await runOvs(['--json', 'completion', 'bash'], {});
    expect(r.json).toMatchObject({ ok: true, command: 'completion', changed: false, result: { shell: 'bash' } });
    expect(r.json.result.script).toContain('complete');
  });
});

describe('--version', () => {
  it('plain: the version alone, no program run; -v: Node and each tool found, asked once each', async () => {
    const plain = await runOvs(['--version'], {});
    expect(plain.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(plain.host.calls).toEqual([]);
    const full = await runOvs(['-V', '-v'], {
      programs: ['mkfs.ocfs2', 'ssh'],
      expect: [
        // The first lines these print (mkfs.ocfs2 1.8.7 on stdout; OpenSSH on stderr).
        { argv: [/mkfs\.ocfs2$/, '-V'], result: { exitCode: 0, stdout: 'mkfs.ocfs2 1.8.7\n' } },
        { argv: [/ssh$/, '-V'], result: { exitCode: 0, stderr: 'OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026\n' } },
      ],
    });
    expect(full.exit).toBe(0);
    const lines = full.stdout.split('\n');
    expect(lines[0]).toMatch(/^ovs \d+\.\d+\.\d+$/);
    expect(lines[1]).toMatch(/^node /);
    expect(lines.find((l) => l.startsWith('mkfs.ocfs2'))).toMatch(/^mkfs\.ocfs2 1\.8\.7 {2}\(\S*mkfs\.ocfs2\)$/);
    expect(lines.find((l) => l.startsWith('ssh'))).toMatch(/^ssh +9\.2p1 {2}\(/);
    expect(lines.find((l) => l.startsWith('iscsiadm'))).toMatch(/^iscsiadm +not installed$/);
  });
});
