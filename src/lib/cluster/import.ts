/**
 * `ovs cluster-configure --import FILE|-`: the receiving end of propagation. The bundle
 * (formats/bundle.ts) is checked whole before anything is written — its checksum, its
 * cluster.conf against the real parser's grammar and the documented rules, its O2CB values,
 * and this host's own name among its nodes (else 78) — then cluster.conf is written byte for
 * byte as the master holds it and the local O2CB settings file is edited in place. A stopped
 * cluster stays stopped; a running one gets its added nodes registered, and anything it
 * cannot take while running is reported as needing a restart.
 */
import type { Context } from '../command.js';
import { EXIT, OvsError, readFailure, shown } from '../errors.js';
import { MAX_CONFIG_BYTES, readNamed } from '../files.js';
import { parseBundle, type ClusterBundle } from '../formats/bundle.js';
import { parseClusterConf, validateCluster, type Cluster } from '../formats/cluster-conf.js';
import { type FormatError, tryFormat } from '../formats/format-error.js';
import { editO2cbSettings, newO2cbSettingsFile, validateO2cbSettings, type O2cbValues } from '../formats/o2cb-settings.js';
import { isThisHost, thisHostname } from '../resolve.js';
import { writeConfiguration, type WrittenPaths } from './apply.js';
import { poolCluster } from './boot-cluster.js';
import { syncRunningCluster } from './online.js';
import { readO2cbSettingsFile } from './settings-file.js';
import { CLUSTER_CONF } from '../system-paths.js';

export interface ImportResult extends WrittenPaths {
  hostname: string;
  status: 'updated' | 'unchanged';
  clusterName: string;
  /** The O2CB values carried by the bundle (compare these across hosts: comments differ). */
  o2cb: O2cbValues;
  online: boolean;
  registered: string[];
  restartNeeded: boolean;
  restartReasons: string[];
}

const WHILE = 'importing the cluster bundle';

async function readSource(ctx: Context, source: string): Promise<string> {
  if (source === '-') return readStdin(ctx);
  // The bundle is a file on this machine, named by the operator: not a path of the --root image.
  return readNamed(ctx.host.fs, source, { maxBytes: MAX_CONFIG_BYTES, doing: WHILE, hint: 'give the bundle file, or - to read it from standard input' });
}

async function readStdin(ctx: Context): Promise<string> {
  try {
    return await ctx.host.stdin.readAll(MAX_CONFIG_BYTES);
  } catch (e) {
    throw readFailure(e, 'standard input', 'named', WHILE);
  }
}

function invalid(what: string, e: FormatError, hint: string): OvsError {
  return new OvsError(EXIT.DATAERR, `${what}: ${e.message}`, { while: WHILE, hint });
}

function bundleOf(text: string): ClusterBundle {
  return tryFormat(
    () => parseBundle(text),
    (e) => {
      throw invalid('the bundle', e, 'send it again from the pool master (ovs cluster-check --master --propagate)');
    },
  );
}

/** The bundle's cluster: the one its settings make the pool run (boot-cluster.ts); checked against the documented rules. */
function clusterOf(bundle: ClusterBundle): Cluster {
  const { clusters } = tryFormat(
    () => parseClusterConf(bundle.clusterConf),
    (e) => {
      throw invalid("the bundle's cluster.conf", e, 'fix cluster.conf on the pool master and propagate again');
    },
  );
  const pool = poolCluster({ clusters }, bundle.o2cb.O2CB_BOOTCLUSTER);
  if (!pool.cluster) throw new OvsError(EXIT.DATAERR, `the bundle: ${pool.problem}`, { while: WHILE, hint: 'run ovs cluster-configure on the pool master, then propagate again' });
  const { cluster } = pool;
  const [problem] = validateCluster(cluster);
  if (problem) throw new OvsError(EXIT.DATAERR, `the bundle's cluster.conf: ${problem.message}`, { while: WHILE, hint: 'fix cluster.conf on the pool master (ovs cluster-configure) and propagate again' });
  return cluster;
}

function checkSettings(bundle: ClusterBundle): void {
  const [problem] = validateO2cbSettings(bundle.o2cb);
  if (problem) throw new OvsError(EXIT.DATAERR, `the bundle's O2CB settings: ${problem.message}`, { while: WHILE, hint: 'fix the O2CB settings on the pool master and propagate again' });
}

export async function importBundle(ctx: Context, source: string): Promise<ImportResult> {
  const bundle = bundleOf(await readSource(ctx, source));
  const cluster = clusterOf(bundle);
  checkSettings(bundle);
  const hostname = await thisHostname(ctx);
  if (!cluster.nodes.some((n) => isThisHost(n.name, hostname))) {
    throw new OvsError(EXIT.CONFIG, `this host (${hostname}) is not a node of cluster '${shown(cluster.name)}' in the bundle`, {
      while: WHILE,
      hint: `add ${hostname} on the pool master (ovs cluster-configure --add-node ${hostname}) before propagating, or check this server's host name`,
    });
  }
  const settings = await readO2cbSettingsFile(ctx);
  const settingsText = settings.text === undefined ? newO2cbSettingsFile(bundle.o2cb) : editO2cbSettings(settings.text, bundle.o2cb);
  const conf = await writeConfiguration(ctx, CLUSTER_CONF, bundle.clusterConf);
  const o2cb = await writeConfiguration(ctx, settings.path, settingsText);
  const sync = await syncRunningCluster(ctx, cluster, CLUSTER_CONF);
  for (const why of sync.reasons) ctx.report.warn(`${why}: restart o2cb on ${hostname} when the cluster can go offline`);
  return {
    hostname,
    status: conf.changed || o2cb.changed ? 'updated' : 'unchanged',
    clusterName: cluster.name,
    clusterConfPath: CLUSTER_CONF,
    clusterConfSha256: conf.sha256,
    o2cbSettingsPath: settings.path,
    o2cbSettingsSha256: o2cb.sha256,
    o2cb: bundle.o2cb,
    online: sync.online,
    registered: sync.registered,
    restartNeeded: sync.restartNeeded,
    restartReasons: sync.reasons,
  };
}
