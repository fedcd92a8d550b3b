/**
 * How `ovs help <command>` reads: the command's own options, then the global ones (so
 * `--root`, `--dry-run`, `--json` are seen where they are used), two or three examples,
 * and defaults and choices printed as an operator types them (`default: 30`, not `"30"`).
 */
import type { Argument, HelpConfiguration, Option } from 'commander';

/** A default worth printing: not an empty list (a repeatable option), not one the description already gives. */
function shownDefault(def: unknown, description: string): boolean {
  if (def === undefined || (Array.isArray(def) && def.length === 0)) return false;
  return !/\(default[: ]/.test(description);
}

function extras(choices: readonly string[] | undefined, def: unknown, defDescription: string | undefined, showDefault: boolean, description: string): string[] {
  const out: string[] = [];
  if (choices) out.push(`choices: ${choices.join(', ')}`);
  if (showDefault && shownDefault(def, description)) out.push(`default: ${defDescription ?? String(def)}`);
  return out;
}

function withExtras(description: string, more: string[]): string {
  if (more.length === 0) return description;
  return description ? `${description} (${more.join(', ')})` : `(${more.join(', ')})`;
}

export const HELP_CONFIGURATION: HelpConfiguration = {
  showGlobalOptions: true,
  optionDescription(o: Option): string {
    // A boolean flag's default (false) says nothing to a user; a value's default does.
    const more = extras(o.argChoices, o.defaultValue, o.defaultValueDescription, o.required || o.optional, o.description);
    if (o.envVar !== undefined) more.push(`env: ${o.envVar}`);
    return withExtras(o.description, more);
  },
  argumentDescription(a: Argument): string {
    return withExtras(a.description, extras(a.argChoices, a.defaultValue, a.defaultValueDescription, true, a.description));
  },
};

/** Two or three typical uses of each command, shown at the end of its help. */
export const EXAMPLES: Record<string, string[]> = {
  'iscsi-prep': [
    'ovs iscsi-prep --portal 192.168.1.50              # discover, choose the targets at the terminal',
    'ovs --dry-run iscsi-prep --portal 192.168.1.50 --keep iqn.2008-09.com.example:pool1   # what would be kept, deleted, logged in',
    'ovs --yes iscsi-prep --portal 192.168.1.50 --keep iqn.2008-09.com.example:pool1 --all-nodes   # last server: every member sees the disk',
  ],
  format: [
    'ovs --yes format /dev/sdb --partition             # one partition, then OCFS2 with the guide\'s defaults',
    'ovs --dry-run format /dev/sdb1 --label pool1',
  ],
  'hb-create': [
    'ovs hb-create                                      # /OVS/.server_pool_hb, 300M, 16 slots',
    'ovs hb-create /var/ovs/mount/UUID/.server_pool_hb --slots 32',
  ],
  'hb-latency': [
    'ovs hb-latency                                     # the cluster root\'s heartbeat storage, 20 I/Os',
    'ovs hb-latency --count 200 --heartbeat-threshold 61 /var/ovs/mount/UUID',
    'ovs --json hb-latency /dev/mapper/ovs_root         # direct reads of the device',
  ],
  'cluster-configure': [
    'ovs cluster-configure --node ovs1.example.com --node ovs2.example.com',
    'ovs cluster-configure --add-node ovs3.example.com=192.168.1.13',
    'ovs --dry-run cluster-configure --remove-node ovs2.example.com',
  ],
  makerepo: [
    'ovs makerepo fileserver.example.com:/OVS C "Cluster Root"',
    'ovs makerepo /dev/sdb1 S "Shared storage"',
    'ovs --root /mnt/sysimage makerepo fileserver.example.com:/OVS C "Cluster Root"',
  ],
  offlinerepo: ['ovs offlinerepo fileserver.example.com:/OVS', 'ovs offlinerepo -d 1C2C5D3E4F5A4B6C8D9E0F1A2B3C4D5E   # also remove its entry'],
  repositories: ['ovs repositories status', 'ovs repositories start', 'ovs --root /mnt/sysimage repositories status'],
  status: ['ovs status', 'ovs --json status', 'ovs --root /mnt/sysimage status'],
  history: ['ovs history --last 10', 'ovs history 20261125T120100Z-4242                  # that run, with the diff of every file it changed'],
  undo: [
    'ovs --dry-run undo 20261125T120100Z-4242           # what would be put back',
    'ovs undo 20261125T120100Z-4242',
    'ovs --yes undo 20261125T120100Z-4242 --force       # also files changed since the run',
  ],
  'cluster-check': [
    'ovs cluster-check',
    'ovs cluster-check --alter-fstab --fail-on never    # in a set -e kickstart',
    'ovs cluster-check --master --propagate             # on the pool master',
  ],
  'pool-identity': ['ovs pool-identity', 'ovs --json pool-identity                           # what cluster-check --all-nodes compares'],
  services: ['ovs services status', 'ovs services restart --kill-heartbeat /dev/sdb1', 'ovs services install                               # the ovsrepositories service, enabled at boot'],
  apply: [
    'ovs --dry-run --save-plan /root/fstab.plan cluster-check --alter-fstab',
    'ovs --dry-run apply /root/fstab.plan               # review it again',
    'ovs apply /root/fstab.plan',
  ],
  demo: ['ovs demo', 'ovs --json demo'],
  completion: [
    'ovs completion bash > /etc/bash_completion.d/ovs',
    'ovs completion zsh > /usr/local/share/zsh/site-functions/_ovs',
    'ovs completion fish > /etc/fish/completions/ovs.fish',
  ],
};

export function examplesText(command: string): string {
  const lines = EXAMPLES[command];
  return lines ? `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}` : '';
}

/** commander's words for a verb outside its choices, in ovs's: `unknown action 'reload' (one of: start, stop)`. */
export function plainParserMessage(msg: string): string {
  const choice = /^command-argument value '(.*)' is invalid for argument '(.*)'\. Allowed choices are (.*)\.$/.exec(msg);
  return choice ? `unknown ${choice[2]} '${choice[1]}' (one of: ${choice[3]})` : msg;
}
