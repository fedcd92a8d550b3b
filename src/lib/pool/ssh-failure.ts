/**
 * Why an ssh call to a pool member failed, in words an operator acts on. ssh exits 255 both
 * when it failed itself and when the remote command was killed, so the reason is read from
 * its stderr: the patterns below are OpenSSH 9.2's exact texts, recorded against real sshds
 * in docs/tools.md (OpenSSH pools) (the case numbers refer to its table). A remote command's own
 * non-zero status comes back unchanged and is classified by the caller (remote.ts).
 */
import type { RunResult } from '../host.js';
import { lastLine } from '../program-output.js';
import { installHint } from '../programs.js';

export type FailureKind =
  | 'connection-refused'
  | 'unreachable'
  | 'banner-timeout'
  | 'unresolved'
  | 'host-key-changed'
  | 'host-key-unknown'
  | 'permission-denied'
  | 'node-timeout'
  | 'ssh-missing'
  | 'ssh-failed'
  | 'remote-ovs-missing'
  | 'remote-rejected'
  | 'remote-failed'
  | 'bad-answer'
  | 'hostname-mismatch'
  | 'content-mismatch';

export interface Failure {
  kind: FailureKind;
  /** The reason in words, shown as `failed: <reason>`. */
  reason: string;
  /** One actionable line, when there is one. */
  hint?: string;
}


/** `Offending ED25519 key in /root/.ssh/known_hosts:2` and the `ssh-keygen -R` line below it. */
function hostKeyHint(stderr: string): string | undefined {
  const remove = /ssh-keygen -f "([^"]+)" -R "([^"]+)"/.exec(stderr);
  if (remove) return `if the member was reinstalled, check its new key fingerprint, then: ssh-keygen -f "${remove[1]}" -R "${remove[2]}"`;
  return undefined;
}

interface Rule {
  test: RegExp;
  failure: (m: RegExpExecArray, stderr: string) => Failure;
}

// Order matters: "timed out during banner exchange" also contains "Connection timed out",
// and a changed key also ends in "Host key verification failed.".
const RULES: Rule[] = [
  {
    test: /REMOTE HOST IDENTIFICATION HAS CHANGED/,
    failure: (_m, stderr) => ({ kind: 'host-key-changed', reason: 'host key changed (it no longer matches known_hosts; ssh refused to connect)', ...withHint(hostKeyHint(stderr)) }),
  },
  {
    test: /Host key verification failed\./,
    failure: () => ({
      kind: 'host-key-unknown',
      reason: 'host key unknown (the member is not in known_hosts and strict checking is on)',
      hint: 'add its key to known_hosts after checking the fingerprint, or run again with --accept-new-host-keys',
    }),
  },
  {
    test: /no such identity: ([^\n]*?): No such file or directory/,
    failure: (m) => ({ kind: 'permission-denied', reason: `permission denied (publickey): the identity file ${m[1]} does not exist`, hint: 'give an existing private key with --ssh-identity' }),
  },
  {
    test: /Permission denied \(([^)\n]*)\)/,
    failure: (m) => ({
      kind: 'permission-denied',
      reason: `permission denied (${m[1]}): the key was not accepted`,
      hint: "add this host's public key to the member's authorized_keys, or choose the key with --ssh-identity / the user with --ssh-user",
    }),
  },
  {
    test: /Connection timed out during banner exchange/,
    failure: () => ({ kind: 'banner-timeout', reason: 'no answer from sshd (connected, but timed out during banner exchange: sshd hung or overloaded)', hint: 'check sshd on the member' }),
  },
  {
    test: /port (\d+): Connection refused/,
    failure: (m) => ({ kind: 'connection-refused', reason: `connection refused (nothing listens on port ${m[1]}: sshd is not running)`, hint: 'start sshd on the member' }),
  },
  {
    test: /port \d+: Connection timed out/,
    failure: () => ({ kind: 'unreachable', reason: 'unreachable: connection timed out (the member is down or its network link is cut)', hint: 'check that the member is up and its network link is connected' }),
  },
  {
    test: /port \d+: (No route to host|Network is unreachable)/,
    failure: (m) => ({ kind: 'unreachable', reason: `unreachable: ${(m[1] as string).toLowerCase()} (the member is down or its network link is cut)`, hint: 'check that the member is up and its network link is connected' }),
  },
  {
    test: /Could not resolve hostname ([^:\n]+): ([^\n]*)/,
    failure: (m) => ({ kind: 'unresolved', reason: `the name ${m[1]} does not resolve (${(m[2] as string).trim()})`, hint: `add ${m[1]} to /etc/hosts or DNS` }),
  },
];

function withHint(hint: string | undefined): { hint?: string } {
  return hint ? { hint } : {};
}

/**
 * The failure of an ssh call that did not reach the remote command, or undefined when ssh
 * itself succeeded (the remote command's status is then the caller's business).
 */
export function sshFailure(r: RunResult, timeoutSeconds: number): Failure | undefined {
  if (r.notFound) return { kind: 'ssh-missing', reason: 'ssh is not installed on this host', hint: installHint('unknown', 'ssh') };
  if (r.timedOut) {
    return { kind: 'node-timeout', reason: `no answer within ${timeoutSeconds} s (per-member timeout; ssh was stopped)`, hint: 'check the member, or raise --node-timeout' };
  }
  if (r.exitCode !== 255) return undefined;
  for (const rule of RULES) {
    const m = rule.test.exec(r.stderr);
    if (m) return rule.failure(m, r.stderr);
  }
  const last = lastLine(r.stderr);
  // Measured on the test pool: a remote shell killed by a signal also gives 255, with nothing on stderr.
  return { kind: 'ssh-failed', reason: last ? `ssh failed (exit 255): ${last}` : 'ssh failed or the remote command was killed (exit 255, no message)' };
}

