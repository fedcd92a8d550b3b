/**
 * The memory host: the same Host as realHost() over memfs, a scripted program runner that
 * refuses any command it was not told about, fake services and a fixed clock. Shipped as
 * part of the library API (docs/design.md, the Host seam): a CI pipeline runs the commands an operator runs and
 * then inspects the files, the commands that would have run and the service actions.
 */
import { Volume } from 'memfs';
import { posix } from 'node:path';
import { errnoError } from '../errors.js';
import type { ConnectOutcome, Host, RunOptions, RunResult } from '../host.js';
import { memFs } from './memory-fs.js';
import { answerService, serviceCall, type FakeService } from './services.js';
import { sha256Hex } from '../sha256.js';

export type { FakeService };

export interface ProgramCall {
  argv: string[];
  input: string;
}

export interface Expectation {
  /** Exact argument vector; a RegExp matches one whole argument. */
  argv: readonly (string | RegExp)[];
  /** The canned answer (exit 0 and empty output when omitted) ... */
  result?: Partial<RunResult>;
  /** ... or a function that answers, and may change the files as the real program would. */
  respond?: (call: ProgramCall, host: MemoryHost) => Partial<RunResult> | Promise<Partial<RunResult>>;
  /** How many calls it answers (default 1; Infinity for any number). */
  times?: number;
}


export interface MemoryHostOptions {
  /** Files by path; a value of null makes a directory. */
  files?: Record<string, string | Uint8Array | null>;
  hostname?: string;
  /** DNS answers (IPv4) by name; /etc/hosts is read from `files`. */
  dns?: Record<string, string[]>;
  /** Programs `which()` finds (base names). Default: DEFAULT_PROGRAMS. */
  programs?: readonly string[];
  /** Commands this run must make (a test fails when one is left unmatched: unusedExpectations). */
  expect?: readonly Expectation[];
  /**
   * Simulated tools (src/lib/doubles/): each answers any number of matching calls, after the
   * expectations and before `fallback`, and is never required (`times` is ignored).
   */
  tools?: readonly Expectation[];
  /**
   * Answers commands no expectation matched (a simulated tool set); returning undefined
   * still refuses the command. Service actions go to the fake services first.
   */
  fallback?: (call: ProgramCall, host: MemoryHost) => Partial<RunResult> | undefined | Promise<Partial<RunResult> | undefined>;
  services?: Record<string, FakeService>;
  now?: Date | string;
  env?: Record<string, string>;
  /** The working directory (default `/`). */
  cwd?: string;
  stdin?: string;
  tty?: boolean;
  /** Answers to interactive prompts, in order. */
  answers?: readonly string[];
  /**
   * What a TCP connection to `address:port` finds. This host has no network: an endpoint not
   * listed is 'unreachable'.
   */
  network?: Record<string, ConnectOutcome>;
  /** Paths that stat() reports as block devices (the file must exist in `files`). */
  blockDevices?: readonly string[];
  freeBytes?: number;
  pid?: number;
  /** Process ids that are alive besides this host's own pid. */
  alivePids?: readonly number[];
}

export const DEFAULT_PROGRAMS = [
  'mkfs.ocfs2', 'tunefs.ocfs2', 'debugfs.ocfs2', 'mounted.ocfs2', 'fsck.ocfs2', 'o2cb', 'ocfs2_hb_ctl',
  'modprobe', 'iscsiadm', 'mount', 'umount', 'mountpoint', 'blkid', 'ssh', 'service', 'sfdisk', 'wipefs', 'dd',
];

export class UnexpectedCommandError extends Error {
  constructor(readonly argv: readonly string[], why = 'no expectation for the command') {
    super(`memory host: ${why}: ${argv.join(' ')}`);
    this.name = 'UnexpectedCommandError';
  }
}

export interface MemoryHost extends Host {
  readonly vol: InstanceType<typeof Volume>;
  /** Everything written to stdout / stderr so far. */
  readonly out: string;
  readonly err: string;
  /** Every program run, in order (service actions included). */
  readonly calls: ProgramCall[];
  /** Service actions as `start o2cb`, in order. */
  readonly serviceLog: string[];
  readonly services: Record<string, FakeService>;
  expect(e: Expectation): void;
  /** Add a simulated tool (MemoryHostOptions.tools). */
  simulate(tool: Expectation): void;
  /** Expectations left unmatched (an unlimited one that never matched included): a strict test fails on them. */
  unusedExpectations(): Expectation[];
  readText(path: string): string;
  exists(path: string): boolean;
  /** Deliver a signal as the terminal or `kill` would (SIGINT, SIGTERM, SIGHUP). */
  interrupt(signal?: string): void;
}

function matches(e: Expectation, argv: readonly string[]): boolean {
  return e.argv.length === argv.length && e.argv.every((a, i) => (typeof a === 'string' ? a === argv[i] : a.test(argv[i] ?? '')));
}

/**
 * onLine sees the canned stdout line by line; a 'stop' cuts the output there, as the real host
 * does. onOutput sees each stream's canned text as one piece.
 */
function streamed(r: RunResult, o: RunOptions): RunResult {
  if (r.stdout) o.onOutput?.(r.stdout, 'stdout');
  if (r.stderr) o.onOutput?.(r.stderr, 'stderr');
  if (!o.onLine || r.stopped) return r;
  const lines = r.stdout.split('\n');
  let upTo = 0;
  for (const line of lines.slice(0, -1)) {
    upTo += line.length + 1;
    if (o.onLine(line) === 'stop') return { ...r, exitCode: 143, stdout: r.stdout.slice(0, upTo), stopped: 'caller' };
  }
  return r;
}

