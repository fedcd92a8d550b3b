/**
 * Run `ovs` through the library API on a memory host and collect what a user would see:
 * exit status, stdout, stderr, and (with --json) the parsed document.
 */
import { main } from '../../src/cli.js';
import { COMMANDS } from '../../src/commands/index.js';
import type { CommandEntry } from '../../src/lib/command.js';
import { memoryHost, type MemoryHost, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { onTestFinished } from 'vitest';
import { envelopeErrors } from './json-schema.js';

const checked = new WeakSet<MemoryHost>();
const lenient = new WeakSet<MemoryHost>();

/**
 * This test leaves some of the host's expectations unmatched on purpose (a run that fails
 * before the scripted program, a scenario shared by several tests): no strict check for it.
 */
export function allowUnmatched(host: MemoryHost): MemoryHost {
  lenient.add(host);
  return host;
}

/**
 * Strict by default: when the test ends, every expectation it scripted on a host it ran must
 * have been matched (an unlimited one at least once). A program the test did not script
 * already fails the run itself (the memory host refuses it).
 */
function checkWhenFinished(host: MemoryHost): void {
  if (checked.has(host)) return;
  checked.add(host);
  onTestFinished(() => {
    if (lenient.has(host)) return;
    const left = host.unusedExpectations();
    if (left.length) throw new Error(`expectations left unmatched (allowUnmatched(host) if that is the point):\n${left.map((e) => `  ${e.argv.map(String).join(' ')}`).join('\n')}`);
  });
}

export interface Outcome {
  exit: number;
  stdout: string;
  stderr: string;
  host: MemoryHost;
  /** The --json document, when stdout holds one. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** `commands`: the registry (default the shipped one; probe-command.ts adds a test command). */
export async function runOvs(argv: string[], hostOrOptions: MemoryHost | MemoryHostOptions = {}, commands: readonly CommandEntry[] = COMMANDS): Promise<Outcome> {
  const host = 'vol' in hostOrOptions ? (hostOrOptions as MemoryHost) : memoryHost(hostOrOptions as MemoryHostOptions);
  checkWhenFinished(host);
  const outBefore = host.out.length;
  const errBefore = host.err.length;
  const exit = await main(argv, host, commands);
  const stdout = host.out.slice(outBefore);
  let json: unknown;
  if (argv.includes('--json')) {
    json = JSON.parse(stdout); // exactly one document, or the test fails here
    // Every --json document any test produces is checked against the shipped schema.
    const errors = envelopeErrors(json);
    if (errors.length) throw new Error(`ovs ${argv.join(' ')}: --json output does not match schema/ovs-envelope.schema.json:\n${errors.join('\n')}`);
  }
  return { exit, stdout, stderr: host.err.slice(errBefore), host, json };
}
