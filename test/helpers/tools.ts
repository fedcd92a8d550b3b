/**
 * Integration tests run the real ocfs2-tools, open-iscsi, tgt and OpenSSH. Under CI=true a
 * missing tool is a failure (never a silent skip); on a developer machine the suite is
 * skipped with the reason printed, so a newcomer without root still gets a green unit run.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe } from 'vitest';

const EXTRA_DIRS = ['/sbin', '/usr/sbin', '/usr/local/sbin'];

/** The absolute path of a program, or undefined. Absolute names are checked as they are. */
export function findTool(name: string): string | undefined {
  const dirs = name.startsWith('/') ? [''] : [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = dir ? join(dir, name) : name;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* keep looking */
    }
  }
  return undefined;
}

export function missingTools(tools: readonly string[]): string[] {
  const missing = tools.filter((t) => !findTool(t));
  if (typeof process.getuid === 'function' && process.getuid() !== 0) missing.push('(root)');
  return missing;
}

/**
 * `describe` that needs real programs (and root). Missing under CI=true: the suite fails
 * with the list of what is missing. Elsewhere: skipped, with the reason in its title.
 */
export function describeWithTools(tools: readonly string[], title: string, body: () => void): void {
  const missing = missingTools(tools);
  if (missing.length === 0) {
    describe(title, body);
  } else if (process.env.CI === 'true' || process.env.CI === '1') {
    describe(title, () => {
      throw new Error(`missing tools under CI: ${missing.join(', ')} (run scripts/install-deps.sh)`);
    });
  } else {
    describe.skip(`${title} [skipped: missing ${missing.join(', ')}]`, body);
  }
}
