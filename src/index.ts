/**
 * The library API (SPEC §1.4): run the same commands an operator runs, on an in-memory
 * host, then inspect the files, the commands that would have run and the service actions.
 *
 *   import { main, memoryHost } from 'ovs';
 *   const host = memoryHost({ files: { '/etc/hosts': '...' }, hostname: 'ovs1.example.com' });
 *   const exit = await main(['cluster-configure', '--node', 'ovs1=192.168.1.11'], host);
 *   host.readText('/etc/ocfs2/cluster.conf'); host.calls; host.serviceLog;
 */
export { main } from './cli.js';
export { realHost } from './lib/host.js';
export type { Host, HostFs, FileStat, RunOptions, RunResult, Writer, Stdin } from './lib/host.js';
export { memoryHost, DEFAULT_PROGRAMS, UnexpectedCommandError } from './lib/memory-host.js';
export type { MemoryHost, MemoryHostOptions, Expectation, FakeService, ProgramCall } from './lib/memory-host.js';
export { EXIT, EXIT_MEANINGS, OvsError } from './lib/errors.js';
export type { Change } from './lib/changes.js';
export { VERSION } from './version.js';
