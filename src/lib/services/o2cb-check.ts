/**
 * What "o2cb started" really means. The o2cb init script exits 0 from `start` and from
 * `status` even when it did nothing (O2CB_ENABLED=false, docs/tools.md), so after its
 * start ovs looks further: the settings file, and, where configfs is mounted, whether the
 * boot cluster is registered with this host as its local node.
 */
import type { Context } from '../command.js';
import { configfsPresent, o2cbClusterOnline } from '../cluster/o2cb.js';
import { readO2cbSettingsFile } from '../cluster/settings-file.js';
import { shown } from '../errors.js';

export interface O2cbProblem {
  /** The cluster is known not to be online: the start failed in effect. */
  fatal: boolean;
  message: string;
  hint: string;
}

export async function o2cbProblemAfterStart(ctx: Context): Promise<O2cbProblem | undefined> {
  const settings = await readO2cbSettingsFile(ctx);
  const { O2CB_ENABLED: enabled, O2CB_BOOTCLUSTER: cluster } = settings.effective;
  if (enabled !== 'true') {
    return {
      fatal: false,
      message: `o2cb is disabled (O2CB_ENABLED=${enabled} in ${settings.path}): its start did nothing and no O2CB cluster is online`,
      hint: 'run `ovs cluster-configure` to enable it',
    };
  }
  if (!cluster || !(await configfsPresent(ctx)) || (await o2cbClusterOnline(ctx, cluster))) return undefined;
  return {
    fatal: true,
    message: `was started but the O2CB cluster '${shown(cluster)}' is not online (not registered in configfs)`,
    hint: `check that this host is a node of '${shown(cluster)}' in /etc/ocfs2/cluster.conf, then \`service o2cb status\``,
  };
}
