/**
 * The CLI bundle's entry point (dist/cli.cjs, loaded by the launcher, src/launcher.ts):
 * the whole program on the real host.
 */
import { main } from './cli.js';
import { EXIT } from './lib/errors.js';
import { realHost } from './lib/real-host.js';

export async function run(argv: readonly string[]): Promise<number> {
  const host = realHost();
  try {
    return await main(argv, host);
  } catch (err) {
    // main() reports every failure itself; this is a bug outside that (exit 70, with its stack).
    host.stderr.write(`ovs: internal error: ${(err as Error)?.stack ?? String(err)}\novs: this is a bug; please report it with the output of --verbose\n`);
    return EXIT.SOFTWARE;
  }
}
