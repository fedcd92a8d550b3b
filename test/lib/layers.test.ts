/**
 * The layers stay apart: only the library entry (index.ts) and the executable's path import
 * cli.ts; a command reaches the program through ctx.program (the registry, main, nested runs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

describe('layers', () => {
  it('only the real host, the launcher and src/lib/machine/ (run before any host exists) reach the machine', () => {
    const machine = /from 'node:(fs|fs\/promises|child_process)'|process\.(kill|env|stdout|stderr|exit)\b/;
    const code = (f: string) => readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, ''); // not what comments say
    const reaching = sources('src').filter((f) => machine.test(code(f)));
    const allowed = (f: string) => f === join('src', 'launcher.ts') || f === join('src', 'lib', 'real-host.ts') || f.startsWith(join('src', 'lib', 'machine') + '/');
    expect(reaching.filter((f) => !allowed(f))).toEqual([]);
  });

  it('no command and no lib module imports cli.ts', () => {
    const files = [...sources('src/commands'), ...sources('src/lib')];
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => /from '(\.\.\/)+cli\.js'|import\('(\.\.\/)+cli\.js'\)/.test(readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('no lib module reads the dry-run flag: results say why they were planned (dry-run | offline)', () => {
    expect(sources('src/lib').filter((f) => /global\.dryRun/.test(readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('nothing changes the shipped registry (tests run their own through main(argv, host, commands))', () => {
    const files = [...sources('src'), ...sources('test')];
    expect(files.filter((f) => /COMMANDS\.(push|splice|unshift|pop|length\s*=)/.test(readFileSync(f, 'utf8')))).toEqual([]);
  });
});
