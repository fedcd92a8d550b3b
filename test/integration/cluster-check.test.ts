/**
 * `ovs cluster-check`, built and run for real (`node bin/ovs --root DIR cluster-check`) on
 * server images written to scratch directories: the healthy server and every failure an
 * image shows by itself (test/fixtures/servers), `--alter-fstab` on a real disk (backup
 * file, modes, a second run that writes nothing), and the heartbeat check against files
 * made by the real mkfs.ocfs2 and mkfs.ext4 and read back by the real tunefs.ocfs2,
 * debugfs.ocfs2, blkid and cmp. --root keeps everything inside the scratch image: the
 * machine's own /etc is never read for the checks nor written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FAILURES } from '../fixtures/servers/failures.js';
import { HEARTBEAT, healthyServer, writeImage, type ServerFixture } from '../fixtures/servers/servers.js';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools, findTool } from '../helpers/tools.js';

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function run(argv: string[]): Run {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw r.error;
  return { status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

function tool(name: string, ...args: string[]): Run {
  const r = run([findTool(name) ?? name, ...args]);
  expect(r.status, `${name} ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

const ovs = (root: string, ...args: string[]): Run => run([process.execPath, 'bin/ovs', '--root', root, ...args]);

const TOOLS = ['mkfs.ocfs2', 'tunefs.ocfs2', 'debugfs.ocfs2', 'blkid', 'cmp', 'mkfs.ext4', 'truncate', 'modprobe'];

describeWithTools(TOOLS, 'cluster-check --root on real server images (ocfs2-tools 1.8.7, e2fsprogs)', () => {
  const scratch = scratchDir('cluster-check');
  let count = 0;

  beforeAll(() => {
    // The test command builds first; a lone `vitest run` of this file builds here.
    if (!existsSync('dist/cli.cjs')) tool('node', 'scripts/build.mjs');
  });
  afterAll(() => scratch.remove());

  function image(s: ServerFixture = healthyServer()): string {
    const dir = join(scratch.path, `img${++count}`);
    writeImage(s, dir);
    return dir;
  }

  /** The FAIL line of a check and the line after it. */
  function failLines(stdout: string, id: string): [string, string] {
    const lines = stdout.split('\n');
    const i = lines.findIndex((l) => l.startsWith(`FAIL  ${id} `));
    expect(i, stdout).toBeGreaterThanOrEqual(0);
    return [lines[i] as string, lines[i + 1] as string];
  }

  it('a healthy image: every check passes or is skipped (offline), exit 0', () => {
    const r = ovs(image(), 'cluster-check');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const summary = lines.pop();
    for (const l of lines) expect(l).toMatch(/^(PASS  \S+ +\S|SKIP  \S+ +skipped \(offline\): )/);
    // heartbeat.file, heartbeat.latency, o2cb.running, o2net.reachable, root-mounted, no-local-ovs
    expect(lines.filter((l) => l.startsWith('SKIP'))).toHaveLength(6);
    expect(summary).toMatch(/^\d+ passed, 0 warnings, 0 failed, 6 skipped$/);
  });

  for (const f of FAILURES.filter((c) => c.offline)) {
    it(`${f.name}: FAIL ${f.id} and its fix, exit 1`, () => {
      const s = healthyServer();
      f.change(s);
      const r = ovs(image(s), 'cluster-check');
      expect(r.status, r.stdout + r.stderr).toBe(1);
      const [line, fix] = failLines(r.stdout, f.id);
      expect(line.replace(/^FAIL  \S+ +/, '')).toBe(f.message);
      expect(fix).toBe(`      fix: ${f.hint}`);
    });
  }

  it('--alter-fstab on disk: lines moved, backup 0600 equal to the original, fstab mode kept, a second run writes nothing', () => {
    const s = healthyServer();
    const corpus = readFileSync(new URL('../fixtures/servers/fstab/below-ovs.fstab', import.meta.url), 'utf8');
    s.files['/etc/fstab'] = corpus;
    delete s.files['/etc/ovs/repositories'];
    const dir = image(s);
    const fstab = join(dir, 'etc/fstab');
    spawnSync('chmod', ['0640', fstab]);
    const r = ovs(dir, 'cluster-check', '--alter-fstab');
    expect(r.stdout).toContain('moved /etc/fstab line 5 (/OVS) to /etc/ovs/repositories: as the cluster root');
    expect(readFileSync(fstab, 'utf8')).toContain('# ovs: moved to /etc/ovs/repositories: /dev/sdb1\t/OVS\tocfs2');
    expect(statSync(fstab).mode & 0o777).toBe(0o640);
    const [run1, ...others] = readdirSync(join(dir, 'var/lib/ovs/backups'));
    expect(others).toEqual([]);
    const backup = join(dir, 'var/lib/ovs/backups', run1 as string, 'etc/fstab');
    expect(readFileSync(backup, 'utf8')).toBe(corpus);
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    expect(r.stdout).toContain(`the previous /etc/fstab is saved as /var/lib/ovs/backups/${run1}/etc/fstab`);
    expect(readFileSync(join(dir, 'etc/ovs/repositories'), 'utf8')).toMatch(/^[0-9A-F]{32} {2}ocfs2 {2}C {5}\/dev\/sdb1 /m);

    const mtime = statSync(fstab).mtimeMs;
    const again = ovs(dir, 'cluster-check', '--alter-fstab');
    expect(again.stdout).toContain('alter-fstab: /etc/fstab has no /OVS line: nothing to move');
    expect(statSync(fstab).mtimeMs).toBe(mtime);
    expect(readdirSync(join(dir, 'var/lib/ovs/backups'))).toHaveLength(1);
  });

  describeWithTools(TOOLS, 'heartbeat.file against real files', () => {
    /** An image whose NFS cluster root holds `.server_pool_hb` made by `make(path)`. */
    function withHeartbeat(make: (path: string) => void): { dir: string; path: string } {
      const dir = image();
      const path = join(dir, HEARTBEAT);
      make(path);
      return { dir, path };
    }

    /** The guide's recipe on a sparse file (mkfs accepts it; docs/tools.md): 136M is the minimum for 16 slots. */
    const mkfsHeartbeat = (path: string, size = '136M') => {
      tool('truncate', '-s', size, path);
      tool('mkfs.ocfs2', '-q', '-L', 'server_pool_hb', '-N', '16', '-b', '2k', '-C', '4k', '--force', path);
    };

    function heartbeatLine(dir: string): { status: number; line: string; fix: string } {
      const r = ovs(dir, 'cluster-check');
      const lines = r.stdout.split('\n');
      const i = lines.findIndex((l) => / heartbeat\.file /.test(l));
      expect(i, r.stdout + r.stderr).toBeGreaterThanOrEqual(0);
      return { status: r.status, line: lines[i] as string, fix: lines[i + 1] as string };
    }

    it('a heartbeat file made by the real mkfs.ocfs2 passes, with what tunefs/debugfs read back', () => {
      const { dir, path } = withHeartbeat((p) => mkfsHeartbeat(p));
      const uuid = tool('tunefs.ocfs2', '-Q', '%U', path).stdout.trim();
      const h = heartbeatLine(dir);
      expect(h.status).toBe(0);
      expect(h.line).toMatch(new RegExp(`^PASS  heartbeat\\.file +${HEARTBEAT} is a valid heartbeat file \\(label server_pool_hb, 16 slots, block 2048, cluster 4096, uuid ${uuid}\\)$`));
    });

    const fix = `      fix: on the pool master, with the cluster services stopped on every server (ovs services stop): ovs hb-create --force ${HEARTBEAT}`;
    const cases: [string, (p: string) => void, string][] = [
      ['a file of zeros', (p) => tool('truncate', '-s', '4M', p), `${HEARTBEAT} holds only zeros: it was zero-filled but never formatted (mkfs.ocfs2 did not run, or failed): not a valid heartbeat file`],
      ['a truncated heartbeat file', (p) => {
        mkfsHeartbeat(p);
        tool('truncate', '-s', '64M', p);
      }, `${HEARTBEAT} is truncated: 64 MiB long but its OCFS2 volume spans 136 MiB: not a valid heartbeat file`],
      ['an ext4 image', (p) => {
        tool('truncate', '-s', '8M', p);
        tool('mkfs.ext4', '-F', '-q', p);
      }, `${HEARTBEAT} holds an ext4 file system, not OCFS2: not a valid heartbeat file`],
      ['another label', (p) => {
        tool('truncate', '-s', '136M', p);
        tool('mkfs.ocfs2', '-q', '-L', 'mylabel', '-N', '16', '-b', '2k', '-C', '4k', '--force', p);
      }, `${HEARTBEAT} is an OCFS2 heartbeat with label 'mylabel' (expected 'server_pool_hb'): not a valid heartbeat file`],
    ];
    const seen = new Set<string>();
    for (const [name, make, message] of cases) {
      it(`${name}: FAIL with its own message`, () => {
        const { dir } = withHeartbeat(make);
        const h = heartbeatLine(dir);
        expect(h.status).toBe(1);
        expect(h.line.replace(/^FAIL  heartbeat\.file +/, '')).toBe(message);
        expect(h.fix).toBe(fix);
        expect(seen.has(message)).toBe(false);
        seen.add(message);
      });
    }
  });
});
