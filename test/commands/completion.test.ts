/**
 * `ovs completion bash|zsh|fish`: each generated script is loaded into the real shell and
 * asked what it completes — command names, the verbs of services, repositories and
 * completion (commander's choices: the list help and validation use), option values by kind
 * (directories for --root, files for --ssh-identity, the nodes of the cluster.conf under
 * --root for --remove-node, --fail-on's choices). zsh: also autoloaded from $fpath, where
 * the first call (the first TAB) must already complete.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/index.js';
import { runOvs } from '../helpers/run.js';
import { scratchDir } from '../helpers/sandbox.js';

const scratch = scratchDir('completion');
afterAll(() => scratch.remove());

/** An image whose cluster.conf has nodes ovs1.example.com and ovs2.example.com (cluster ocfs2). */
const image = join(scratch.path, 'img');
mkdirSync(join(image, 'etc/ocfs2'), { recursive: true });
mkdirSync(join(image, 'keys'), { recursive: true });
writeFileSync(join(image, 'keys/id_pool'), '');
writeFileSync(
  join(image, 'etc/ocfs2/cluster.conf'),
  'node:\n\tip_port = 7777\n\tip_address = 192.168.1.11\n\tnumber = 0\n\tname = ovs1.example.com\n\tcluster = ocfs2\n\nnode:\n\tip_port = 7777\n\tip_address = 192.168.1.12\n\tnumber = 1\n\tname = ovs2.example.com\n\tcluster = ocfs2\n\ncluster:\n\tnode_count = 2\n\tname = ocfs2\n',
);

async function script(shell: string): Promise<string> {
  const r = await runOvs(['completion', shell]);
  expect(r.exit).toBe(0);
  return r.stdout;
}

/** Ask the generated bash function what it completes for these words. */
function bash(text: string, words: string[]): string[] {
  const file = join(scratch.path, 'ovs.bash');
  writeFileSync(file, text);
  const line = words.map((w) => `'${w}'`).join(' ');
  const r = spawnSync('bash', ['-c', `source "$1"; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _ovs; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', file], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

/** The same in zsh, with compadd and _files standing in for the completion system's builtins. */
const ZSH_STUBS = 'compadd() { [[ $1 == -- ]] && shift; print -l -- "$@" }; _files() { print -- "_files $*" }; compdef() { print -- "compdef $*" }';

function zsh(load: string, words: string[]): string[] {
  const array = words.map((w) => `'${w}'`).join(' ');
  const r = spawnSync('zsh', ['-f', '-c', `${ZSH_STUBS}; ${load}; words=(${array}); CURRENT=${words.length}; _ovs`], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

function fish(text: string, line: string): string[] {
  const file = join(scratch.path, 'ovs.fish');
  writeFileSync(file, text);
  const r = spawnSync('fish', ['--no-config', '-c', `source ${file}; complete -C '${line}'`], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0] as string);
}

describe('ovs completion bash', () => {
  it('a valid script completing every command name and the global options', async () => {
    const s = await script('bash');
    expect(spawnSync('bash', ['-n'], { input: s }).status).toBe(0);
    expect(bash(s, ['ovs', ''])).toEqual(expect.arrayContaining([...COMMANDS.map((c) => c.name), 'help']));
    expect(bash(s, ['ovs', '--dry-'])).toEqual(['--dry-run']);
  });

  it('the verbs of services, repositories and completion', async () => {
    const s = await script('bash');
    expect(bash(s, ['ovs', 'services', 's'])).toEqual(['start', 'stop', 'status']);
    expect(bash(s, ['ovs', '--root', '/mnt', 'repositories', 'r'])).toEqual(['reload']);
    expect(bash(s, ['ovs', 'completion', ''])).toEqual(['bash', 'zsh', 'fish', '--help']);
  });

  it('option values: directories for --root, files for --ssh-identity, cluster.conf nodes for --remove-node, choices', async () => {
    const s = await script('bash');
    expect(bash(s, ['ovs', '--root', `${scratch.path}/i`])).toEqual([image]);
    expect(bash(s, ['ovs', 'cluster-check', '--ssh-identity', `${image}/keys/id_`])).toEqual([`${image}/keys/id_pool`]);
    expect(bash(s, ['ovs', '--root', image, 'cluster-configure', '--remove-node', ''])).toEqual(['ovs1.example.com', 'ovs2.example.com']);
    expect(bash(s, ['ovs', '--root', image, 'cluster-configure', '--remove-node', 'ovs2'])).toEqual(['ovs2.example.com']);
    expect(bash(s, ['ovs', 'cluster-check', '--fail-on', ''])).toEqual(['never', 'warn', 'fail']);
    expect(bash(s, ['ovs', '--lock-timeout', ''])).toEqual([]);
  });
});

describe('ovs completion zsh', () => {
  it('sourced: registers _ovs and completes verbs and node names', async () => {
    const s = await script('zsh');
    expect(s.startsWith('#compdef ovs\n')).toBe(true);
    const file = join(scratch.path, 'ovs.zsh');
    writeFileSync(file, s);
    expect(spawnSync('zsh', ['-n', file]).status).toBe(0);
    expect(zsh(`source ${file}`, ['ovs', 'services', ''])).toEqual(['compdef _ovs ovs', 'start', 'stop', 'restart', 'status', 'install', '--strict', '--kill-heartbeat', '--help']);
    expect(zsh(`source ${file}`, ['ovs', '--root', image, 'cluster-configure', '--remove-node', ''])).toEqual(['compdef _ovs ovs', 'ovs1.example.com', 'ovs2.example.com']);
    expect(zsh(`source ${file}`, ['ovs', '--root', ''])).toEqual(['compdef _ovs ovs', '_files -/']);
  });

  it('installed as _ovs in $fpath: the first call (the first TAB) already completes', async () => {
    const dir = join(scratch.path, 'site-functions');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '_ovs'), await script('zsh'));
    const first = zsh(`fpath=(${dir} $fpath); autoload -Uz _ovs`, ['ovs', 'serv']);
    expect(first).toEqual(expect.arrayContaining(['services', 'repositories', 'cluster-check']));
    expect(first).not.toContain('compdef _ovs ovs');
  });
});

describe('ovs completion fish', () => {
  it('commands, verbs, node names under --root, choices, directories', async () => {
    const s = await script('fish');
    expect(fish(s, 'ovs serv')).toEqual(['services']);
    expect(fish(s, 'ovs services ')).toEqual(['install', 'restart', 'start', 'status', 'stop']);
    expect(fish(s, `ovs --root ${image} cluster-configure --remove-node `)).toEqual(['ovs1.example.com', 'ovs2.example.com']);
    expect(fish(s, 'ovs cluster-check --fail-on ')).toEqual(['fail', 'never', 'warn']);
    expect(fish(s, `ovs --root ${scratch.path}/i`)).toEqual([`${image}/`]);
  });
});

describe('completion and the registry', () => {
  it('every registry entry names and summarises its command exactly as the command does', async () => {
    for (const entry of COMMANDS) {
      const def = await entry.load();
      expect([entry.name, entry.summary]).toEqual([def.name, def.summary]);
    }
  });

  it('an unknown shell is a usage error naming the choices', async () => {
    const r = await runOvs(['completion', 'tcsh']);
    expect(r.exit).toBe(64);
    expect(r.stderr).toBe("ovs: completion: unknown shell 'tcsh' (one of: bash, zsh, fish)\novs: hint: ovs help completion shows the usage\n");
  });
});
