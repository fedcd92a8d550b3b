/**
 * zsh's completion as an operator meets it: the generated script installed as _ovs in a
 * directory of $fpath, compinit run, and keys typed into the real zsh line editor on a
 * pseudo-terminal. The first TAB must complete (an autoloaded completion file that only
 * defines its function completes nothing until the second TAB). The line is then run, and
 * a stand-in `ovs` function prints the words it got: what the editor really completed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { commandOnPty } from '../helpers/pty.js';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

describeWithTools(['zsh', 'script', 'stty'], 'zsh completion through $fpath, in the real line editor', () => {
  const scratch = scratchDir('i14zsh');
  afterAll(() => scratch.remove());

  function installed(): string {
    const r = spawnSync('node', ['bin/ovs', 'completion', 'zsh'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const dir = join(scratch.path, 'site-functions');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '_ovs'), r.stdout);
    return dir;
  }

  /** Type `line` (with its TABs) at a fresh zsh's prompt, press Enter, and return what `ovs` received. */
  async function typed(line: string): Promise<string> {
    const dir = installed();
    const home = join(scratch.path, 'home');
    mkdirSync(home, { recursive: true });
    const shell = commandOnPty(120, 'zsh -f -i', { env: { HOME: home } });
    try {
      // compinit -D: no dump file; -u: the scratch directory's owner is not checked.
      shell.send(`PS1='ZP> '; fpath=(${dir} $fpath); autoload -Uz compinit; compinit -u -D; ovs() { print -r -- "RAN-$((1+1)):[$*]" }; print READY-$((6*7))\n`);
      await shell.waitFor(/READY-42[^]*ZP> /);
      shell.send(`${line}\n`);
      await shell.waitFor(/RAN-2:\[[^\]]*\]/);
      shell.send('exit\n');
      await shell.exited;
      return /RAN-2:\[([^\]]*)\]/.exec(shell.output())?.[1] ?? '';
    } finally {
      shell.stop();
    }
  }

  it('the first TAB completes a command name: `ovs ser<TAB>` runs `ovs services`', async () => {
    expect(await typed('ovs ser\t')).toBe('services');
  });

  it('the first TAB completes a verb: `ovs repositories rel<TAB>` runs `ovs repositories reload`', async () => {
    expect(await typed('ovs repositories rel\t')).toBe('repositories reload');
  });
});
