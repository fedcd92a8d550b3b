/**
 * docs/design.md, the write path, for real: a process killed (SIGKILL) between writing the temporary file and
 * renaming it over cluster.conf leaves the old cluster.conf intact on disk, byte for byte;
 * the fsynced temporary file beside it holds the new content. Runs the built CLI in a child
 * process whose host's rename() kills the process, under --root in a scratch directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

const OLD = 'cluster:\n\tnode_count = 1\n\tname = ocfs2\n\nnode:\n\tip_port = 7777\n\tip_address = 10.0.0.1\n\tnumber = 0\n\tname = ovs1\n\tcluster = ocfs2\n\n';

const child = (distIndex: string) => `
import { main, realHost } from ${JSON.stringify(distIndex)};
const host = realHost();
const rename = host.fs.rename;
host.fs = { ...host.fs, rename: async (from, to) => {
  if (to.endsWith('/cluster.conf')) process.kill(process.pid, 'SIGKILL'); // the crash
  return rename(from, to);
} };
process.exitCode = await main(process.argv.slice(2), host);
`;

describeWithTools(['node'], 'a crash in the middle of an atomic write (real process, real disk)', () => {
  const scratch = scratchDir('crash');
  afterAll(() => scratch.remove());

  it('leaves the old cluster.conf intact and the new content only in the temporary file', () => {
    const root = join(scratch.path, 'root');
    mkdirSync(join(root, 'etc/ocfs2'), { recursive: true });
    mkdirSync(join(root, 'etc/default'), { recursive: true });
    mkdirSync(join(root, 'etc/init.d'), { recursive: true });
    writeFileSync(join(root, 'etc/init.d/o2cb'), '#!/bin/sh\n', { mode: 0o755 }); // ocfs2-tools is installed in the image
    writeFileSync(join(root, 'etc/hostname'), 'ovs1\n');
    writeFileSync(join(root, 'etc/ocfs2/cluster.conf'), OLD);
    const script = join(scratch.path, 'crash.mjs');
    writeFileSync(script, child(resolve('dist/index.js')));
    const r = spawnSync(process.execPath, [script, '--root', root, 'cluster-configure', '--node', 'ovs1=10.0.0.1', '--node', 'ovs2=10.0.0.2'], { encoding: 'utf8' });
    expect(r.signal, r.stderr).toBe('SIGKILL');
    expect(readFileSync(join(root, 'etc/ocfs2/cluster.conf'), 'utf8')).toBe(OLD);
    const temps = readdirSync(join(root, 'etc/ocfs2')).filter((f) => f.endsWith('.tmp'));
    expect(temps).toHaveLength(1);
    expect(readFileSync(join(root, 'etc/ocfs2', temps[0] as string), 'utf8')).toContain('name = ovs2');
  });
});
