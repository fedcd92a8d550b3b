/**
 * Simulated pool members for the propagation tests: real sshd hosts, each in network, mount
 * and UTS namespaces of its own, driven through test/helpers/test-hosts.sh (see its header).
 * The pool master runs inside vmserver1 like on a real pool; the test reads and seeds each
 * host's files from outside (STATEDIR/hosts/vmserverK/etc-ocfs2) or from inside (exec).
 *
 * Clean-up: stop() (call it in afterAll) runs `down`, which stops every process of every
 * host by its pid and deletes the namespaces; a process exit hook does the same if a run is
 * cut short, and the next start() clears what a killed run left behind.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const TEST_HOSTS_SCRIPT = join(import.meta.dirname, 'test-hosts.sh');
/** What the harness needs (for describeWithTools). */
export const TEST_HOSTS_TOOLS = ['ssh', 'ssh-keygen', '/usr/sbin/sshd', 'ip', 'nsenter', 'unshare', 'node'];

export type FailureMode = 'sshd-down' | 'unreachable' | 'hostkey' | 'auth' | 'hang' | 'rename';

export interface TestHost {
  name: string;
  ip: string;
  netns: string;
  /** STATEDIR/hosts/<name>: etc-ocfs2/ is the host's /etc/ocfs2, bin/ its /usr/local/sbin. */
  dir: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface StartOptions {
  n: number;
  /** Namespace prefix (at most 8 lower-case letters/digits), unique per test file. */
  prefix: string;
  statedir: string;
  /** Where the hosts' `ovs` comes from: a directory with bin/ovs and dist/ (snapshotBuild). */
  repo: string;
  subnet?: string;
}

function script(args: string[], opts: { input?: string; timeoutMs?: number } = {}): ExecResult {
  const t0 = performance.now();
  const r = spawnSync('bash', [TEST_HOSTS_SCRIPT, ...args], { input: opts.input ?? '', encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000 });
  if (r.error) throw r.error;
  return { exitCode: r.status ?? 128, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

function must(r: ExecResult, what: string): ExecResult {
  if (r.exitCode !== 0) throw new Error(`test-hosts.sh ${what} failed (exit ${r.exitCode}): ${r.stderr}`);
  return r;
}

export class TestPool {
  readonly hosts: TestHost[];
  readonly key: string;
  readonly knownHosts: string;
  private stopped = false;
  private readonly onExit = () => this.stop();

  constructor(readonly statedir: string, readonly repo: string) {
    this.hosts = JSON.parse(readFileSync(join(statedir, 'hosts.json'), 'utf8')) as TestHost[];
    this.key = join(statedir, 'id_ed25519');
    this.knownHosts = join(statedir, 'known_hosts');
    process.once('exit', this.onExit);
  }

  host(h: number | string): TestHost {
    const found = typeof h === 'number' ? this.hosts[h - 1] : this.hosts.find((x) => x.name === h);
    if (!found) throw new Error(`no test host ${h}`);
    return found;
  }

  /**
   * Run argv inside a host (its network, mount and UTS namespaces), in the current directory:
   * what `test-hosts.sh exec` does, without a bash start-up per call.
   */
  exec(h: number | string, argv: string[], opts: { input?: string; timeoutMs?: number } = {}): ExecResult {
    const holder = readFileSync(join(this.host(h).dir, 'holder.pid'), 'utf8').trim();
    const t0 = performance.now();
    const r = spawnSync('nsenter', ['-t', holder, '-n', '-m', '-u', `--wd=${process.cwd()}`, '--', ...argv], {
      input: opts.input ?? '',
      encoding: 'utf8',
      timeout: opts.timeoutMs ?? 120_000,
    });
    if (r.error) throw r.error;
    return { exitCode: r.status ?? 128, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
  }

  /** The built ovs (the snapshot), run inside a host. */
  ovs(h: number | string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): ExecResult {
    return this.exec(h, [process.execPath, join(this.repo, 'bin/ovs'), ...args], opts);
  }

  fail(h: number | string, mode: FailureMode): void {
    must(script(['fail', '-d', this.statedir, '-h', this.host(h).name, mode]), `fail ${mode}`);
  }

  heal(h: number | string): void {
    must(script(['heal', '-d', this.statedir, '-h', this.host(h).name]), 'heal');
  }

  /** A file as the host sees it (undefined when absent). */
  readFile(h: number | string, path: string): string | undefined {
    const r = this.exec(h, ['cat', '--', path]);
    return r.exitCode === 0 ? r.stdout : undefined;
  }

  writeFile(h: number | string, path: string, content: string): void {
    must(this.exec(h, ['sh', '-c', 'mkdir -p "$(dirname "$1")" && cat >"$1"', 'write', path], { input: content }), `write ${path}`);
  }

  removeFile(h: number | string, path: string): void {
    this.exec(h, ['rm', '-f', '--', path]);
  }

  /** The host's /etc/ocfs2/cluster.conf, read from outside (a plain bind-mounted directory). */
  clusterConf(h: number | string): Buffer | undefined {
    const p = join(this.host(h).dir, 'etc-ocfs2', 'cluster.conf');
    return existsSync(p) ? readFileSync(p) : undefined;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    process.removeListener('exit', this.onExit);
    const down = script(['down', '-d', this.statedir]);
    // Once every process is gone, nothing of the pool is left behind (keys, overlays).
    if (down.exitCode === 0) rmSync(this.statedir, { recursive: true, force: true });
  }
}

/**
 * A private copy of the built ovs (bin/, dist/, package.json) for the hosts to run. dist/
 * loads its chunks lazily, so a process started from the checkout can fail with
 * ERR_MODULE_NOT_FOUND when someone rebuilds while it runs; a copy never changes under it.
 */
export function snapshotBuild(repo: string, dest: string): string {
  if (!existsSync(join(repo, 'dist', 'cli.cjs'))) throw new Error('dist/ is missing: run npm run build first (npm test does)');
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  for (const f of ['bin', 'dist', 'package.json']) cpSync(join(repo, f), join(dest, f), { recursive: true });
  return dest;
}

/** Bring up N hosts (after clearing anything a killed earlier run left in the same statedir). */
export function startTestHosts(o: StartOptions): TestPool {
  if (existsSync(join(o.statedir, 'state'))) script(['down', '-d', o.statedir]);
  const args = ['up', '-d', o.statedir, '-n', String(o.n), '-p', o.prefix, '--ovs-repo', o.repo];
  if (o.subnet) args.push('-s', o.subnet);
  must(script(args), 'up');
  return new TestPool(o.statedir, o.repo);
}