export function memoryHost(opts: MemoryHostOptions = {}): MemoryHost {
  const files: Record<string, string | null> = {};
  const binary: [string, Uint8Array][] = [];
  for (const [k, v] of Object.entries(opts.files ?? {})) {
    if (v instanceof Uint8Array) binary.push([k, v]);
    else files[k] = v;
  }
  const services: Record<string, FakeService> = {};
  for (const [name, s] of Object.entries(opts.services ?? {})) {
    services[name] = { ...s };
    if (s.installed !== false && !(`/etc/init.d/${name}` in files)) files[`/etc/init.d/${name}`] = `#!/bin/sh\n# fake ${name} service\n`;
  }
  const vol = Volume.fromJSON(files);
  for (const [k, v] of binary) {
    vol.mkdirSync(posix.dirname(k), { recursive: true });
    vol.writeFileSync(k, v);
  }
  for (const name of Object.keys(services)) if (vol.existsSync(`/etc/init.d/${name}`)) vol.chmodSync(`/etc/init.d/${name}`, 0o755);

  const fixed = opts.now === undefined ? new Date('2026-11-25T12:00:00Z') : new Date(opts.now);
  const programs = new Set(opts.programs ?? DEFAULT_PROGRAMS);
  const pending: { e: Expectation; left: number; used: number }[] = [];
  const tools: Expectation[] = [];
  const answers = [...(opts.answers ?? [])];
  const alive = new Set([opts.pid ?? 4242, ...(opts.alivePids ?? [])]);
  const interruptHandlers = new Set<(signal: string) => void>();
  let out = '';
  let err = '';

  const host: MemoryHost = {
    vol,
    get out() { return out; },
    get err() { return err; },
    calls: [],
    serviceLog: [],
    services,
    fs: memFs(vol, new Set(opts.blockDevices ?? []), opts.freeBytes ?? 64 * 2 ** 30),
    async run(argv: readonly string[], o: RunOptions = {}): Promise<RunResult> {
      const call = { argv: [...argv], input: o.input === undefined ? '' : Buffer.from(o.input).toString('utf8') };
      host.calls.push(call);
      const slot = pending.find((p) => p.left > 0 && matches(p.e, argv));
      const tool = slot ? undefined : tools.find((t) => matches(t, argv));
      let answer: Partial<RunResult> | undefined;
      if (slot) {
        slot.left -= 1;
        slot.used += 1;
        answer = slot.e.respond ? await slot.e.respond(call, host) : (slot.e.result ?? {});
      } else if (tool) {
        answer = tool.respond ? await tool.respond(call, host) : (tool.result ?? {});
      } else {
        const svc = serviceCall(argv);
        // A service the test did not declare is refused like an unknown program: the test
        // says whether it is installed, running, or absent ({ installed: false }).
        if (svc && services[svc.name]) {
          host.serviceLog.push(`${svc.verb} ${svc.name}`);
          answer = answerService(host, services[svc.name], svc.name, svc.verb);
        } else {
          answer = await opts.fallback?.(call, host);
          if (!answer) throw new UnexpectedCommandError(argv, svc ? `service ${svc.name} was not declared (services: { ${svc.name}: {...} })` : undefined);
        }
      }
      return streamed({ exitCode: 0, stdout: '', stderr: '', ...answer }, o);
    },
    async connect(address, port) {
      return opts.network?.[`${address}:${port}`] ?? 'unreachable';
    },
    async which(program) {
      const base = posix.basename(program);
      return programs.has(base) ? (program.includes('/') ? program : `/usr/sbin/${base}`) : undefined;
    },
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...opts.env },
    cwd: () => opts.cwd ?? '/',
    now: () => new Date(fixed),
    hostname: async () => opts.hostname ?? 'ovs1.example.com',
    resolveDns: async (name) => opts.dns?.[name] ?? opts.dns?.[name.toLowerCase()] ?? [],
    pid: opts.pid ?? 4242,
    processAlive: (pid) => alive.has(pid),
    sleep: async () => {},
    onInterrupt(handler) {
      interruptHandlers.add(handler);
      return () => void interruptHandlers.delete(handler);
    },
    interrupt(signal = 'SIGINT') {
      const handlers = [...interruptHandlers];
      interruptHandlers.clear(); // like the real host: the first signal only
      for (const h of handlers) h(signal);
    },
    randomHex: (() => {
      let n = 0;
      // Deterministic "random" values keep CI plans reproducible (and look like the real ones).
      return (bytes: number) => sha256Hex(`ovs-memory-host-${++n}`).slice(0, bytes * 2).padEnd(bytes * 2, '0');
    })(),
    stdout: { write: (t) => void (out += t), isTTY: Boolean(opts.tty) },
    stderr: { write: (t) => void (err += t), isTTY: Boolean(opts.tty) },
    stdin: {
      isTTY: Boolean(opts.tty),
      readAll: async (maxBytes = Infinity) => {
        if (Buffer.byteLength(opts.stdin ?? '') > maxBytes) throw errnoError('EFBIG', 'standard input');
        return opts.stdin ?? '';
      },
      async prompt(q) {
        err += q;
        return answers.shift() ?? '';
      },
    },
    expect(e) {
      pending.push({ e, left: e.times ?? 1, used: 0 });
    },
    simulate(tool) {
      tools.push(tool);
    },
    // A counted expectation not matched as many times as it says, an unlimited one never matched.
    unusedExpectations: () => pending.filter((p) => (p.left === Infinity ? p.used === 0 : p.left > 0)).map((p) => p.e),
    readText: (path) => String(vol.readFileSync(path, 'utf8')),
    exists: (path) => vol.existsSync(path),
  };
  for (const e of opts.expect ?? []) host.expect(e);
  for (const t of opts.tools ?? []) host.simulate(t);
  return host;
}
