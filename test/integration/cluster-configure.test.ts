/**
 * `ovs cluster-configure`, built and run for real (`node bin/ovs --root DIR`), its
 * cluster.conf read back by the real `o2cb --config-file=F list-cluster NAME --oneline`
 * (`--config-file` before the sub-command, or o2cb silently reads /etc/ocfs2). --root keeps
 * every write inside a scratch image, and o2cb only lists, so the machine's /etc/ocfs2 and
 * /etc/default/o2cb are never touched. The one live run happens in private mount and UTS
 * namespaces, with scratch directories over /etc/ocfs2, /etc/default and the rc.d links and
 * tmpfs over /var/log, /var/lib and /run/lock (the real o2cb start mounts debugfs there).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { serializeBundle } from '../../src/lib/formats/bundle.js';
import { inNamespaces, scratchDir } from '../helpers/sandbox.js';
import { describeWithTools, findTool } from '../helpers/tools.js';

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function run(argv: string[]): Run {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

const ovs = (root: string, ...args: string[]) => run([process.execPath, 'bin/ovs', '--root', root, ...args]);

/** `o2cb list-cluster --oneline`, which exits 0 even for an unknown cluster: stderr must be empty too. */
function o2cbList(root: string, cluster = 'ocfs2'): string[] {
  const r = run([findTool('o2cb') ?? 'o2cb', `--config-file=${join(root, 'etc/ocfs2/cluster.conf')}`, 'list-cluster', cluster, '--oneline']);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

/** name -> number, from o2cb's node lines, and its cluster line. */
function numbers(lines: string[]): { byName: Map<string, number>; cluster: string } {
  const byName = new Map<string, number>();
  let cluster = '';
  for (const l of lines) {
    const m = /^node: (\d+) (\S+) ([\d.]+):(\d+) (\S+)$/.exec(l);
    if (m) byName.set(m[2] as string, Number(m[1]));
    else cluster = l;
  }
  return { byName, cluster };
}

const ip = (i: number) => `10.0.${i >> 4}.${(i & 15) + 1}`;
const nodeArgs = (count: number) => Array.from({ length: count }, (_, i) => ['--node', `n${i}=${ip(i)}`]).flat();

describeWithTools(['o2cb'], 'cluster-configure against the real o2cb (ocfs2-tools 1.8.7)', () => {
  const scratch = scratchDir('cluster-configure');
  let count = 0;

  /** A server image: /etc/hostname, an o2cb init script (so the service counts as installed). */
  function image(hostname = 'n0'): string {
    const root = join(scratch.path, `img${count++}`);
    mkdirSync(join(root, 'etc/init.d'), { recursive: true });
    writeFileSync(join(root, 'etc/hostname'), `${hostname}\n`);
    writeFileSync(join(root, 'etc/init.d/o2cb'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    return root;
  }

  beforeAll(() => {
    const b = run([process.execPath, 'scripts/build.mjs']);
    expect(b.status, b.stderr).toBe(0);
  });
  afterAll(() => scratch.remove());

  it.each([1, 2, 16, 255])('%i nodes: o2cb lists exactly the nodes given, node_count right', (n) => {
    const root = image();
    const r = ovs(root, 'cluster-configure', ...nodeArgs(n));
    expect(r.status, r.stderr).toBe(0);
    const expected = [...Array.from({ length: n }, (_, i) => `node: ${i} n${i} ${ip(i)}:7777 ocfs2`), `cluster: ${n} local ocfs2`];
    expect(o2cbList(root).sort()).toEqual(expected.sort());
    // The O2CB settings file the real init script reads, created from its own template.
    expect(readFileSync(join(root, 'etc/default/o2cb'), 'utf8')).toContain('\nO2CB_ENABLED=true\n');
  });

  it('adding and removing nodes never renumbers the others (as o2cb lists them)', () => {
    const root = image();
    expect(ovs(root, 'cluster-configure', ...nodeArgs(16)).status).toBe(0);
    const before = numbers(o2cbList(root)).byName;

    expect(ovs(root, 'cluster-configure', '--add-node', 'n16=10.9.0.16').status).toBe(0);
    const added = numbers(o2cbList(root));
    for (const [name, num] of before) expect(added.byName.get(name), name).toBe(num);
    expect(added.byName.get('n16')).toBe(16);
    expect(added.cluster).toBe('cluster: 17 local ocfs2');

    expect(ovs(root, 'cluster-configure', '--remove-node', 'n5', '--remove-node', 'n9').status).toBe(0);
    const removed = numbers(o2cbList(root));
    expect(removed.byName.has('n5')).toBe(false);
    for (const [name, num] of added.byName) if (name !== 'n5' && name !== 'n9') expect(removed.byName.get(name), name).toBe(num);
    expect(removed.cluster).toBe('cluster: 15 local ocfs2');

    // The lowest free number goes to the next new node, as `o2cb add-node` does it.
    expect(ovs(root, 'cluster-configure', '--add-node', 'n17=10.9.0.17').status).toBe(0);
    expect(numbers(o2cbList(root)).byName.get('n17')).toBe(5);
  });

  it("reads back a file the real o2cb rewrote (its own order) and keeps o2cb's numbers", () => {
    const root = image();
    expect(ovs(root, 'cluster-configure', ...nodeArgs(3)).status).toBe(0);
    const conf = join(root, 'etc/ocfs2/cluster.conf');
    const add = run([findTool('o2cb') ?? 'o2cb', `--config-file=${conf}`, 'add-node', 'ocfs2', 'extra', '--ip', '10.9.9.99', '--number', '9']);
    expect(add.status, add.stderr).toBe(0);
    const r = ovs(root, '--json', 'cluster-configure', '--add-node', 'n3=10.0.0.99');
    expect(r.status, r.stderr).toBe(0);
    const listed = numbers(o2cbList(root));
    expect(listed.byName.get('extra')).toBe(9);
    expect(listed.byName.get('n3')).toBe(3);
    expect(listed.cluster).toBe('cluster: 5 local ocfs2');
  });

  it('a second run with the same nodes changes nothing', () => {
    const root = image();
    expect(ovs(root, 'cluster-configure', ...nodeArgs(4)).status).toBe(0);
    const again = ovs(root, '--json', 'cluster-configure', ...nodeArgs(4));
    const doc = JSON.parse(again.stdout);
    expect(doc.result.status).toBe('unchanged');
    expect(doc.changes.filter((c: { kind: string }) => c.kind !== 'service')).toEqual([]);
  });

  it('--import writes the bundle and answers with the sha256 of the bytes on disk', () => {
    const master = image('n0');
    expect(ovs(master, 'cluster-configure', ...nodeArgs(3)).status).toBe(0);
    const conf = readFileSync(join(master, 'etc/ocfs2/cluster.conf'), 'utf8');
    // The bundle exactly as propagation builds it (formats/bundle.ts), read from a file.
    const bundlePath = join(scratch.path, 'bundle');
    writeFileSync(bundlePath, serializeBundle({ clusterConf: conf, o2cb: { O2CB_ENABLED: 'true', O2CB_BOOTCLUSTER: 'ocfs2' } }));
    const member = image('n2');
    const r = ovs(member, '--json', 'cluster-configure', '--import', bundlePath);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout).result;
    const held = readFileSync(join(member, 'etc/ocfs2/cluster.conf'));
    const sha = run(['sha256sum', join(member, 'etc/ocfs2/cluster.conf')]).stdout.split(' ')[0];
    expect(held.toString()).toBe(conf);
    expect(result).toMatchObject({ hostname: 'n2', status: 'updated', clusterConfSha256: sha, registered: [], restartNeeded: false });
    expect(o2cbList(member).length).toBe(4);
  });

  it('the 255-node dry run under --root plans every node and writes nothing (its speed: npm run bench)', () => {
    const root = image();
    const r = run([process.execPath, 'bin/ovs', '--root', root, '--dry-run', 'cluster-configure', ...nodeArgs(255)]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('node_count = 255');
    expect(() => readFileSync(join(root, 'etc/ocfs2/cluster.conf'))).toThrow();
  });

  it('live, in a namespace: writes both files, enables o2cb with the real update-rc.d, the real o2cb start fails on configfs (69), and both files are rolled back', () => {
    const dir = join(scratch.path, 'live');
    mkdirSync(join(dir, 'ocfs2'), { recursive: true });
    const debian = new URL('../fixtures/o2cb/debian-default-o2cb', import.meta.url).pathname;
    mkdirSync(join(dir, 'default'));
    const setup = [
      'set -e',
      'hostname ovs1.example.com',
      'mount --bind "$1/ocfs2" /etc/ocfs2',
      // A directory, not the file: ovs renames its new file over the old one (a bind-mounted file cannot be renamed over).
      'cp -a /etc/default/. "$1/default/"',
      'cp "$2" "$1/default/o2cb"',
      'mount --bind "$1/default" /etc/default',
      'shift 2',
      'for d in /var/log /var/lib /run/lock /etc/rc0.d /etc/rc1.d /etc/rc2.d /etc/rc3.d /etc/rc4.d /etc/rc5.d /etc/rc6.d /etc/rcS.d; do mount -t tmpfs tmpfs "$d"; done',
      '"$@" > "$OUT" || echo "exit=$?" >> "$OUT.exit"',
      'ls /etc/rc2.d > "$OUT.rc2"',
    ].join('\n');
    const out = join(dir, 'out');
    const r = inNamespaces(['bash', '-c', setup, 'setup', dir, debian, process.execPath, 'bin/ovs', '--json', 'cluster-configure', '--node', 'ovs1.example.com=192.168.1.11', '--node', 'ovs2.example.com=192.168.1.12'], { uts: true, env: { OUT: out } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(`${out}.exit`, 'utf8')).toBe('exit=69\n');
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.error.message).toBe('o2cb failed to start (exit 1: Unable to load filesystem "configfs") (running: none; not started: none) while starting the cluster services in order');
    expect(doc.changes.map((c: { kind: string; path?: string; argv?: string[]; result: string }) => `${c.result} ${c.kind} ${c.path ?? c.argv?.join(' ')}`)).toEqual([
      'rolled back write /etc/ocfs2/cluster.conf',
      'rolled back write /etc/default/o2cb',
      'applied service update-rc.d o2cb defaults',
      'failed service service o2cb start',
    ]);
    // What a program did stays (the boot links); the files are as they were before the run.
    expect(readFileSync(`${out}.rc2`, 'utf8')).toMatch(/^S\d\do2cb$/m);
    expect(existsSync(join(dir, 'ocfs2/cluster.conf'))).toBe(false);
    expect(readFileSync(join(dir, 'default/o2cb'), 'utf8')).toBe(readFileSync(debian, 'utf8'));
  });
});
