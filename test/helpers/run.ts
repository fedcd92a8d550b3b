/**
 * Run `ovs` through the library API on a memory host and collect what a user would see:
 * exit status, stdout, stderr, and (with --json) the parsed document.
 */
import { main } from '../../src/cli.js';
import { COMMANDS } from '../../src/commands/index.js';
import type { CommandEntry } from '../../src/lib/command.js';
import { memoryHost, type MemoryHost, type MemoryHostOptions } from '../../src/lib/memory-host.js';
import { envelopeErrors } from './json-schema.js';

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
