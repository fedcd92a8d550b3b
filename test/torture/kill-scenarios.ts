/**
 * The write runs kill.test.ts kills, each on its own scratch image. A scenario knows the state
 * its next run starts from, the argv, and the state that run must end in:
 *
 * - cluster-configure, flipping between two states (a node added with heartbeat threshold 61,
 *   removed with 31): cluster.conf and the O2CB settings change together;
 * - cluster-configure --import, flipping between two bundles (one node with 31, two with 61):
 *   the same pair of files, written from a bundle as propagation sends it;
 * - makerepo then offlinerepo -d of one cluster root: /etc/ovs/repositories, its mount point
 *   and the /OVS link appear together and go together;
 * - cluster-check --alter-fstab: /etc/ovs/repositories and /etc/fstab change together (the
 *   image is reset before each run).
 *
 * A state maps each managed path to what is there: a file's content, a symbolic link's target,
 * a directory, or nothing (entryOf).
 */
import { lstatSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { serializeBundle } from '../../src/lib/formats/bundle.js';
import { healthyServer, writeImage } from '../fixtures/servers/servers.js';
import { clusterImage, ovs } from './helpers.js';

/** One managed state of an image: system path -> entryOf (undefined: absent). */
export type State = Record<string, string | undefined>;

export interface Scenario {
  name: string;
  root: string;
  /** The old state, the argv that changes it, and the new state it must end in. */
  next(): { from: State; argv: string[]; to: State };
  /** Does this entry count as this state's (exact, or modulo a generated uuid)? */
  same(path: string, now: string | undefined, expected: string | undefined): boolean;
  okExits: number[];
  /** Chained: runs follow each other without a reset; `settle` says where the last one left the image. */
  chained: boolean;
  /** After a run (killed or not): did it complete its change? */
  settle(completed: boolean): void;
  /** Where the image is once every interrupted run is taken back. */
  current(): State;
  done(): void;
}

const LINK = '\0symbolic link to ';
const DIRECTORY = '\0directory';

/** What is at PATH of the image, without following a link (/OVS points outside the image). */
export function entryOf(root: string, path: string): string | undefined {
  const p = join(root, path);
  try {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return LINK + readlinkSync(p);
    if (st.isDirectory()) return DIRECTORY;
    return readFileSync(p, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** A regular file's content (links and directories have no backup file; the journal holds them). */
export const isFileContent = (entry: string | undefined): entry is string => entry !== undefined && !entry.startsWith('\0');

const uuidFree = (t: string | undefined) => t?.replace(/^[0-9A-F]{32}/gm, 'UUID');

interface Flip {
  name: string;
  root: string;
  paths: string[];
  /** Runs that bring a new image to state A. */
  setup: string[][];
  /** A -> B, and B -> A. */
  forward: string[];
  back: string[];
}

/** Two states A and B, runs flipping between them; each state must have exactly one form. */
async function flipScenario(f: Flip): Promise<Scenario> {
  const snap = (): State => Object.fromEntries(f.paths.map((p) => [p, entryOf(f.root, p)]));
  const must = async (argv: string[]) => {
    const r = await ovs(argv);
    expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
  };
  for (const argv of f.setup) await must(argv);
  const A = snap();
  await must(f.forward);
  const B = snap();
  await must(f.back);
  expect(snap()).toEqual(A); // deterministic: each state has exactly one form
  for (const p of f.paths) expect(A[p], `${f.name}: ${p} does not change between the two states`).not.toEqual(B[p]);
  // Where the image is once any interrupted run is taken back: A or B.
  let atA = true;
  return {
    name: f.name,
    root: f.root,
    next: () => (atA ? { from: A, argv: f.forward, to: B } : { from: B, argv: f.back, to: A }),
    same: (_p, now, expected) => now === expected,
    okExits: [0],
    chained: true,
    settle(completed) {
      if (completed) atA = !atA;
    },
    current: () => (atA ? A : B),
    done: () => {},
  };
}

const CLUSTER_FILES = ['/etc/ocfs2/cluster.conf', '/etc/default/o2cb'];

export function clusterScenario(root: string): Promise<Scenario> {
  clusterImage(root);
  const on = (...args: string[]) => ['--root', root, 'cluster-configure', ...args];
  return flipScenario({
    name: 'cluster-configure',
    root,
    paths: CLUSTER_FILES,
    setup: [on('--node', 'ovs1=10.0.0.1', '--heartbeat-threshold', '31')],
    forward: on('--add-node', 'n2=10.0.0.2', '--heartbeat-threshold', '61'),
    back: on('--remove-node', 'n2', '--heartbeat-threshold', '31'),
  });
}

/** A cluster.conf as the pool master holds it: these nodes, numbered in order, in cluster ocfs2. */
function clusterConf(nodes: [string, string][]): string {
  const stanzas = nodes.map(([name, ip], i) => `node:\n\tip_port = 7777\n\tip_address = ${ip}\n\tnumber = ${i}\n\tname = ${name}\n\tcluster = ocfs2\n\n`);
  return `${stanzas.join('')}cluster:\n\tnode_count = ${nodes.length}\n\tname = ocfs2\n\n`;
}

/** The bundles live beside the image (a file of this machine, as propagation leaves it). */
export function importScenario(root: string): Promise<Scenario> {
  clusterImage(root);
  const bundle = (name: string, nodes: [string, string][], threshold: string): string => {
    const file = `${root}-${name}.bundle`;
    writeFileSync(file, serializeBundle({ clusterConf: clusterConf(nodes), o2cb: { O2CB_ENABLED: 'true', O2CB_BOOTCLUSTER: 'ocfs2', O2CB_HEARTBEAT_THRESHOLD: threshold } }));
    return file;
  };
  const one = bundle('one', [['ovs1', '10.0.0.1']], '31');
  const two = bundle('two', [['ovs1', '10.0.0.1'], ['n2', '10.0.0.2']], '61');
  const from = (file: string) => ['--root', root, 'cluster-configure', '--import', file];
  return flipScenario({ name: 'cluster-configure --import', root, paths: CLUSTER_FILES, setup: [from(one)], forward: from(two), back: from(one) });
}

const ROOT_UUID = 'F4135C096045458195057412169071E5';

/** makerepo adds a cluster root (entry, mount point, /OVS link); offlinerepo -d takes it all away again. */
export function repositoryScenario(root: string): Promise<Scenario> {
  clusterImage(root);
  const make = ['--root', root, 'makerepo', 'fs.example.com:/OVS', 'C', 'cluster root', '--uuid', ROOT_UUID];
  const remove = ['--root', root, 'offlinerepo', '-d', ROOT_UUID];
  return flipScenario({
    name: 'makerepo / offlinerepo -d',
    root,
    paths: ['/etc/ovs/repositories', `/var/ovs/mount/${ROOT_UUID}`, '/OVS'],
    // The first makerepo also creates /etc/ovs, /var/ovs and /var/ovs/mount, which stay.
    setup: [make, remove],
    forward: make,
    back: remove,
  });
}

export async function fstabScenario(root: string): Promise<Scenario> {
  const s = healthyServer();
  const OLD = readFileSync(new URL('../fixtures/servers/fstab/below-ovs.fstab', import.meta.url), 'utf8');
  s.files['/etc/fstab'] = OLD;
  delete s.files['/etc/ovs/repositories'];
  writeImage(s, root);
  const argv = ['--root', root, 'cluster-check', '--alter-fstab'];
  const reset = () => {
    writeFileSync(join(root, 'etc/fstab'), OLD);
    rmSync(join(root, 'etc/ovs'), { recursive: true, force: true });
  };
  const r = await ovs(argv);
  expect([0, 1], r.stderr).toContain(r.code);
  const NEW: State = { '/etc/ovs/repositories': entryOf(root, '/etc/ovs/repositories'), '/etc/fstab': entryOf(root, '/etc/fstab') };
  expect(NEW['/etc/ovs/repositories']).toMatch(/^[0-9A-F]{32} {2}ocfs2 {2}C /m);
  const FROM: State = { '/etc/ovs/repositories': undefined, '/etc/fstab': OLD };
  let now = FROM;
  return {
    name: 'cluster-check --alter-fstab',
    root,
    next() {
      reset();
      now = FROM;
      return { from: FROM, argv, to: NEW };
    },
    same: (_p, entry, expected) => uuidFree(entry) === uuidFree(expected),
    okExits: [0, 1],
    chained: false,
    settle: (completed) => {
      now = completed ? NEW : FROM;
    },
    current: () => now,
    done: reset,
  };
}
