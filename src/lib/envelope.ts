/**
 * The one --json document every run prints, success or failure, command or usage error:
 * `ok, command, exit, dryRun, root, changed, result | error, changes, warnings`.
 * `changed` is what a configuration manager needs (Ansible's changed_when): true when
 * anything was applied, or in a dry run would be. schema/ovs-envelope.schema.json describes
 * it, with each command's `result`; a test checks every command's real output against it.
 */
import type { Change } from './changes.js';
import type { GeneratedValue } from './generated.js';

export interface EnvelopeError {
  exit: number;
  message: string;
  hint: string | null;
}

export interface Envelope {
  ok: boolean;
  /** The command run (`usage` for a command line that did not parse, `version` for --version). */
  command: string;
  exit: number;
  dryRun: boolean;
  root: string;
  changed: boolean;
  result?: unknown;
  error?: EnvelopeError;
  changes: Change[];
  /** Values the run made up (repository uuids …): a saved plan carries them, apply replays them. */
  generated?: GeneratedValue[];
  warnings: string[];
}

/** Something was applied, or (dry run) would be; a skipped or failed program changed nothing we know of. */
export function changedBy(changes: readonly Change[]): boolean {
  return changes.some((c) => c.result === 'applied' || c.result === 'planned');
}

export interface EnvelopeBase {
  command: string;
  dryRun: boolean;
  root: string;
  changes?: Change[];
  generated?: GeneratedValue[];
  warnings?: string[];
}

export function successEnvelope(base: EnvelopeBase, exit: number, result: unknown): Envelope {
  const changes = base.changes ?? [];
  return { ok: exit === 0, command: base.command, exit, dryRun: base.dryRun, root: base.root, changed: changedBy(changes), result, changes, ...(base.generated ? { generated: base.generated } : {}), warnings: base.warnings ?? [] };
}

export function failureEnvelope(base: EnvelopeBase, error: EnvelopeError): Envelope {
  const changes = base.changes ?? [];
  return { ok: false, command: base.command, exit: error.exit, dryRun: base.dryRun, root: base.root, changed: changedBy(changes), error, changes, ...(base.generated ? { generated: base.generated } : {}), warnings: base.warnings ?? [] };
}

export const jsonLine = (e: Envelope): string => `${JSON.stringify(e)}\n`;
