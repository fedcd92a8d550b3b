/**
 * The `ovs` executable's module: the real host, and main() loaded only when needed, so that
 * `ovs --version` and `ovs --help` answer without loading the command-line parser at all.
 * The top-level help is commander's own text, written to dist/help.txt by the build (a test
 * checks it still equals what the parser prints); without that file the parser answers.
 */
import type { Host } from './lib/host.js';
import { VERSION } from './version.js';

export { realHost } from './lib/real-host.js';

const HELP_ARGS = new Set(['--help', '-h', 'help']);

async function builtHelp(host: Host): Promise<string | undefined> {
  try {
    return (await host.fs.readFile(new URL('./help.txt', import.meta.url).pathname)).toString('utf8');
  } catch {
    return undefined;
  }
}

export async function main(argv: readonly string[], host: Host): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    host.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (argv.length === 1 && HELP_ARGS.has(argv[0] as string)) {
    const help = await builtHelp(host);
    if (help !== undefined) {
      host.stdout.write(help);
      return 0;
    }
  }
  const cli = await import('./cli.js');
  return cli.main(argv, host);
}
