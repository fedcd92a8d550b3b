/**
 * The library API (docs/design.md, the Host seam): run the same commands an operator runs, on an in-memory
 * host, then inspect the files, the commands that would have run and the service actions.
 *
 *   import { main, memoryHost } from 'ovs';
 *   const host = memoryHost({ files: { '/etc/hosts': '...' }, hostname: 'ovs1.example.com' });
 *   const exit = await main(['cluster-configure', '--node', 'ovs1=192.168.1.11'], host);
 *   host.readText('/etc/ocfs2/cluster.conf'); host.calls; host.serviceLog;
 */
export { main } from './cli.js';
import { COMMANDS } from './commands/index.js';
export { realHost } from './lib/real-host.js';
export type { Host, HostFs, FileStat, RunOptions, RunResult, Writer, Stdin } from './lib/host.js';
export { memoryHost, DEFAULT_PROGRAMS, UnexpectedCommandError } from './lib/doubles/memory-host.js';
export type { MemoryHost, MemoryHostOptions, Expectation, FakeService, ProgramCall } from './lib/doubles/memory-host.js';
export type { Context, GlobalOptions, Program } from './lib/command.js';

// The simulations (src/lib/doubles/), for a CI pipeline's own checks on a memory host:
//   memoryHost({ files, tools: [...doubles.ocfs2Tools(), ...doubles.mountTools()] })
// and testContext(host) for calling a library function the way a command does.
import { testContext } from './lib/doubles/test-context.js';
import { foreignImage, ocfs2ToolsDouble, volumeImage } from './lib/doubles/ocfs2-tools.js';
import { mountTools, storageDir } from './lib/doubles/mounts.js';
import { demoServer } from './lib/demo/sample-server.js';
export { testContext };
export const doubles = { ocfs2Tools: ocfs2ToolsDouble, volumeImage, foreignImage, mountTools, storageDir, demoServer, testContext };
export { EXIT, EXIT_MEANINGS, OvsError } from './lib/errors.js';
export type { Change } from './lib/changes.js';
export { VERSION } from './version.js';
/** The names of the commands, in `ovs --help` order (wrappers, completion; the launcher's cache kinds). */
export const COMMAND_NAMES: readonly string[] = COMMANDS.map((c) => c.name);

// The pure format modules: parse, validate and write each file a pool depends on, e.g. to
// check a cluster.conf in CI before it reaches a server.
import * as bundle from './lib/formats/bundle.js';
import * as clusterConf from './lib/formats/cluster-conf.js';
import * as clusterNodes from './lib/formats/cluster-nodes.js';
import * as fstab from './lib/formats/fstab.js';
import * as hosts from './lib/formats/hosts.js';
import * as iscsiadm from './lib/formats/iscsiadm.js';
import * as o2cbSettings from './lib/formats/o2cb-settings.js';
import * as ovsrepo from './lib/formats/ovsrepo.js';
import * as procMounts from './lib/formats/proc-mounts.js';
import * as procPartitions from './lib/formats/proc-partitions.js';
import * as repositories from './lib/formats/repositories.js';
import * as repositoryOptions from './lib/formats/repositories-options.js';
import * as repositorySource from './lib/formats/repository-source.js';
export { FormatError } from './lib/formats/format-error.js';
export const formats = { bundle, clusterConf, clusterNodes, fstab, hosts, iscsiadm, o2cbSettings, ovsrepo, procMounts, procPartitions, repositories, repositoryOptions, repositorySource };
