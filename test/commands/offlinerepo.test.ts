/**
 * `ovs offlinerepo [-d] UUID|SOURCE` on the memory host: unmount, the /OVS link, -d and the
 * entry, the data left on the storage, the running-guest probe (toolstack, open files, loop
 * devices), a busy mount, idempotence, --root and --dry-run. Each server is set up by
 * running `ovs makerepo` on it first, as an operator would.
 */
import { describe, expect, it } from 'vitest';
import { volumeImage } from '../../src/lib/doubles/ocfs2-tools.js';
import { repoHost, storageFiles, type RepoHostOptions } from '../helpers/repo-doubles.js';
import { memoryHost } from '../../src/lib/doubles/memory-host.js';
import { runOvs } from '../helpers/run.js';

const POOL = 'F4135C096045458195057412169071E5';
const NFS = 'fileserver.example.com:/OVS';
// The memory host's first "random" 16 bytes: makerepo's new uuid when nothing else decides it.
const DATA = memoryHost().randomHex(16).toUpperCase();
const mp = (uuid: string) => `/var/ovs/mount/${uuid}`;
const CARD = [
  `OVS_REPO_UUID=${POOL}`,
  'OVS_REPO_VERSION=1',
  'OVS_REPO_TYPE=nfs',
  'OVS_REPO_ROLE=C',
  `OVS_REPO_SOURCE=${NFS}`,
  'OVS_REPO_DESCRIPTION="Cluster Root"',
  'OVS_REPO_CREATED=2026-11-20T10:00:00Z',
  '',
].join('\n');
const HB = volumeImage();
const VM_CFG = "name = 'vm1'\ndisk = ['file:/OVS/running_pool/vm1/System.img,xvda,w']\n";

/** A pool server with the NFS cluster root added (and, with `data`, a shared repository). */
async function server(o: RepoHostOptions & { data?: boolean } = {}) {
  const host = repoHost({
    o2cbOnline: 'ocfs2',
    services: { ovsrepositories: {} },
    ...o,
    storage: { [NFS]: { '.ovsrepo': CARD, '.server_pool_hb': HB, 'running_pool/vm1/vm.cfg': VM_CFG, 'running_pool/vm1/System.img': 'disk' }, 'nas2:/data': {}, ...o.storage },
    files: { '/etc/rc3.d/S26ovsrepositories': '', '/var/log': null, ...o.files },
  });
  if (o.data) expect((await runOvs(['makerepo', 'nas2:/data', 'S', 'data'], host)).exit).toBe(0);
  expect((await runOvs(['makerepo', NFS, 'C', 'Cluster Root'], host)).exit).toBe(0);
  host.calls.length = 0;
  return host;
}

const snapshot = (h: ReturnType<typeof repoHost>) => JSON.stringify(h.vol.toJSON());
const argvs = (h: { calls: { argv: string[] }[] }) => h.calls.map((c) => c.argv.join(' '));

