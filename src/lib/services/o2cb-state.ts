/**
 * One answer to "is O2CB running?", for `ovs services status`, the start sequence and
 * cluster-check alike. The o2cb init script's `status` exits 0 whatever the state (with
 * O2CB_ENABLED=false it prints `Checking O2CB cluster "ocfs2": Offline` and exits 0), and
 * systemd's unit is active once its start script returned: neither says the cluster is up.
 * So o2cb counts as running only when the probe says so, does not say Offline, and, where
 * configfs is mounted, the boot cluster is registered there with this host as a node
 * (without configfs the script itself prints Offline).
 */
import type { Context } from '../command.js';
import { configfsPresent, o2cbClusterOnline } from '../cluster/o2cb.js';
import { readO2cbSettingsFile } from '../cluster/settings-file.js';

export interface O2cbState {
  online: boolean;
  /** Why it is not online, in words for the status line (absent when online). */
  reason?: string;
  /** O2CB_ENABLED is not true: the driver is not loaded at boot. */
  disabled: boolean;
}

/** The status line that says which cluster is offline (`Checking O2CB cluster "ocfs2": Offline`). */
const OFFLINE = /^.*:\s*Offline\s*$/im;

export async function o2cbState(ctx: Context, probeOutput: string | undefined): Promise<O2cbState> {
  const settings = await readO2cbSettingsFile(ctx);
  const { O2CB_ENABLED: enabled, O2CB_BOOTCLUSTER: cluster } = settings.effective;
  const disabled = enabled !== 'true';
  const offlineLine = OFFLINE.exec(probeOutput ?? '')?.[0].trim();
  if (offlineLine) return { online: false, disabled, reason: disabled ? `${offlineLine}; O2CB_ENABLED=${enabled}` : offlineLine };
  if (cluster && (await configfsPresent(ctx)) && !(await o2cbClusterOnline(ctx, cluster))) {
    return { online: false, disabled, reason: `cluster '${cluster}' is not registered in configfs with this host as a node` };
  }
  return { online: true, disabled };
}
