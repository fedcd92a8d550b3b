/**
 * The registry: every `ovs` command, in the order `ovs --help` lists them (the guide's
 * order of work: storage, heartbeat, cluster, repositories, checks, services).
 */
import type { CommandDef } from '../lib/command.js';
import completion from './completion.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const COMMANDS: CommandDef<any, any>[] = [
  completion,
];
