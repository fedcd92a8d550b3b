/** HACKING.md's layout stays true: every folder of src/lib is described there. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('HACKING.md layout', () => {
  it('describes every folder of src/lib', () => {
    const hacking = readFileSync('HACKING.md', 'utf8');
    const folders = readdirSync('src/lib', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders.length).toBeGreaterThan(5);
    expect(folders.filter((f) => !hacking.includes(`src/lib/${f}/`))).toEqual([]);
  });
});
