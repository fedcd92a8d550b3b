/**
 * What the master sends to every pool member: its cluster.conf, byte for byte, and the O2CB
 * settings in force on it, packed as one bundle (formats/bundle.ts). Everything is read and
 * validated here, before the first connection: a master whose own configuration is broken
 * must not copy it to the whole pool.
 *
 * The bundle carries the EFFECTIVE value of every O2CB key (defaults filled in), not only the
 * keys the master's file spells out: ovs-cluster-configure(8) wants identical values on every server, and a
 * member with its own O2CB_IDLE_TIMEOUT_MS would otherwise keep it while the master runs on
 * the default.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError, shown } from '../errors.js';
import { sha256Hex, serializeBundle } from '../formats/bundle.js';
import { parseClusterConf, validateCluster, type Cluster, type ClusterConfFile } from '../formats/cluster-conf.js';
import { inFile, tryFormat } from '../formats/format-error.js';
import { parseO2cbSettings, validateO2cbSettings, type O2cbValues } from '../formats/o2cb-settings.js';
import { poolCluster } from '../cluster/boot-cluster.js';
import { readO2cbSettingsFile } from '../cluster/settings-file.js';
import { thisHostname } from '../resolve.js';
import { isClusterNode } from './member.js';
import { CLUSTER_CONF } from '../system-paths.js';
import { readSystemFile } from '../system-file.js';

const CONFIGURE_HINT = 'configure the cluster on this host first: ovs cluster-configure --node NAME=IP ...';

export interface MasterConfig {
  hostname: string;
  cluster: Cluster;
  /** This host is one of the cluster's nodes. */
  isNode: boolean;
  clusterConf: string;
  clusterConfSha256: string;
  o2cbSettingsPath: string;
  o2cb: O2cbValues;
  /** The serialized bundle, as sent on every member's stdin. */
  bundle: string;
}

/** The cluster the pool runs (boot-cluster.ts), named by O2CB_BOOTCLUSTER: the members start that one. */
function chooseCluster(conf: ClusterConfFile, boot: string): Cluster {
  const pool = poolCluster(conf, boot);
  if (!pool.cluster) {
    throw new OvsError(EXIT.CONFIG, `cannot tell which cluster to send: ${pool.problem}`, {
      while: 'reading the cluster configuration to send',
      hint: 'set O2CB_BOOTCLUSTER to the pool cluster: ovs cluster-configure --cluster-name NAME',
    });
  }
  const { cluster } = pool;
  if (pool.by !== 'boot') {
    throw new OvsError(EXIT.CONFIG, `O2CB_BOOTCLUSTER is '${shown(boot)}' but the cluster in ${CLUSTER_CONF} is '${shown(cluster.name)}'`, {
      while: 'reading the cluster configuration to send',
      hint: `make them agree before copying them to the pool: ovs cluster-configure --cluster-name ${cluster.name}`,
    });
  }
  return cluster;
}

function assertSound(cluster: Cluster, o2cbPath: string, o2cbFile: Record<string, string>): void {
  const [problem] = validateCluster(cluster);
  if (problem) {
    throw new OvsError(EXIT.CONFIG, inFile(CLUSTER_CONF, problem), { while: 'checking the cluster configuration to send', hint: 'fix it on this host first (ovs cluster-check)' });
  }
  const [bad] = validateO2cbSettings(o2cbFile);
  if (bad) throw new OvsError(EXIT.CONFIG, `${o2cbPath}: ${bad.message}`, { while: 'checking the O2CB settings to send', hint: CONFIGURE_HINT });
}

export async function readMasterConfig(ctx: Context): Promise<MasterConfig> {
  const { text: clusterConf, conf } = await readSystemFile(ctx, CLUSTER_CONF, (text) => ({ text, conf: parseClusterConf(text) }), {
    doing: 'reading the cluster configuration to send',
    hint: 'fix the file (ovs cluster-check shows what is wrong)',
    required: { hint: CONFIGURE_HINT },
  });
  const settings = await readO2cbSettingsFile(ctx);
  if (settings.text === undefined) throw new OvsError(EXIT.OSFILE, `${settings.path} is missing`, { while: 'reading the O2CB settings to send', hint: CONFIGURE_HINT });
  const cluster = chooseCluster(conf, settings.effective.O2CB_BOOTCLUSTER);
  assertSound(cluster, settings.path, parseO2cbSettings(settings.text));
  const hostname = await thisHostname(ctx);
  const bundle = tryFormat(
    () => serializeBundle({ clusterConf, o2cb: settings.effective }),
    (e) => {
      throw new OvsError(EXIT.CONFIG, inFile(settings.path, e), { while: 'packing the O2CB settings to send' });
    },
  );
  return {
    hostname,
    cluster,
    isNode: isClusterNode(cluster, hostname),
    clusterConf,
    clusterConfSha256: sha256Hex(clusterConf),
    o2cbSettingsPath: settings.path,
    o2cb: settings.effective,
    bundle,
  };
}
