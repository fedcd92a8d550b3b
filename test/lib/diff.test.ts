import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/lib/diff.js';
import { scratchDir } from '../helpers/sandbox.js';

const scratch = scratchDir('diff');
afterAll(() => scratch.remove());

/** GNU diff -u's hunks for the same two texts (its header lines dropped). */
function gnuDiff(a: string, b: string): string {
  const dir = mkdtempSync(join(scratch.path, 'd-'));
  writeFileSync(join(dir, 'a'), a);
  writeFileSync(join(dir, 'b'), b);
  const r = spawnSync('diff', ['-u', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
  rmSync(dir, { recursive: true });
  return r.stdout.split('\n').slice(2).join('\n');
}

const ours = (a: string, b: string) => unifiedDiff('f', a, b).split('\n').slice(2).join('\n');

describe('unified diff for the plan', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('/etc/fstab', 'a\n', 'a\n')).toBe('');
  });

  it('shows a new file against /dev/null', () => {
    expect(unifiedDiff('/etc/x', '', 'a\nb\n')).toBe('--- /dev/null\n+++ /etc/x\n@@ -0,0 +1,2 @@\n+a\n+b\n');
  });

  it('agrees with GNU diff -u on random line edits', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'c', '', '# x', 'UUID=1 /OVS ocfs2'), { maxLength: 30 }).map((l) => (l.length ? `${l.join('\n')}\n` : ''));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const mine = ours(a, b);
        const theirs = gnuDiff(a, b);
        // Where several shortest edit scripts exist, hunks may be cut differently; the
        // number of removed and added lines is the same for every shortest script.
        const count = (s: string, c: string) => s.split('\n').filter((l) => l.startsWith(c)).length;
        expect([count(mine, '-'), count(mine, '+')]).toEqual([count(theirs, '-'), count(theirs, '+')]);
      }),
      { numRuns: 60 },
    );
  });

  it('is a patch GNU patch applies exactly: every hunk header and line where it belongs (random edits, shared head and tail)', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', '', '# x', 'UUID=1 /OVS ocfs2'), { maxLength: 12 });
    fc.assert(
      fc.property(lines, lines, lines, lines, fc.boolean(), (head, middle, tail, other, noNewline) => {
        const textOf = (ls: string[]) => (ls.length ? `${ls.join('\n')}${noNewline ? '' : '\n'}` : '');
        const a = textOf([...head, ...middle, ...tail]);
        const b = textOf([...head, ...other, ...tail]);
        if (a === '' || b === '' || a === b) return;
        const dir = mkdtempSync(join(scratch.path, 'p-'));
        writeFileSync(join(dir, 'f'), a);
        writeFileSync(join(dir, 'd'), unifiedDiff('f', a, b));
        const r = spawnSync('patch', ['--force', '--fuzz=0', join(dir, 'f'), join(dir, 'd')], { encoding: 'utf8' });
        const patched = readFileSync(join(dir, 'f'), 'utf8');
        rmSync(dir, { recursive: true });
        // Applied where each hunk says, not found elsewhere ("succeeded at N (offset K lines)").
        expect([r.status, patched, /offset|fuzz/i.test(r.stdout)]).toEqual([0, b, false]);
      }),
      { numRuns: 80 },
    );
  });

  it('matches GNU diff -u exactly on a one-line fstab edit inside a long file', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `/dev/sd${i} /mnt/${i} ext3 defaults 0 0`);
    const a = `${lines.join('\n')}\n`;
    lines[100] = `# ovs: ${lines[100]}`;
    const b = `${lines.join('\n')}\n`;
    expect(ours(a, b)).toBe(gnuDiff(a, b));
  });

  it('marks a missing final newline like diff does', () => {
    expect(ours('a\nb', 'a\nc')).toBe(gnuDiff('a\nb', 'a\nc'));
  });
});

describe('a new or emptied file (written straight out, without an edit script)', () => {
  it('agrees with GNU diff -u, lines, hunk header and missing-newline mark', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z ]{0,5}$/), { minLength: 1, maxLength: 30 }), fc.boolean(), (lines, newline) => {
        const text = lines.join('\n') + (newline ? '\n' : '');
        if (text === '') return;
        expect(ours('', text)).toBe(gnuDiff('', text));
        expect(ours(text, '')).toBe(gnuDiff(text, ''));
      }),
      { numRuns: 60 },
    );
    expect(unifiedDiff('/etc/x', '', 'a\n')).toBe('--- /dev/null\n+++ /etc/x\n@@ -0,0 +1 @@\n+a\n');
    expect(unifiedDiff('/etc/x', 'a\nb\nc\n', '')).toBe('--- /etc/x\n+++ /etc/x\n@@ -1,3 +0,0 @@\n-a\n-b\n-c\n');
  });
});
