// Hostile input is handled in linear time: 10 MB of each format — well-formed but huge,
// one 10 MB line, random bytes, deep repetition — is parsed or refused in under 1 s
// (in-process, on the built library, one run each: a superlinear parser shows as seconds,
// not as a few per cent). Then through the CLI: cluster-check with 10 000 repositories
// (was 247 s), a 10 MB cluster.conf (refused by its size limit) and --import /dev/zero.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formats } from '../../dist/index.js';

const MB10 = 10 * 1024 * 1024;
const fill = (unit) => unit.repeat(Math.ceil(MB10 / unit.length)).slice(0, MB10);
const hex = (i, w = 32) => i.toString(16).toUpperCase().padStart(w, '0');

function randomText() {
  let x = 12345;
  const b = Buffer.alloc(MB10);
  for (let i = 0; i < b.length; i++) b[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return b.toString('latin1');
}

function manyLines(n, line) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(line(i));
  return `${out.join('\n')}\n`;
}

const random = randomText();
const oneLine = fill('a');
const blanks = fill(' \t');
const inputs = {
  'cluster.conf': [
    ['10 MB of node stanzas', fill('node:\n\tip_port = 7777\n\tip_address = 10.0.0.1\n\tnumber = 0\n\tname = n\n\tcluster = ocfs2\n\n')],
    ['one 10 MB stanza name', `${oneLine}:\n`],
    ['one 10 MB attribute value', `cluster:\n\tname = ${oneLine}\n`],
  ],
  'O2CB settings': [['200 000 assignments', manyLines(200_000, (i) => `O2CB_KEY_${i}="value ${i}"`)], ['one 10 MB quoted value', `O2CB_BOOTCLUSTER="${oneLine}`]],
  fstab: [['200 000 entries', manyLines(200_000, (i) => `UUID=${hex(i, 8)}-aaaa-bbbb-cccc-dddddddddddd /srv/d\\040${i} ext4 defaults 0 2`)], ['10 MB of \\040 escapes', `/dev/sda1 ${fill('\\040')} ext3 defaults 0 0\n`]],
  repositories: [
    ['100 000 entries', manyLines(100_000, (i) => `${hex(i + 1)}  nfs    ${i ? 'S' : 'C'}     fs${i}.example.com:/OVS${i}    repo ${i}`)],
    ['one 10 MB host name', `${hex(1)}  nfs    C     ${fill('a-')}:/OVS\n`],
  ],
  'repositories.options': [['200 000 keys', manyLines(200_000, (i) => `KEY_${i}="v"`)], ['one 10 MB value', `NFS_MOUNT_OPTIONS="${fill('rw,')}"\n`]],
  hosts: [['200 000 lines', manyLines(200_000, (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} host${i}.example.com host${i}`)], ['one 10 MB address', `${fill('1:')}\n`]],
  bundle: [['one 10 MB line', oneLine], ['10 MB of header lines', fill('# ovs cluster bundle 1\n')]],
  'iscsiadm discovery': [['200 000 records', manyLines(200_000, (i) => `10.0.${(i >> 8) & 255}.${i & 255}:3260,1 iqn.2001-04.com.example:t${i}`)], ['one 10 MB line', oneLine]],
  '/proc/mounts': [['200 000 mounts', manyLines(200_000, (i) => `/dev/sd${i} /mnt/m\\040${i} ext4 rw,relatime 0 0`)], ['one 10 MB line', oneLine]],
  '/proc/partitions': [['200 000 partitions', `major minor  #blocks  name\n\n${manyLines(200_000, (i) => `   8  ${i}  1000 sd${i}`)}`]],
  '.ovsrepo': [['200 000 keys', manyLines(200_000, (i) => `OVS_REPO_X${i}=v`)], ['one 10 MB value', `OVS_REPO_DESCRIPTION="${oneLine}"\n`]],
};
const parsers = {
  'cluster.conf': (t) => formats.clusterConf.parseClusterConf(t),
  'O2CB settings': (t) => formats.o2cbSettings.parseO2cbSettings(t),
  fstab: (t) => formats.fstab.ovsEntries(formats.fstab.parseFstab(t)),
  repositories: (t) => formats.repositories.parseRepositories(t),
  'repositories.options': (t) => formats.repositoryOptions.parseRepositoryOptions(t),
  hosts: (t) => formats.hosts.parseHosts(t),
  bundle: (t) => formats.bundle.parseBundle(t),
  'iscsiadm discovery': (t) => formats.iscsiadm.parseIscsiRecords(t),
  '/proc/mounts': (t) => formats.procMounts.parseProcMounts(t),
  '/proc/partitions': (t) => formats.procPartitions.parseProcPartitions(t),
  '.ovsrepo': (t) => formats.ovsrepo.parseOvsRepo(t),
};

function timeParse(fn, text) {
  const t0 = performance.now();
  let outcome = 'parsed';
  try {
    fn(text);
  } catch (e) {
    if (e?.name !== 'FormatError') throw e;
    outcome = 'refused';
  }
  return { seconds: (performance.now() - t0) / 1000, outcome };
}

function parserResults() {
  const out = [];
  for (const [format, cases] of Object.entries(inputs)) {
    const all = [...cases, ['10 MB of random bytes', random], ['10 MB of blanks and tabs', blanks]];
    const runs = all.map(([what, text]) => ({ what, ...timeParse(parsers[format], text) }));
    const worst = runs.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    const detail = runs.map((r) => `${r.what} ${r.outcome} ${r.seconds.toFixed(2)} s`).join('; ');
    out.push({ name: `10 MB ${format} inputs, slowest`, target: 1, ratio: worst.seconds, unit: 's', detail });
  }
  return out;
}

function cliSeconds(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/ovs', ...args], { encoding: 'utf8', input: '' });
  return { seconds: (performance.now() - t0) / 1000, exit: r.status, line: r.stderr.split('\n').find((l) => l.startsWith('ovs: ') && !l.startsWith('ovs: hint')) ?? '' };
}

function cliResults() {
  const root = join('.scratch', `bench-bad-input-${process.pid}`);
  try {
    mkdirSync(join(root, 'etc/ovs'), { recursive: true });
    mkdirSync(join(root, 'etc/ocfs2'), { recursive: true });
    writeFileSync(join(root, 'etc/hostname'), 'ovs1.example.com\n');
    writeFileSync(join(root, 'etc/ovs/repositories'), inputs.repositories[0][1].split('\n').slice(0, 10_000).join('\n') + '\n');
    const check = cliSeconds(['--root', root, 'cluster-check']);
    writeFileSync(join(root, 'etc/ocfs2/cluster.conf'), inputs['cluster.conf'][0][1]);
    const conf = cliSeconds(['--root', root, 'cluster-configure', '--add-node', 'ovs1.example.com=10.0.0.1']);
    const zero = cliSeconds(['--root', root, 'cluster-configure', '--import', '/dev/zero']);
    return [
      { name: 'cluster-check with 10 000 repositories (was 247 s)', target: 2, ratio: check.seconds, unit: 's', detail: `exit ${check.exit}` },
      { name: 'a 10 MB cluster.conf refused', target: 1, ratio: conf.seconds, unit: 's', detail: `exit ${conf.exit}: ${conf.line}` },
      { name: '--import /dev/zero refused', target: 1, ratio: zero.seconds, unit: 's', detail: `exit ${zero.exit}: ${zero.line}` },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export default async function bench() {
  return [...parserResults(), ...cliResults()];
}
