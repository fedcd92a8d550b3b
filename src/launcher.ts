/**
 * The `ovs` executable (bin/ovs runs this file, built as dist/launcher.cjs). CommonJS,
 * because Node's ESM loader alone costs a tenth of `node -e 0`: `ovs --version` and
 * `ovs --help` are answered here from text the build wrote in (the help is commander's
 * own, captured at build time; a test checks it still equals what the parser prints),
 * before anything else is loaded. Every other command loads the CLI bundle (dist/cli.cjs)
 * through the code cache (lib/machine/code-cache.ts).
 *
 * OVS_PHASES=1 prints, on stderr at exit, how long each phase of the run took (npm run bench).
 */
import { join } from 'node:path';
import { cacheKind, loadBundle, userCacheDir } from './lib/machine/code-cache.js';
import { directWriter } from './lib/machine/direct-write.js';
import { leaveIfIdle } from './lib/machine/exit.js';
import { phase, recordPhases } from './lib/phases.js';

declare const OVS_BUILD_VERSION: string;
declare const OVS_BUILD_HELP: string;
/** The command names (the library's COMMAND_NAMES, written in by the build). */
declare const OVS_BUILD_COMMANDS: readonly string[];

const HELP_ARGS = new Set(['--help', '-h', 'help']);

/** The bundle's entry point (src/bin.ts). */
interface CliBundle {
  run(argv: readonly string[]): Promise<number>;
}

function answerAtOnce(argv: readonly string[]): string | undefined {
  if (argv.length !== 1) return undefined;
  const [a] = argv as [string];
  if (a === '--version' || a === '-V') return `${OVS_BUILD_VERSION}\n`;
  return HELP_ARGS.has(a) ? OVS_BUILD_HELP : undefined;
}

async function launch(argv: readonly string[]): Promise<void> {
  const phases = process.env.OVS_PHASES === '1' ? recordPhases(() => performance.now()) : undefined;
  const text = answerAtOnce(argv);
  if (text !== undefined) {
    directWriter(1, () => process.stdout)(text);
    return;
  }
  const loaded = loadBundle(join(__dirname, 'cli.cjs'), { userDir: userCacheDir(process.env), kind: cacheKind(argv, OVS_BUILD_COMMANDS) });
  phase('load');
  process.exitCode = await (loaded.exports as unknown as CliBundle).run(argv);
  const saved = loaded.save();
  phase('cache');
  if (phases) directWriter(2, () => process.stderr)(`${phases()}ovs: code cache ${loaded.cache}${saved ? `, written to ${saved}` : ''}\n`);
}

void launch(process.argv.slice(2)).then(leaveIfIdle);
