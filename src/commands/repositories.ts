/**
 * `ovs repositories start|stop|status|reload`: the ovsrepositories service (ovs-makerepo(8)), which
 * contrib/ovsrepositories.init and contrib/ovsrepositories.service call at boot, after o2cb
 * and ocfs2 and before ovs-agent. start/stop/reload need the live machine; status works
 * under --root too (listing the entries; nothing is mounted in an image).
 * Exit status: 0 done; 69 when a repository could not be mounted or unmounted (the others
 * are still done); for status, 3 when a registered repository is not mounted (LSB's and
 * systemctl's "not running").
 */
import { Argument, type Command } from 'commander';
import { defineCommand, type Context } from '../lib/command.js';
import { EXIT } from '../lib/errors.js';
import {
  reloadRepositories,
  repositoriesStatus,
  startRepositories,
  stopRepositories,
  type RepoOutcome,
  type RepoStatus,
} from '../lib/repos/service.js';
import { REPOSITORIES_FILE } from '../lib/system-paths.js';

const ACTIONS = ['start', 'stop', 'status', 'reload'] as const;
type Action = (typeof ACTIONS)[number];

interface Options {
  action: Action;
}

export interface RepositoriesResult {
  action: Action;
  /** start, stop, reload: what happened to each repository, in order. */
  outcomes: RepoOutcome[];
  /** status: every registered repository, cluster root first. */
  repositories: RepoStatus[];
  ovsLink?: string;
  offline: boolean;
}

/** The action is one of ACTIONS: commander refuses any other word (help and completion list the same). */
function options(args: string[]): Options {
  return { action: args[0] as Action };
}

async function run(ctx: Context, o: Options): Promise<RepositoriesResult> {
  const base = { action: o.action, outcomes: [] as RepoOutcome[], repositories: [] as RepoStatus[], offline: ctx.offline };
  if (o.action === 'status') return { ...base, ...(await repositoriesStatus(ctx)) };
  const outcomes = o.action === 'start' ? await startRepositories(ctx) : o.action === 'stop' ? await stopRepositories(ctx) : await reloadRepositories(ctx);
  return { ...base, outcomes };
}

const pad = (s: string, n: number) => s.padEnd(n);

function statusLines(r: RepositoriesResult): string[] {
  if (r.repositories.length === 0) return [`no repositories in ${REPOSITORIES_FILE}`];
  const lines = [`${pad('UUID', 34)}${pad('TYPE', 7)}${pad('ROLE', 6)}${pad('MOUNTED', 9)}SOURCE`];
  for (const s of r.repositories) {
    const mounted = s.mounted === undefined ? 'offline' : s.mounted ? 'yes' : 'no';
    lines.push(`${pad(s.uuid, 34)}${pad(s.type, 7)}${pad(s.role, 6)}${pad(mounted, 9)}${s.source}`);
  }
  lines.push(r.ovsLink ? `/OVS -> ${r.ovsLink}` : '/OVS is not a link to a cluster root');
  return lines;
}

function human(r: RepositoriesResult): string[] {
  if (r.action === 'status') return statusLines(r);
  if (r.outcomes.length === 0) return [`no repositories in ${REPOSITORIES_FILE}: nothing to ${r.action}`];
  const lines: string[] = [];
  for (const o of r.outcomes) {
    lines.push(`${o.uuid}  ${pad(o.type, 6)} ${o.role}  ${o.source}: ${o.outcome}`);
    if (o.error) lines.push(`  ${o.error}`, ...(o.hint ? [`  hint: ${o.hint}`] : []));
  }
  return lines;
}

function exitCode(r: RepositoriesResult): number {
  if (r.action === 'status') return r.repositories.some((s) => s.mounted === false) ? EXIT.NOT_RUNNING : EXIT.OK;
  return r.outcomes.some((o) => o.outcome === 'failed') ? EXIT.UNAVAILABLE : EXIT.OK;
}

export default defineCommand<Options, RepositoriesResult>({
  name: 'repositories',
  summary: 'The ovsrepositories service: start|stop|status|reload every repository of /etc/ovs/repositories',
  // status only reads: it answers while another run holds the lock (a boot in progress).
  lock: (o) => o.action !== 'status',
  // Only status reads an image; the others act on the running system's mounts.
  live: (o) => (o.action === 'status' ? undefined : `repositories ${o.action}`),
  unplannable: (o) => (o.action === 'start' || o.action === 'reload' ? 'the storage must first be mounted: the .ovsrepo on it decides the uuid and whether one is written' : undefined),
  // Choices: help, validation and completion read the one list.
  define: (cmd: Command) => cmd.addArgument(new Argument('<action>', 'what to do with the repositories').choices(ACTIONS)),
  options,
  run,
  human,
  exitCode,
});
