/**
 * `<repository root>/.ovsrepo` — a format that is OURS (ovs-repositories(5)): the identity card a
 * repository carries on its own storage, written once when the repository is created and
 * read when another server adds the same storage, so every server of the pool mounts it
 * under the same UUID.
 *
 *   OVS_REPO_UUID=F4135C096045458195057412169071E5
 *   OVS_REPO_VERSION=1
 *   OVS_REPO_TYPE=nfs
 *   OVS_REPO_ROLE=C
 *   OVS_REPO_SOURCE=fileserver.example.com:/OVS
 *   OVS_REPO_DESCRIPTION="cluster root"
 *   OVS_REPO_CREATED=2009-04-01T12:00:00Z
 *
 * Same `KEY=value` grammar as repositories.options. Every key above is required; other
 * keys are ignored, so a later minor addition does not make an older `ovs` refuse the
 * storage. Only version 1 exists. The uuid is read in any case (see repositories.ts) and
 * written upper-case.
 */
import { FormatError, atLine } from './format-error.js';
import { formatValue, parseKeyValue, type KeyValueDocument } from './repositories-options.js';
import { checkDescription, parseRepositoryType, parseRole, parseUuid, validateEntry, type RepositoryShape } from './repositories.js';
import { parseSource } from './repository-source.js';
import { shown } from '../errors.js';

export const OVSREPO_FILE = '.ovsrepo';
export const OVSREPO_VERSION = 1;

export interface OvsRepoInfo extends RepositoryShape {
  uuid: string;
  version: typeof OVSREPO_VERSION;
  /** ISO 8601 date and time, e.g. `2009-04-01T12:00:00Z`. */
  created: string;
}

const KEYS = ['UUID', 'VERSION', 'TYPE', 'ROLE', 'SOURCE', 'DESCRIPTION', 'CREATED'] as const;
type Field = (typeof KEYS)[number];

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export function parseOvsRepo(text: string): OvsRepoInfo {
  const doc = parseKeyValue(text);
  const raw = {} as Record<Field, { value: string; line: number }>;
  for (const k of KEYS) {
    const found = pairOf(doc, `OVS_REPO_${k}`);
    if (!found) throw new FormatError(`OVS_REPO_${k} is missing`);
    raw[k] = found;
  }
  if (raw.VERSION.value !== String(OVSREPO_VERSION)) {
    throw new FormatError(`version ${raw.VERSION.value} is not supported (this ovs reads version 1)`, raw.VERSION.line);
  }
  const created = checkCreated(raw.CREATED.value, raw.CREATED.line);
  // Each field alone first, so the error names its line; then how they fit together.
  const at = <T>(field: Field, check: (value: string) => T): T => atLine(raw[field].line, () => check(raw[field].value));
  at('UUID', parseUuid);
  at('TYPE', parseRepositoryType);
  at('ROLE', parseRole);
  at('SOURCE', parseSource);
  at('DESCRIPTION', checkDescription);
  const entry = at('TYPE', () =>
    validateEntry({
      uuid: raw.UUID.value,
      type: raw.TYPE.value,
      role: raw.ROLE.value,
      source: raw.SOURCE.value,
      description: raw.DESCRIPTION.value,
    }),
  );
  return { ...entry, version: OVSREPO_VERSION, created };
}

function pairOf(doc: KeyValueDocument, key: string): { value: string; line: number } | undefined {
  for (const l of doc.lines) if (l.kind === 'pair' && l.key === key) return { value: l.value, line: l.line };
  return undefined;
}

function checkCreated(value: string, line?: number): string {
  if (!ISO_8601.test(value) || Number.isNaN(Date.parse(value))) {
    throw new FormatError(`creation time "${shown(value)}" is not an ISO 8601 date and time (e.g. 2009-04-01T12:00:00Z)`, line);
  }
  return value;
}

export function serializeOvsRepo(info: OvsRepoInfo): string {
  if (info.version !== OVSREPO_VERSION) throw new FormatError(`version ${String(info.version)} is not supported`);
  const e = validateEntry(info);
  const created = checkCreated(info.created);
  const values: Record<Field, string> = {
    UUID: e.uuid,
    VERSION: String(OVSREPO_VERSION),
    TYPE: e.type,
    ROLE: e.role,
    SOURCE: e.source,
    DESCRIPTION: e.description,
    CREATED: created,
  };
  const header = '# Oracle VM repository identity, written by `ovs makerepo`. Every server of the pool reads its uuid here.';
  return [header, ...KEYS.map((k) => `OVS_REPO_${k}=${formatValue(values[k])}`)].join('\n') + '\n';
}
