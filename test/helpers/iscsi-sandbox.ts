/**
 * The initiator side of the iSCSI integration tests: a private copy of /etc/iscsi (and
 * /run, /var/log) under a scratch directory, entered through test/helpers/iscsi-sandbox.sh
 * inside private mount and network namespaces. The machine's own /etc/iscsi is read once,
 * for iscsid.conf, and never written.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inNamespaces, type SandboxResult } from './sandbox.js';
import type { NetNs } from './tgt.js';

const SCRIPT = new URL('./iscsi-sandbox.sh', import.meta.url).pathname;
export const TEST_INITIATOR = 'iqn.1993-08.org.debian:01:ovs-test';

export interface Initiator {
  stateDir: string;
  run(argv: readonly string[], timeoutMs?: number): SandboxResult;
  /** The built CLI (node bin/ovs), inside the sandbox. */
  ovs(args: readonly string[], timeoutMs?: number): SandboxResult;
  iscsiadm(args: readonly string[]): SandboxResult;
  /** Stop an iscsid the init script may have left (it normally dies at once here). */
  cleanup(): void;
}

export function initiator(stateDir: string, netns: NetNs): Initiator {
  const etc = join(stateDir, 'etc-iscsi');
  for (const d of [etc, join(stateDir, 'run', 'lock'), join(stateDir, 'var-log')]) mkdirSync(d, { recursive: true });
  // iscsid.startup would call systemctl, which cannot work without systemd as PID 1.
  const conf = readFileSync('/etc/iscsi/iscsid.conf', 'utf8').replace(/^iscsid\.startup = .*$/m, 'iscsid.startup = /bin/true');
  writeFileSync(join(etc, 'iscsid.conf'), conf);
  writeFileSync(join(etc, 'initiatorname.iscsi'), `InitiatorName=${TEST_INITIATOR}\n`, { mode: 0o600 });
  const run = (argv: readonly string[], timeoutMs = 60_000) => inNamespaces([...netns.enter, 'bash', SCRIPT, stateDir, ...argv], { timeoutMs });
  return {
    stateDir,
    run,
    ovs: (args, timeoutMs) => run([process.execPath, 'bin/ovs', ...args], timeoutMs),
    iscsiadm: (args) => run(['iscsiadm', ...args]),
    cleanup() {
      try {
        const pid = Number(readFileSync(join(stateDir, 'run', 'iscsid.pid'), 'utf8'));
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'iscsid') process.kill(pid, 'SIGKILL');
      } catch {
        /* no pid file, or the daemon is gone */
      }
    },
  };
}
