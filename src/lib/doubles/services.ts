/**
 * The memory host's service manager: `service X verb`, `systemctl verb X`, `/etc/init.d/X
 * verb` answered from the services a test (or the demo) declared.
 */
import type { RunResult } from '../host.js';
import type { MemoryHost } from './memory-host.js';

export interface FakeService {
  installed?: boolean; // default true
  running?: boolean; // default false
  /** `start` fails with this answer (the service stays stopped). */
  failStart?: Partial<RunResult>;
  /** What a successful start / stop does to the machine (e.g. o2cb bringing its cluster online). */
  onStart?: (host: MemoryHost) => void;
  onStop?: (host: MemoryHost) => void;
}

/** `service X verb`, `systemctl verb X`, `/etc/init.d/X verb`: the fake service manager. */
export function serviceCall(argv: readonly string[]): { name: string; verb: string } | undefined {
  const [a, b, c] = argv;
  if ((a === 'service' || a === '/usr/sbin/service') && b && c) return { name: b, verb: c };
  if ((a === 'systemctl' || a === '/usr/bin/systemctl') && b && c) return { name: c.replace(/\.service$/, ''), verb: b };
  if (a?.startsWith('/etc/init.d/') && b) return { name: a.slice('/etc/init.d/'.length), verb: b };
  return undefined;
}

export function answerService(host: MemoryHost, svc: FakeService | undefined, name: string, verb: string): Partial<RunResult> {
  if (!svc || svc.installed === false) return { exitCode: 1, stderr: `${name}: unrecognized service\n` };
  switch (verb) {
    case 'start':
    case 'restart':
      if (svc.failStart) return { exitCode: 1, ...svc.failStart };
      svc.running = true;
      svc.onStart?.(host);
      return { exitCode: 0 };
    case 'stop':
      svc.running = false;
      svc.onStop?.(host);
      return { exitCode: 0 };
    case 'status':
    case 'is-active':
      return svc.running ? { exitCode: 0, stdout: `${name} is running\n` } : { exitCode: 3, stdout: `${name} is stopped\n` };
    default: // enable, disable, reload ...
      return { exitCode: 0 };
  }
}
