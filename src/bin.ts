/**
 * The CLI bundle's entry point (dist/cli.cjs, loaded by the launcher, src/launcher.ts):
 * the whole program on the real host.
 */
import { main } from './cli.js';
import { realHost } from './lib/real-host.js';

export function run(argv: readonly string[]): Promise<number> {
  return main(argv, realHost());
}
