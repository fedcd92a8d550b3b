/**
 * The Host seam: everything `ovs` needs from the machine — files, programs, clock,
 * terminal, environment, names. realHost() (real-host.ts) is the ONLY code that touches
 * node:fs, child processes, process, Date and the terminal; doubles/memory-host.ts is its twin for
 * tests and CI pipelines. Paths given to a Host are machine paths (no --root applied: that is
 * paths.ts), and programs always run from an argument vector, never through a shell.
 */

export type FileKind = 'file' | 'dir' | 'symlink' | 'block' | 'char' | 'other';

export interface FileStat {
  kind: FileKind;
  size: number;
  mode: number; // permission bits only
  uid: number;
  gid: number;
  mtimeMs: number;
  /** 512-byte blocks allocated (tells a sparse file from a fully allocated one). */
  blocks: number;
}

export interface WriteOptions {
  mode?: number;
  /** Fail with EEXIST when the file exists (O_EXCL). */
  exclusive?: boolean;
  /** fsync the data before close. */
  fsync?: boolean;
  /** Fail with ELOOP when the last component is a symbolic link (O_NOFOLLOW). */
  noFollow?: boolean;
}

/**
 * An open directory. `path` (/proc/self/fd/N) reaches the directory itself, whatever is
 * renamed or replaced on the way to it since: `${path}/name` is openat(N, name) for every
 * path-based call. `realPath()` is where the directory really is now (the kernel's name).
 */
export interface DirHandle {
  readonly path: string;
  /** The same directory for a program ovs starts (/proc/PID/fd/N), while the handle is open. */
  readonly forPrograms: string;
  realPath(): Promise<string>;
  close(): Promise<void>;
}

export interface ReadFileOptions {
  /** Fail with EFBIG once more than this many bytes have been read. */
  maxBytes?: number;
  /** Fail with ELOOP when the last component is a symbolic link. */
  noFollow?: boolean;
}

/** Promise-based file operations; errors carry a Node-style `code` (ENOENT, EACCES ...). */
export interface HostFs {
  /** A regular file's content; a directory is EISDIR, a FIFO, device or socket EFTYPE. */
  readFile(path: string, opts?: ReadFileOptions): Promise<Buffer>;
  writeFile(path: string, data: string | Uint8Array, opts?: WriteOptions): Promise<void>;
  /**
   * Append in one write. `durable`: fsync before returning (a write-ahead journal's intent);
   * `noFollow`: refuse a symbolic link as the last component.
   */
  appendFile(path: string, data: string, mode?: number, opts?: { noFollow?: boolean; durable?: boolean }): Promise<void>;
  lstat(path: string): Promise<FileStat>;
  stat(path: string): Promise<FileStat>;
  readdir(path: string): Promise<string[]>;
  readlink(path: string): Promise<string>;
  mkdir(path: string, mode?: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  symlink(target: string, path: string): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  chown(path: string, uid: number, gid: number): Promise<void>;
  /** chown of a symbolic link itself (never its target). */
  lchown?(path: string, uid: number, gid: number): Promise<void>;
  /** A handle on a directory (real host with /proc only): see DirHandle. */
  openDir?(path: string): Promise<DirHandle>;
  /** fsync a directory so a rename inside it is durable. */
  syncDir(path: string): Promise<void>;
  /** Free bytes for an unprivileged writer on the file system holding path. */
  freeBytes(path: string): Promise<number>;
}

export interface RunOptions {
  input?: string | Uint8Array;
  timeoutMs?: number;
  env?: Record<string, string>;
  cwd?: string;
  /**
   * Each line of stdout as it arrives (a measurement that must stop early); answering
   * 'stop' ends the program (SIGTERM) and the run returns at once with `stopped: 'caller'`.
   */
  onLine?: (line: string) => 'stop' | void;
  /** End the program the same way when it prints nothing for this long (`stopped: 'silence'`). */
  silenceMs?: number;
  /** Each piece of output as it arrives, unsplit (live progress: mkfs.ocfs2's stages, dd's byte counts). */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The program does not exist (exitCode is then 127). */
  notFound?: boolean;
  timedOut?: boolean;
  /**
   * Ended early by onLine or silenceMs: the output is what came before. A program blocked
   * in the kernel (an I/O in flight) dies when the kernel returns to it; the run does not
   * wait for that.
   */
  stopped?: 'caller' | 'silence';
}

/** A TCP connection attempt: accepted, refused (a host answered), or no answer at all. */
export type ConnectOutcome = 'open' | 'refused' | 'timeout' | 'unreachable';

export interface Writer {
  write(text: string): void;
  readonly isTTY: boolean;
  /** The terminal stream itself, for a spinner (real host only). */
  readonly stream?: NodeJS.WritableStream;
}

export interface Stdin {
  readonly isTTY: boolean;
  /** Everything on standard input; more than maxBytes is EFBIG (`< /dev/zero` must not run forever). */
  readAll(maxBytes?: number): Promise<string>;
  /** Ask a question on the terminal (stderr) and return the answer line. */
  prompt(question: string): Promise<string>;
}

export interface Host {
  fs: HostFs;
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** The absolute path of a program on this machine, or undefined. */
  which(program: string): Promise<string | undefined>;
  env: Readonly<Record<string, string | undefined>>;
  /** The working directory (a relative --root is taken from it). */
  cwd(): string;
  now(): Date;
  /** The live kernel hostname. */
  hostname(): Promise<string>;
  /** IPv4 addresses from DNS (not /etc/hosts: that is read through fs, under --root). */
  resolveDns(name: string): Promise<string[]>;
  /** Try a TCP connection (closed at once), giving up after timeoutMs. */
  connect(address: string, port: number, timeoutMs: number): Promise<ConnectOutcome>;
  pid: number;
  /** The Node.js running ovs (`v20.19.0`), for `ovs --version --verbose`. */
  readonly nodeVersion?: string;
  processAlive(pid: number): boolean;
  /**
   * Call `handler` on the first SIGINT, SIGTERM or SIGHUP; the programs running at that
   * moment get the signal too, so the step in progress fails and its clean-up runs. A
   * second signal acts as if nothing was registered. Returns the way to unregister.
   */
  onInterrupt(handler: (signal: string) => void): () => void;
  sleep(ms: number): Promise<void>;
  randomHex(bytes: number): string;
  stdout: Writer;
  stderr: Writer;
  stdin: Stdin;
}