describe('offlinerepo', () => {
  it('unmounts the cluster root and removes /OVS; the entry and the data stay', async () => {
    const host = await server();
    const entries = host.readText('/etc/ovs/repositories');
    const r = await runOvs(['offlinerepo', POOL], host);
    expect(r.exit).toBe(0);
    expect(host.calls.map((c) => c.argv)).toEqual([['umount', '--', mp(POOL)]]);
    expect(host.exists('/OVS')).toBe(false);
    expect(host.readText('/etc/ovs/repositories')).toBe(entries);
    expect(host.vol.readdirSync(mp(POOL))).toEqual([]);
    expect(storageFiles(host, NFS)).toMatchObject({ '.ovsrepo': CARD, '.server_pool_hb': HB, 'running_pool/vm1/System.img': 'disk' });
    expect(r.stdout).toBe(`repository ${POOL} ${NFS}: unmounted (${mp(POOL)})\n  /OVS removed (it pointed at this cluster root)\n`);
  });

  it('-d also removes the entry and the empty mount point; the data on the storage is untouched', async () => {
    const host = await server();
    const r = await runOvs(['offlinerepo', '-d', `${NFS}/`], host);
    expect(r.exit).toBe(0);
    expect(host.readText('/etc/ovs/repositories')).not.toContain(POOL);
    expect(host.exists(mp(POOL))).toBe(false);
    expect(host.exists('/OVS')).toBe(false);
    expect(Object.keys(storageFiles(host, NFS)).sort()).toEqual(
      ['.ovsrepo', '.server_pool_hb', 'iso_pool/', 'publish_pool/', 'running_pool/', 'running_pool/vm1/', 'running_pool/vm1/System.img', 'running_pool/vm1/vm.cfg', 'seed_pool/', 'sharedDisk/'].sort(),
    );
    expect(r.stdout).toContain('  entry removed from /etc/ovs/repositories; the data on the storage is untouched\n');
    // Added again, it gets its UUID back from its .ovsrepo.
    const again = await runOvs(['--json', 'makerepo', NFS, 'C', 'Cluster Root'], host);
    expect(again.json.result).toMatchObject({ uuid: POOL, origin: 'ovsrepo' });
  });

  it('-d on a shared repository removes its /OVS/<UUID> link from the cluster root', async () => {
    const host = await server({ data: true });
    expect(String(host.vol.readlinkSync(`${mp(POOL)}/${DATA}`))).toBe(mp(DATA));
    const r = await runOvs(['offlinerepo', '-d', DATA], host);
    expect(r.exit).toBe(0);
    expect(host.exists(`${mp(POOL)}/${DATA}`)).toBe(false);
    expect(String(host.vol.readlinkSync('/OVS'))).toBe(mp(POOL));
    expect(host.readText('/etc/ovs/repositories')).not.toContain(DATA);
    expect(r.stdout).toContain(`  /OVS/${DATA} removed\n`);
  });

  it('refuses while a process holds a file of running_pool open (75), nothing changed', async () => {
    const host = await server();
    host.vol.mkdirSync('/proc/4711/fd', { recursive: true });
    host.vol.writeFileSync('/proc/4711/comm', 'qemu-dm\n');
    host.vol.symlinkSync(`${mp(POOL)}/running_pool/vm1/System.img`, '/proc/4711/fd/7');
    const before = snapshot(host);
    const r = await runOvs(['offlinerepo', POOL], host);
    expect(r.exit).toBe(75);
    expect(r.stderr.split('\n')[0]).toBe(`ovs: offlinerepo: guests are running from ${NFS} (${POOL}): ${mp(POOL)}/running_pool/vm1/System.img (open file, pid 4711 (qemu-dm)) while taking ${POOL} offline`);
    expect(r.stderr).toContain('ovs: hint: shut the guests down or migrate them to another server of the pool, then run the command again');
    expect(r.stderr).toContain('ovs: nothing was changed');
    expect(host.calls).toEqual([]);
    expect(snapshot(host)).toBe(before);
  });

  it('refuses while a loop device is backed by a file of running_pool (a file: disk) (75)', async () => {
    const host = await server();
    host.vol.mkdirSync('/sys/block/loop3/loop', { recursive: true });
    host.vol.writeFileSync('/sys/block/loop3/loop/backing_file', `${mp(POOL)}/running_pool/vm1/System.img\n`);
    const r = await runOvs(['offlinerepo', '-d', POOL], host);
    expect(r.exit).toBe(75);
    expect(r.stderr).toContain(`${mp(POOL)}/running_pool/vm1/System.img (loop device, /dev/loop3)`);
    expect(host.readText('/etc/ovs/repositories')).toContain(POOL);
  });

  it('refuses while `xm list` shows a domain of running_pool (75)', async () => {
    const xmList = [
      'Name                                        ID   Mem VCPUs      State   Time(s)',
      'Domain-0                                     0   543     2     r-----   4120.3',
      'vm1                                          3  1024     1     -b----    211.9',
      '',
    ].join('\n');
    const host = await server({ programs: ['xm', 'mount', 'umount', 'blkid', 'mkfs.ocfs2', 'tunefs.ocfs2', 'debugfs.ocfs2', 'modprobe', 'service'], expect: [{ argv: ['xm', 'list'], result: { stdout: xmList } }] });
    const r = await runOvs(['offlinerepo', POOL], host);
    expect(r.exit).toBe(75);
    expect(r.stderr).toContain('running_pool/vm1 (domain, xm)');
    expect(argvs(host)).toEqual(['xm list']);
  });

  it('a busy mount is refused by umount (75): /OVS and the entry stay', async () => {
    const host = await server({ busy: [mp(POOL)] });
    const r = await runOvs(['offlinerepo', '-d', POOL], host);
    expect(r.exit).toBe(75);
    expect(r.stderr).not.toContain('ovs: warning: umount'); // reported once, as the error below
    expect(r.stderr.split('\n').find((l) => l.startsWith('ovs: offlinerepo:'))).toBe(`ovs: offlinerepo: ${mp(POOL)} is busy: umount: ${mp(POOL)}: target is busy. while unmounting ${mp(POOL)}`);
    expect(r.stderr).toContain(`ovs: hint: stop what uses it (\`fuser -vm ${mp(POOL)}\` lists the processes), then run the command again`);
    expect(String(host.vol.readlinkSync('/OVS'))).toBe(mp(POOL));
    expect(host.readText('/etc/ovs/repositories')).toContain(POOL);
  });

  it('is idempotent: offline again changes nothing; -d of an unknown repository is done already (0)', async () => {
    const host = await server();
    await runOvs(['offlinerepo', POOL], host);
    const again = await runOvs(['--json', 'offlinerepo', POOL], host);
    expect(again.exit).toBe(0);
    expect(again.json.changes).toEqual([]);
    expect(again.json.result.detach.unmount).toBe('not mounted');
    await runOvs(['offlinerepo', '-d', POOL], host);
    const gone = await runOvs(['offlinerepo', '-d', POOL], host);
    expect(gone.exit).toBe(0);
    expect(gone.stdout).toBe(`${POOL} is not in /etc/ovs/repositories: nothing to do\n`);
  });

  it('an unknown repository without -d is exit 66; an argument that is neither uuid nor source is 65', async () => {
    const host = await server();
    const unknown = await runOvs(['offlinerepo', '60D0985974CA425AAF5D01A1F161CC8B'], host);
    expect(unknown.exit).toBe(66);
    expect(unknown.stderr.split('\n')[0]).toBe('ovs: offlinerepo: no repository 60D0985974CA425AAF5D01A1F161CC8B in /etc/ovs/repositories while taking a repository offline');
    const bad = await runOvs(['offlinerepo', 'data'], host);
    expect(bad.exit).toBe(65);
    expect(bad.stderr.split('\n')[0]).toBe('ovs: offlinerepo: "data" is neither host:/export nor an absolute device path; a device path must start with / (e.g. /dev/sdb1) while reading SOURCE');
  });

  it.each([[['-d', '']], [['']], [['-d', '--', '']], [['-d', '   ']]])('an empty or blank repository %j is a usage error (65) with a hint, never an internal error; nothing changes', async (args) => {
    const host = await server();
    const before = snapshot(host);
    const r = await runOvs(['offlinerepo', ...args], host);
    expect(r.exit).toBe(65);
    expect(r.stderr).toMatch(/^ovs: offlinerepo: .+ while reading SOURCE\novs: hint: give an NFS export as host:\/export/);
    expect(r.stderr).not.toMatch(/internal error|    at /);
    expect(snapshot(host)).toBe(before);
  });

  it('--dry-run shows the umount and the link removal and changes nothing', async () => {
    const host = await server();
    const before = snapshot(host);
    const r = await runOvs(['--dry-run', 'offlinerepo', '-d', POOL], host);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain(`  run      umount -- ${mp(POOL)}\n`);
    expect(r.stdout).toContain('  remove   /OVS\n');
    expect(r.stdout).toContain('  write    /etc/ovs/repositories\n');
    expect(host.calls).toEqual([]);
    expect(snapshot(host)).toBe(before);
  });

  it('--root -d: the entry, /OVS and the empty mount point go from the image; nothing is run', async () => {
    const host = repoHost({ files: { '/img/var/log': null, '/img/etc/ovs/repositories': `${POOL}  nfs    C     ${NFS}    Cluster Root\n`, [`/img${mp(POOL)}`]: null } });
    host.vol.symlinkSync(mp(POOL), '/img/OVS');
    const r = await runOvs(['--root', '/img', 'offlinerepo', '-d', POOL], host);
    expect(r.exit).toBe(0);
    expect(host.calls).toEqual([]);
    expect(host.readText('/img/etc/ovs/repositories')).toBe('');
    expect(host.exists('/img/OVS')).toBe(false);
    expect(host.exists(`/img${mp(POOL)}`)).toBe(false);
  });
});
