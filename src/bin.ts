/**
 * The `ovs` executable's module: the real host, and main() loaded only when needed so that
 * `ovs --version` answers without loading the command-line parser at all.
 */
import type { Host } from './lib/host.js';
import { VERSION } from './version.js';

export { realHost } from './lib/host.js';

export async function main(argv: readonly string[], host: Host): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    host.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const cli = await import('./cli.js');
  return cli.main(argv, host);
}
