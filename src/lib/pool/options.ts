/**
 * The pool options of `ovs cluster-check` (ovs-cluster-check(8)): --propagate, --all-nodes and how to
 * reach the members, declared and validated here so the command adds them with two calls.
 */
import type { Command as Commander } from 'commander';
import { collect } from '../command.js';
import { EXIT, OvsError, shown } from '../errors.js';
import type { PoolSettings } from './propagation.js';
import { DEFAULT_REMOTE_OVS, validateIdentityPath, validateRemoteOvs, validateSshOption, validateSshUser } from './ssh.js';

export interface PoolOptions {
  propagate: boolean;
  allNodes: boolean;
  settings: PoolSettings;
}

export const DEFAULTS = { concurrency: 8, connectTimeout: 10, nodeTimeout: 60 } as const;


export function definePoolOptions(cmd: Commander): Commander {
  return defineSshOptions(
    cmd
      .option('--propagate', 'with --master: send cluster.conf and the O2CB settings to every other node over SSH')
      .option('--all-nodes', "compare every node's cluster.conf and O2CB settings with this host's, over SSH"),
  );
}

/** How to reach the members (also format --all-nodes'). */
export function defineSshOptions(cmd: Commander): Commander {
  return cmd
    .option('--ssh-user <user>', 'log in to the pool members as USER (default: as ssh decides)')
    .option('--ssh-identity <file>', 'private key to log in with (ssh -i)')
    .option('--ssh-option <key=value>', 'extra ssh_config option for every member (repeatable)', collect)
    .option('--accept-new-host-keys', 'record unknown host keys (a changed key is still refused)')
    .option('--concurrency <n>', 'pool members handled at the same time', String(DEFAULTS.concurrency))
    .option('--connect-timeout <seconds>', 'ssh ConnectTimeout for each member', String(DEFAULTS.connectTimeout))
    .option('--node-timeout <seconds>', 'give up on a member after this long', String(DEFAULTS.nodeTimeout))
    .option('--remote-ovs <path>', 'ovs on the pool members (default: ovs, found on their PATH)', DEFAULT_REMOTE_OVS);
}

function integer(flag: string, value: unknown, min: number, max: number): number {
  const text = String(value);
  if (!/^\d{1,6}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new OvsError(EXIT.DATAERR, `${flag} takes a whole number from ${min} to ${max}, not '${shown(text)}'`);
  }
  return Number(text);
}

/** --propagate and --all-nodes need the live machine: cluster-check's `live` says so, cli.ts refuses. */
export function parsePoolOptions(flags: Record<string, unknown>, master: boolean): PoolOptions {
  const propagate = Boolean(flags.propagate);
  const allNodes = Boolean(flags.allNodes);
  if (propagate && !master) throw new OvsError(EXIT.USAGE, '--propagate needs --master', { hint: 'run it on the pool master: ovs cluster-check --master --propagate' });
  return { propagate, allNodes, settings: parsePoolSettings(flags) };
}

export function parsePoolSettings(flags: Record<string, unknown>): PoolSettings {
  const user = flags.sshUser === undefined ? undefined : validateSshUser(String(flags.sshUser));
  const identity = flags.sshIdentity === undefined ? undefined : validateIdentityPath(String(flags.sshIdentity));
  const settings: PoolSettings = {
    ssh: {
      ...(user ? { user } : {}),
      ...(identity ? { identity } : {}),
      options: ((flags.sshOption as string[] | undefined) ?? []).map(validateSshOption),
      acceptNewHostKeys: Boolean(flags.acceptNewHostKeys),
      connectTimeoutSeconds: integer('--connect-timeout', flags.connectTimeout ?? DEFAULTS.connectTimeout, 1, 600),
    },
    remoteOvs: validateRemoteOvs(String(flags.remoteOvs ?? DEFAULT_REMOTE_OVS)),
    nodeTimeoutSeconds: integer('--node-timeout', flags.nodeTimeout ?? DEFAULTS.nodeTimeout, 1, 3600),
    concurrency: integer('--concurrency', flags.concurrency ?? DEFAULTS.concurrency, 1, 64),
  };
  return settings;
}
