/**
 * A real iSCSI target for integration tests: tgtd (the userspace target of the tgt package)
 * on a 127.0.0.x address inside a private network namespace, with N file-backed LUNs.
 *
 * - The network namespace is held by a `sleep` started under `unshare --net`; tgtd and every
 *   initiator command enter it with `nsenter --net=/proc/PID/ns/net`, so port 3260 of the
 *   machine is never used and parallel runs cannot collide.
 * - Each tgtd gets its own control socket (TGT_IPC_SOCKET=STATE/ipc, tgtd(8)), so several
 *   instances never meet the distribution's /var/run/tgtd.
 * - tgtd ignores SIGTERM (its handler is empty): stopping it means taking it offline, deleting
 *   its targets, then `--op delete --mode system`; SIGKILL by pid is the fallback.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NetNs {
  pid: number;
  /** argv prefix that runs a program inside the namespace. */
  enter: string[];
  stop(): void;
}

export interface Tgt {
  pid: number;
  address: string;
  iqns: string[];
  stateDir: string;
  stop(): void;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Running (not a zombie) and really that program. */
export function alive(pid: number, comm: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.split(') ')[1]?.[0] !== 'Z' && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm;
  } catch {
    return false;
  }
}

/** SIGKILL by pid, only if it is still that program; waits until it is gone. */
function killIf(pid: number, comm: string): void {
  if (alive(pid, comm)) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && alive(pid, comm); i++) sleep(10);
}

/** A private network namespace with `lo` up, held open by a sleep we own. */
export function startNetns(): NetNs {
  const child = spawn('unshare', ['--net', '--', 'bash', '-c', 'ip link set lo up && exec sleep 3600'], { stdio: 'ignore', detached: true });
  const pid = child.pid;
  if (pid === undefined) throw new Error('unshare --net did not start');
  child.unref();
  const enter = ['nsenter', `--net=/proc/${pid}/ns/net`, '--'];
  for (let i = 0; i < 100; i++) {
    const up = spawnSync(enter[0] as string, [...enter.slice(1), 'ip', '-o', 'link', 'show', 'lo'], { encoding: 'utf8' });
    if (alive(pid, 'sleep') && /[<,]UP[,>]/.test(up.stdout)) return { pid, enter, stop: () => killIf(pid, 'sleep') };
    sleep(20);
  }
  killIf(pid, 'sleep');
  killIf(pid, 'bash');
  throw new Error('the private network namespace did not come up');
}

function tgtadm(stateDir: string, args: string[], check = true): string {
  const r = spawnSync('tgtadm', args, { encoding: 'utf8', env: { ...process.env, TGT_IPC_SOCKET: join(stateDir, 'ipc') } });
  if (check && r.status !== 0) throw new Error(`tgtadm ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.status === 0 ? r.stdout : '';
}

export interface TgtOptions {
  netns: NetNs;
  stateDir: string;
  address: string;
  targets: number;
  iqnPrefix: string;
  /** LUN size (sparse files). */
  size?: number;
}

/** tgtd on ADDRESS:3260 with targets PREFIX:target1..N, each with one LUN. */
export function startTgt(o: TgtOptions): Tgt {
  if (!o.address.startsWith('127.')) throw new Error(`refusing non-loopback address ${o.address}`);
  mkdirSync(o.stateDir, { recursive: true });
  const log = openSync(join(o.stateDir, 'tgtd.log'), 'w');
  const [cmd, ...pre] = o.netns.enter;
  // nsenter does not fork for a network namespace: its pid becomes tgtd's.
  const child = spawn(cmd as string, [...pre, 'tgtd', '-f', '--iscsi', `portal=${o.address}:3260`], {
    stdio: ['ignore', log, log],
    detached: true,
    env: { ...process.env, TGT_IPC_SOCKET: join(o.stateDir, 'ipc') },
  });
  closeSync(log);
  child.unref();
  const pid = child.pid ?? -1;
  writeFileSync(join(o.stateDir, 'tgtd.pid'), `${pid}\n`);
  const t: Tgt = { pid, address: o.address, iqns: [], stateDir: o.stateDir, stop: () => stopTgt(t) };
  for (let i = 0; i < 100 && tgtadm(o.stateDir, ['--mode', 'sys', '--op', 'show'], false) === ''; i++) sleep(50);
  try {
    tgtadm(o.stateDir, ['--mode', 'sys', '--op', 'show']);
    for (let tid = 1; tid <= o.targets; tid++) {
      const iqn = `${o.iqnPrefix}:target${tid}`;
      const lun = join(o.stateDir, `lun${tid}.img`);
      writeFileSync(lun, '');
      truncateSync(lun, o.size ?? 64 * 2 ** 20);
      tgtadm(o.stateDir, ['--lld', 'iscsi', '--op', 'new', '--mode', 'target', '--tid', String(tid), '-T', iqn]);
      tgtadm(o.stateDir, ['--lld', 'iscsi', '--op', 'new', '--mode', 'logicalunit', '--tid', String(tid), '--lun', '1', '-b', lun]);
      tgtadm(o.stateDir, ['--lld', 'iscsi', '--op', 'bind', '--mode', 'target', '--tid', String(tid), '-I', 'ALL']);
      t.iqns.push(iqn);
    }
  } catch (e) {
    stopTgt(t);
    throw e;
  }
  return t;
}

export function stopTgt(t: Tgt): void {
  if (!alive(t.pid, 'tgtd')) return;
  tgtadm(t.stateDir, ['--op', 'update', '--mode', 'sys', '--name', 'State', '-v', 'offline'], false);
  const shown = tgtadm(t.stateDir, ['--lld', 'iscsi', '--op', 'show', '--mode', 'target'], false);
  for (const m of shown.matchAll(/^Target (\d+):/gm)) {
    tgtadm(t.stateDir, ['--lld', 'iscsi', '--op', 'delete', '--mode', 'target', '--tid', m[1] as string, '--force'], false);
  }
  tgtadm(t.stateDir, ['--op', 'delete', '--mode', 'system'], false);
  for (let i = 0; i < 40 && alive(t.pid, 'tgtd'); i++) sleep(50);
  killIf(t.pid, 'tgtd');
}

