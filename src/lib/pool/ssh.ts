/**
 * How `ovs` reaches another pool member: the OpenSSH client, from an argument vector built
 * here and nowhere else. The options every call carries, and why:
 *   BatchMode=yes             never prompt (a kickstart has no one to answer);
 *   ConnectTimeout=N          without it a dead member costs 3 s to over 90 s, and a hung sshd
 *                             blocks forever (docs/tools.md (OpenSSH pools), cases 2c, 2d, 3b);
 *   StrictHostKeyChecking=yes a changed or unknown host key fails; `accept-new` (opt-in) still
 *                             refuses a CHANGED key but records an unknown one. `no` is never
 *                             used: it runs the command even when the key changed (docs/tools.md, OpenSSH pools).
 * ssh takes the FIRST value it sees for an option, so an operator's --ssh-option may not
 * name one of these three (it would be silently ignored): that is refused at parse time.
 *
 * The remote command is a fixed list of shell-safe words: ssh joins them with spaces and the
 * member's login shell reads the line, so no word may carry anything a shell interprets.
 */
import { isNodeName } from '../formats/cluster-conf.js';
import { isIPv4 } from '../formats/ip.js';
import { EXIT, OvsError, shown } from '../errors.js';
import { quoteArg } from '../render.js';

export interface SshSettings {
  /** --ssh-user (default: ssh's own, i.e. the local user or the ssh_config User). */
  user?: string;
  /** --ssh-identity: a private key file on this host. */
  identity?: string;
  /** --ssh-option KEY=VALUE, in the order given. */
  options: string[];
  acceptNewHostKeys: boolean;
  connectTimeoutSeconds: number;
}

/** Where ovs lives on the members: found through the remote PATH (`npm install -g`). */
export const DEFAULT_REMOTE_OVS = 'ovs';

/** Options ovs sets itself; ssh would ignore a second value, so --ssh-option may not set them. */
const OWN_OPTIONS = ['batchmode', 'connecttimeout', 'stricthostkeychecking'];
const OPTION = /^([A-Za-z][A-Za-z0-9]*)=(\S.*)$/;
const USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
/** A word the remote shell reads as itself (no quoting, globbing, expansion or separators). */
const SHELL_WORD = /^[A-Za-z0-9_./+@%:=,-]+$/;

export function validateSshUser(user: string): string {
  if (!USER.test(user)) {
    throw new OvsError(EXIT.DATAERR, `'${shown(user)}' is not a user name`, { while: 'reading --ssh-user', hint: 'letters, digits, "_", "." and "-", starting with a letter or "_"' });
  }
  return user;
}

export function validateSshOption(option: string): string {
  const m = OPTION.exec(option);
  if (!m) {
    throw new OvsError(EXIT.USAGE, `--ssh-option takes KEY=VALUE (an ssh_config(5) option), not '${shown(option)}'`, { hint: '--ssh-option Port=2222' });
  }
  const key = (m[1] as string).toLowerCase();
  if (OWN_OPTIONS.includes(key)) {
    const instead = key === 'connecttimeout' ? '--connect-timeout SECONDS' : key === 'stricthostkeychecking' ? '--accept-new-host-keys' : 'nothing: ovs always runs ssh in batch mode';
    throw new OvsError(EXIT.USAGE, `--ssh-option ${m[1]} cannot be changed: ovs sets it on every ssh call`, { hint: `use ${instead}` });
  }
  return option;
}

export function validateIdentityPath(path: string): string {
  if (path === '' || path.startsWith('-')) throw new OvsError(EXIT.USAGE, `--ssh-identity needs a file name, not '${shown(path)}'`);
  return path;
}

/** The path of ovs on the members: one shell-safe word (it reaches the remote shell). */
export function validateRemoteOvs(path: string): string {
  if (!SHELL_WORD.test(path) || path.startsWith('-')) {
    throw new OvsError(EXIT.DATAERR, `--remote-ovs '${shown(path)}' is not a plain program name or path`, {
      hint: 'letters, digits and "/._+-" only, e.g. /usr/local/bin/ovs',
    });
  }
  return path;
}

/**
 * A member is reached by its node name: a host name by cluster.conf's own rules, which can
 * never start with "-" (so it can never become an ssh option), or an IPv4 address.
 */
export function assertSafeDestination(destination: string): void {
  if (destination.startsWith('-') || !(isNodeName(destination) || isIPv4(destination))) {
    throw new OvsError(EXIT.DATAERR, `'${shown(destination)}' is not a host name or IPv4 address ovs will hand to ssh`, {
      while: 'building the ssh command',
      hint: 'node names in cluster.conf are host names: letters, digits, "-" and "."',
    });
  }
}

/** `ssh [options] -- DESTINATION WORD...`: the exact vector run, and shown to reproduce a failure. */
export function sshArgv(s: SshSettings, destination: string, remote: readonly string[]): string[] {
  assertSafeDestination(destination);
  for (const w of remote) {
    if (!SHELL_WORD.test(w)) throw new OvsError(EXIT.SOFTWARE, `remote command word ${JSON.stringify(w)} is not shell-safe`);
  }
  const argv = ['ssh', '-o', 'BatchMode=yes', '-o', `ConnectTimeout=${s.connectTimeoutSeconds}`, '-o', `StrictHostKeyChecking=${s.acceptNewHostKeys ? 'accept-new' : 'yes'}`];
  if (s.user) argv.push('-l', s.user);
  // "Use this key": without IdentitiesOnly ssh offers every agent key first and a server's
  // MaxAuthTries can refuse before the right one is tried.
  if (s.identity) argv.push('-i', s.identity, '-o', 'IdentitiesOnly=yes');
  for (const o of s.options) argv.push('-o', o);
  // OpenSSH (9.2 checked) honours `--`: nothing after it is read as an ssh option.
  argv.push('--', destination, ...remote);
  return argv;
}

/** The import a member runs: the bundle arrives on stdin, one JSON document comes back. */
export function importCommand(remoteOvs: string, dryRun = false): string[] {
  return [remoteOvs, '--json', ...(dryRun ? ['--dry-run'] : []), 'cluster-configure', '--import', '-'];
}

/** The member's kernel host name (asked only to explain a refusal). */
export const HOSTNAME_COMMAND: readonly string[] = ['uname', '-n'];

/** The command line, quoted for a terminal (display only: it is never run through a shell). */
export function commandLine(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}
