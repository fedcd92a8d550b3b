/**
 * Integration tests never touch the machine's own state. Loaded before every integration test
 * file (vitest.config.ts, setupFiles): it notes the live journal (/var/log/ovs/journal.log:
 * size and mtime), the backups under /var/lib/ovs/backups and the run lock before the file's
 * tests, and fails the file when they changed after — a test that ran ovs on live paths
 * without a --root or a private namespace (test/helpers/sandbox.ts withPrivateState).
 *
 * Another checkout's test run on the same machine can change them meanwhile: outside CI a
 * change is blamed on this file only when the new journal records name this checkout.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import { BACKUP_DIR } from '../../src/lib/changes.js';
import { JOURNAL } from '../../src/lib/journal.js';
import { LOCK_PATH } from '../../src/lib/lock.js';

interface LiveState {
  journal: string;
  backups: string[];
  lock: boolean;
}

function snapshot(): LiveState {
  const st = statSync(JOURNAL, { throwIfNoEntry: false });
  let backups: string[] = [];
  try {
    backups = readdirSync(BACKUP_DIR).sort();
  } catch {
    /* none */
  }
  return { journal: st ? `${st.size} bytes, mtime ${st.mtimeMs}` : 'absent', backups, lock: statSync(LOCK_PATH, { throwIfNoEntry: false }) !== undefined };
}

/** The journal records written since SIZE bytes (JSON lines). */
function appended(size: number): string {
  try {
    return readFileSync(JOURNAL).subarray(size).toString('utf8');
  } catch {
    return '';
  }
}

let before: LiveState;
let journalSize = 0;

beforeAll(() => {
  before = snapshot();
  journalSize = statSync(JOURNAL, { throwIfNoEntry: false })?.size ?? 0;
});

afterAll(() => {
  const after = snapshot();
  if (JSON.stringify(after) === JSON.stringify(before)) return;
  const records = appended(journalSize);
  const ours = records.includes(process.cwd());
  const strict = process.env.CI === 'true' || process.env.CI === '1';
  if (strict || ours) {
    expect({ ...after, appended: records.slice(0, 2000) }, `this test file changed the machine's own ${JOURNAL}, ${BACKUP_DIR} or ${LOCK_PATH}`).toEqual({ ...before, appended: '' });
  }
});
