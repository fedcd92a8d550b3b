import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/index.js';
import { runOvs } from '../helpers/run.js';
import { scratchDir } from '../helpers/sandbox.js';

const scratch = scratchDir('completion');
afterAll(() => scratch.remove());

/** Ask the generated bash function what it completes for these words. */
function complete(script: string, words: string[]): string[] {
  const file = join(scratch.path, 'ovs.bash');
  writeFileSync(file, script);
  const line = words.map((w) => `'${w}'`).join(' ');
  const r = spawnSync('bash', ['-c', `source "$1"; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _ovs; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', file], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe('ovs completion', () => {
  it('bash: a valid script that completes every command name', async () => {
    const r = await runOvs(['completion', 'bash']);
    expect(r.exit).toBe(0);
    expect(spawnSync('bash', ['-n'], { input: r.stdout }).status).toBe(0);
    expect(complete(r.stdout, ['ovs', ''])).toEqual(expect.arrayContaining(COMMANDS.map((c) => c.name)));
    expect(complete(r.stdout, ['ovs', '--dry-'])).toEqual(['--dry-run']);
  });

  it('every registry entry names and summarises its command exactly as the command does', async () => {
    for (const entry of COMMANDS) {
      const def = await entry.load();
      expect([entry.name, entry.summary]).toEqual([def.name, def.summary]);
    }
  });

  it("bash: completes a command's own options, after global options too", async () => {
    const r = await runOvs(['completion', 'bash']);
    expect(complete(r.stdout, ['ovs', '--root', '/mnt', 'completion', ''])).toEqual(['--help']);
  });

  it('zsh: wraps the same function through bashcompinit', async () => {
    const r = await runOvs(['completion', 'zsh']);
    expect(r.exit).toBe(0);
    expect(r.stdout.startsWith('#compdef ovs\n')).toBe(true);
    expect(r.stdout).toContain('complete -o default -F _ovs ovs');
  });

  it('an unknown shell is a usage error', async () => {
    const r = await runOvs(['completion', 'fish']);
    expect(r.exit).toBe(64);
    expect(r.stderr).toBe("ovs: completion: no completion for shell 'fish'\novs: hint: ovs completion bash, or ovs completion zsh\novs: nothing was changed\n");
  });
});
