/** The `ovs` executable's module: the real host only (no memfs on the startup path). */
export { main } from './cli.js';
export { realHost } from './lib/host.js';
