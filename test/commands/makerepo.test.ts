/**
 * `ovs makerepo` on the memory host: the guide's two cluster roots (OCFS2 `/dev/sdb1 C
 * "cluster root"`, NFS `fileserver.example.com:/OVS C "Cluster Root"`), a server joining the
 * pool (the UUID from .ovsrepo), local and shared repositories, every refusal with its exit
 * status and message and nothing changed, a failing mount that leaves nothing behind, and
 * --root / --dry-run. Storage and tools are doubles (test/helpers/repo-doubles.ts).
 */
import { describe, expect, it } from 'vitest';
import { volumeImage } from '../../src/lib/doubles/ocfs2-tools.js';
import { repoHost, storageDir, storageFiles, type RepoHostOptions } from '../helpers/repo-doubles.js';
import { memoryHost } from '../../src/lib/doubles/memory-host.js';
import { runOvs } from '../helpers/run.js';

const VOL = '60D0985974CA425AAF5D01A1F161CC8B';
const POOL = 'F4135C096045458195057412169071E5';
// The memory host's first "random" 16 bytes: makerepo's new uuid when nothing else decides it.
const NEW = memoryHost().randomHex(16).toUpperCase();
const NFS = 'fileserver.example.com:/OVS';
const HEADER = [
  '# Oracle VM repositories, maintained by `ovs makerepo` / `ovs offlinerepo`.',
  '# uuid                            type   role  source                         description',
];
const CARD = (uuid: string, role = 'C', description = '"Cluster Root"') =>
  [
    '# Oracle VM repository identity, written by `ovs makerepo`. Every server of the pool reads its uuid here.',
    `OVS_REPO_UUID=${uuid}`,
    'OVS_REPO_VERSION=1',
    'OVS_REPO_TYPE=nfs',
    `OVS_REPO_ROLE=${role}`,
    `OVS_REPO_SOURCE=${NFS}`,
    `OVS_REPO_DESCRIPTION=${description}`,
    'OVS_REPO_CREATED=2026-11-20T10:00:00Z',
    '',
  ].join('\n');
const POOL_DIRS = { 'iso_pool/': null, 'publish_pool/': null, 'running_pool/': null, 'seed_pool/': null, 'sharedDisk/': null };
const mp = (uuid: string) => `/var/ovs/mount/${uuid}`;

/** A pool server: o2cb online, the ovsrepositories service installed and enabled at boot. */
function server(o: RepoHostOptions = {}) {
  return repoHost({
    o2cbOnline: 'ocfs2',
    services: { ovsrepositories: {} },
    ...o,
    files: {
      '/etc/default/o2cb': 'O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=ocfs2\n',
      '/etc/rc3.d/S26ovsrepositories': '',
      '/var/log': null,
      '/etc/fstab': '/dev/vda1\t/\text4\tdefaults\t1 1\n',
      ...o.files,
    },
  });
}

const argvs = (h: { calls: { argv: string[] }[] }) => h.calls.map((c) => c.argv.join(' '));
const snapshot = (h: ReturnType<typeof repoHost>) => JSON.stringify(h.vol.toJSON());

describe('makerepo: the guide\'s OCFS2 cluster root (/dev/sdb1 C "cluster root")', () => {
  const ocfs2 = () => server({ devices: { '/dev/sdb1': { type: 'ocfs2', uuid: VOL, label: 'ovsroot' } } });

  it('mounts at /var/ovs/mount/<volume UUID>, lays it out, links /OVS and records it (replayed blkid/tunefs.ocfs2/debugfs.ocfs2 output)', async () => {
    const r = await runOvs(['makerepo', '/dev/sdb1', 'C', 'cluster root'], ocfs2());
    expect(r.stderr).not.toMatch(/warning/);
    expect(r.exit).toBe(0);
    expect(argvs(r.host)).toEqual([
      'blkid -p -o export -- /dev/sdb1',
      'tunefs.ocfs2 -Q %U\\n%N\\n%T\\n%V -- /dev/sdb1',
      'debugfs.ocfs2 -R stats -- /dev/sdb1',
      `mount -t ocfs2 -o _netdev -- /dev/sdb1 ${mp(VOL)}`,
    ]);
    expect(r.host.calls[3]?.argv).toEqual(['mount', '-t', 'ocfs2', '-o', '_netdev', '--', '/dev/sdb1', mp(VOL)]);
    expect(r.host.readText('/etc/ovs/repositories')).toBe([...HEADER, `${VOL}  ocfs2  C     /dev/sdb1                      cluster root`, ''].join('\n'));
    expect(String(r.host.vol.readlinkSync('/OVS'))).toBe(mp(VOL));
    const files = storageFiles(r.host, '/dev/sdb1');
    expect(Object.keys(files).sort()).toEqual(['.ovsrepo', ...Object.keys(POOL_DIRS)].sort());
    expect(files['.ovsrepo']).toContain(`OVS_REPO_UUID=${VOL}\nOVS_REPO_VERSION=1\nOVS_REPO_TYPE=ocfs2\nOVS_REPO_ROLE=C\nOVS_REPO_SOURCE=/dev/sdb1\nOVS_REPO_DESCRIPTION="cluster root"\nOVS_REPO_CREATED=2026-11-25T12:00:00Z\n`);
    expect(r.stdout).toBe(
      [
        `repository ${VOL} (ocfs2, cluster root) /dev/sdb1`,
        '  uuid:        the OCFS2 volume uuid',
        `  mount:       ${mp(VOL)} (mounted)`,
        `  link:        /OVS -> ${mp(VOL)}`,
        '  entry:       added in /etc/ovs/repositories',
        '',
      ].join('\n'),
    );
  });

  it('is idempotent: the same command again changes nothing and exits 0', async () => {
    const host = ocfs2();
    await runOvs(['makerepo', '/dev/sdb1', 'C', 'cluster root'], host);
    const before = snapshot(host);
    const calls = host.calls.length;
    const r = await runOvs(['--json', 'makerepo', '/dev/sdb1', 'c', 'cluster root'], host);
    expect(r.exit).toBe(0);
    expect(r.json.changes).toEqual([]);
    expect(r.json.result).toMatchObject({ uuid: VOL, mount: 'already mounted', identity: 'found', entry: 'unchanged', changed: false });
    expect(argvs(r.host).slice(calls).filter((a) => a.startsWith('mount') || a.startsWith('umount'))).toEqual([]);
    expect(snapshot(host)).toBe(before);
    const human = await runOvs(['makerepo', '/dev/sdb1', 'C', 'cluster root'], host);
    expect(human.stdout).toBe(`repository ${VOL} (ocfs2, cluster root) /dev/sdb1: already in place, nothing changed\n`);
  });

  it('a changed description updates the entry only (the .ovsrepo on the storage keeps the first)', async () => {
    const host = ocfs2();
    await runOvs(['makerepo', '/dev/sdb1', 'C', 'cluster root'], host);
    const card = storageFiles(host, '/dev/sdb1')['.ovsrepo'];
    const r = await runOvs(['--json', 'makerepo', '/dev/sdb1', 'C', 'pool A cluster root'], host);
    expect(r.exit).toBe(0);
    expect(r.json.changes.map((c: { kind: string; path: string }) => `${c.kind} ${c.path}`)).toEqual(['write /etc/ovs/repositories']);
    expect(r.json.result.entry).toBe('updated');
    expect(host.readText('/etc/ovs/repositories')).toContain(`${VOL}  ocfs2  C     /dev/sdb1                      pool A cluster root\n`);
    expect(storageFiles(host, '/dev/sdb1')['.ovsrepo']).toBe(card);
  });

  it('a changed role from C to S drops /OVS and updates the entry', async () => {
    const host = ocfs2();
    await runOvs(['makerepo', '/dev/sdb1', 'C', 'cluster root'], host);
    const r = await runOvs(['makerepo', '/dev/sdb1', 'S', 'data'], host);
    expect(r.exit).toBe(0);
    expect(host.exists('/OVS')).toBe(false);
    expect(host.readText('/etc/ovs/repositories')).toContain(`${VOL}  ocfs2  S     /dev/sdb1                      data\n`);
  });

  it('refuses while the O2CB cluster is offline (69), before any change', async () => {
    const host = repoHost({ devices: { '/dev/sdb1': { type: 'ocfs2', uuid: VOL } }, files: { '/etc/default/o2cb': 'O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=ocfs2\n' } });
    const before = snapshot(host);
    const r = await runOvs(['makerepo', '/dev/sdb1', 'C', 'cluster root'], host);
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain("ovs: makerepo: the O2CB cluster 'ocfs2' is not online while checking the O2CB cluster for an OCFS2 repository\n");
    expect(r.stderr).toContain('ovs: hint: run `ovs cluster-configure`');
    expect(r.stderr).toContain('ovs: nothing was changed');
    expect(argvs(host).some((a) => a.startsWith('mount'))).toBe(false);
    expect(snapshot(host)).toBe(before);
  });

  it("a failed NFS mount says mount's reason, not its dmesg(1) line, and the command (replayed util-linux 2.38 mount output)", async () => {
    const said = `mount: ${mp(NEW)}: unknown filesystem type 'nfs'.\n       dmesg(1) may have more information after failed mount system call.\n`;
    const host = server({ mountFails: { [NFS]: { exitCode: 32, stderr: said } }, dns: { 'fileserver.example.com': ['192.168.1.5'] } });
    const r = await runOvs(['makerepo', NFS, 'C', 'Cluster Root'], host);
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain(
      `ovs: makerepo: mount failed (exit 32): mount: ${mp(NEW)}: unknown filesystem type 'nfs'. while mounting ${NFS} on ${mp(NEW)} (mount -t nfs -o rw,hard,tcp,nfsvers=3,timeo=600 -- ${NFS} ${mp(NEW)})\n`,
    );
    expect(r.stderr).not.toContain('dmesg');
    expect(r.stderr).toContain('ovs: hint: install the NFS client');
  });

  it('an NFS server name that resolves nowhere is said as such (66), with the mount command and its reason', async () => {
    const said = 'mount.nfs: Failed to resolve server nas9.example.com: Name or service not known\n';
    const source = 'nas9.example.com:/OVS';
    const host = server({ mountFails: { [source]: { exitCode: 32, stderr: said } } });
    const r = await runOvs(['makerepo', source, 'C', 'Cluster Root'], host);
    expect(r.exit).toBe(66);
    expect(r.stderr).toContain("ovs: makerepo: NFS server 'nas9.example.com' does not resolve (not in /etc/hosts, no DNS answer); mount -t nfs");
    expect(r.stderr).toContain('ovs: hint: add nas9.example.com to /etc/hosts or DNS, or give the server\'s IP address in the source');
  });

  it('a mount that fails leaves no entry and no directories (replayed mount.ocfs2 1.8.7 message, docs/tools.md)', async () => {
    const failing = server({
      devices: { '/dev/sdb1': { type: 'ocfs2', uuid: VOL } },
      mountFails: { '/dev/sdb1': { exitCode: 1, stderr: 'mount.ocfs2: Unable to access cluster service while trying initialize cluster\n' } },
    });
    const r = await runOvs(['makerepo', '/dev/sdb1', 'C', 'cluster root'], failing);
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain(
      `ovs: makerepo: mount failed (exit 1): mount.ocfs2: Unable to access cluster service while trying initialize cluster while mounting /dev/sdb1 on ${mp(VOL)} (mount -t ocfs2 -o _netdev -- /dev/sdb1 ${mp(VOL)})\n`,
    );
    expect(r.stderr).toContain('ovs: hint: bring the O2CB cluster online first: `ovs cluster-configure`, then `ovs services start`');
    expect(failing.exists('/etc/ovs/repositories')).toBe(false);
    expect(failing.exists('/var/ovs')).toBe(false);
    expect(failing.exists('/OVS')).toBe(false);
    expect(r.stderr).toMatch(/rolled back +rmdir +\/var\/ovs\n/);
  });

  it('refuses an OCFS2 volume already registered under another device name (78), nothing changed', async () => {
    const host = server({
      devices: { '/dev/sdb1': { type: 'ocfs2', uuid: VOL } },
      files: { '/etc/ovs/repositories': `${VOL}  ocfs2  S     /dev/mapper/ovs_data1          data\n` },
    });
    const before = snapshot(host);
    const r = await runOvs(['makerepo', '/dev/sdb1', 'S', 'data'], host);
    expect(r.exit).toBe(78);
    expect(r.stderr).toContain(`ovs: makerepo: its OCFS2 volume uuid is ${VOL}, which is already registered with source /dev/mapper/ovs_data1 while adding /dev/sdb1\n`);
    expect(snapshot(host)).toBe(before);
  });
});

describe('makerepo: the guide\'s NFS cluster root (fileserver.example.com:/OVS C "Cluster Root")', () => {
  it('first server: a new UUID, .ovsrepo, the pool directories, /OVS and the heartbeat file', async () => {
    const host = server({ storage: { [NFS]: {} } });
    const r = await runOvs(['makerepo', NFS, 'C', 'Cluster Root'], host);
    expect(r.exit).toBe(0);
    const tmp = host.calls[1]?.argv[2]?.slice(3) ?? '';
    expect(tmp).toMatch(new RegExp(`^${mp(NEW)}/\\.[^/]*server_pool_hb[^/]*\\.tmp$`));
    expect(argvs(host)).toEqual([
      `mount -t nfs -o rw,hard,tcp,nfsvers=3,timeo=600 -- ${NFS} ${mp(NEW)}`,
      `dd if=/dev/zero of=${tmp} bs=1M count=314572800 iflag=count_bytes conv=excl,fsync status=progress`,
      `mkfs.ocfs2 -L server_pool_hb -N 16 -b 2k -C 4k --force -x --nodiscard -- ${tmp}`,
      `tunefs.ocfs2 -Q %U\\n%N\\n%T\\n%V -- ${tmp}`,
      `debugfs.ocfs2 -R stats -- ${tmp}`,
    ]);
    const files = storageFiles(host, NFS);
    expect(Object.keys(files).sort()).toEqual(['.ovsrepo', '.server_pool_hb', ...Object.keys(POOL_DIRS)].sort());
    expect(files['.ovsrepo']).toBe(CARD(NEW).replace('2026-11-20T10:00:00Z', '2026-11-25T12:00:00Z'));
    expect(String(host.vol.readlinkSync('/OVS'))).toBe(mp(NEW));
    expect(host.readText('/etc/ovs/repositories')).toBe([...HEADER, `${NEW}  nfs    C     ${NFS}    Cluster Root`, ''].join('\n'));
    expect(r.stdout).toContain(`  heartbeat:   ${mp(NEW)}/.server_pool_hb (created)\n`);
    const again = await runOvs(['--json', 'makerepo', NFS, 'C', 'Cluster Root'], host);
    expect(again.exit).toBe(0);
    expect(again.json.changes).toEqual([]);
    expect(again.json.result.heartbeat).toBe('present');
  });

  it("a server joining the pool reuses the UUID of the storage's .ovsrepo and leaves its heartbeat file alone", async () => {
    const hb = volumeImage({ uuid: 'EDD4846F5C214A6E984EEFA24BE1D0BC' });
    const host = server({ storage: { [NFS]: { '.ovsrepo': CARD(POOL), '.server_pool_hb': hb, ...POOL_DIRS } } });
    const r = await runOvs(['makerepo', NFS, 'C', 'Cluster Root'], host);
    expect(r.exit).toBe(0);
    expect(argvs(host)).toEqual([
      `mount -t nfs -o rw,hard,tcp,nfsvers=3,timeo=600 -- ${NFS} ${mp(NEW)}`,
      `umount -- ${mp(NEW)}`,
      `mount -t nfs -o rw,hard,tcp,nfsvers=3,timeo=600 -- ${NFS} ${mp(POOL)}`,
      `tunefs.ocfs2 -Q %U\\n%N\\n%T\\n%V -- ${mp(POOL)}/.server_pool_hb`,
      `debugfs.ocfs2 -R stats -- ${mp(POOL)}/.server_pool_hb`,
    ]);
    expect(host.exists(mp(NEW))).toBe(false);
    expect(storageFiles(host, NFS)['.server_pool_hb']).toBe(hb);
    expect(storageFiles(host, NFS)['.ovsrepo']).toBe(CARD(POOL));
    expect(host.readText('/etc/ovs/repositories')).toContain(`${POOL}  nfs    C     ${NFS}    Cluster Root\n`);
    expect(r.stdout).toContain('  uuid:        from the .ovsrepo on the storage\n');
    expect(r.stdout).toContain(`  heartbeat:   ${mp(POOL)}/.server_pool_hb (present)\n`);
  });

  it('an invalid heartbeat file on the storage stops the run and everything made is taken back', async () => {
    const host = server({ storage: { [NFS]: { '.ovsrepo': CARD(POOL), '.server_pool_hb': Buffer.alloc(1 << 20) } } });
    const r = await runOvs(['makerepo', NFS, 'C', 'Cluster Root'], host);
    expect(r.exit).toBe(78);
    expect(r.stderr).toContain('holds only zeros');
    expect(host.exists('/etc/ovs/repositories')).toBe(false);
    expect(host.exists('/OVS')).toBe(false);
    expect(host.exists('/var/ovs')).toBe(false);
    expect(host.readText('/proc/mounts')).not.toContain(NFS);
    expect(Object.keys(storageFiles(host, NFS)).sort()).toEqual(['.ovsrepo', '.server_pool_hb']);
    expect(argvs(host).at(-1)).toBe(`umount -- ${mp(POOL)}`);
  });

  it('mkfs.ocfs2 missing for the heartbeat file: exit 69 before anything is mounted or made', async () => {
    const host = server({ storage: { [NFS]: {} }, programs: ['mount', 'umount', 'blkid', 'tunefs.ocfs2', 'debugfs.ocfs2', 'modprobe', 'service'] });
    const r = await runOvs(['makerepo', NFS, 'C', 'Cluster Root'], host);
    expect(r.exit).toBe(69);
    expect(r.stderr).toContain('ovs: makerepo: mkfs.ocfs2 is not installed');
    expect(r.stderr).toContain('ovs: nothing was changed');
    expect(argvs(host)).toEqual([]);
    expect(storageFiles(host, NFS)).toEqual({});
    expect(host.exists('/var/ovs')).toBe(false);
    expect(host.exists('/OVS')).toBe(false);
    expect(host.exists('/etc/ovs/repositories')).toBe(false);
  });

  it('uses NFS_MOUNT_OPTIONS from /etc/ovs/repositories.options', async () => {
    const host = server({ storage: { [NFS]: { '.ovsrepo': CARD(POOL), '.server_pool_hb': volumeImage() } }, files: { '/etc/ovs/repositories.options': 'NFS_MOUNT_OPTIONS=rw,hard,tcp,nfsvers=3,timeo=900,retrans=5\n' } });
    const r = await runOvs(['makerepo', NFS, 'C', 'Cluster Root'], host);
    expect(r.exit).toBe(0);
    expect(host.calls[0]?.argv).toEqual(['mount', '-t', 'nfs', '-o', 'rw,hard,tcp,nfsvers=3,timeo=900,retrans=5', '--', NFS, mp(NEW)]);
  });

  it('refuses storage whose .ovsrepo names a repository registered with another source (78), mount taken back', async () => {
    const host = server({ storage: { '10.0.0.5:/OVS': { '.ovsrepo': CARD(POOL) } }, files: { '/etc/ovs/repositories': `${POOL}  nfs    S     ${NFS}    data\n` } });
    const r = await runOvs(['makerepo', '10.0.0.5:/OVS', 'S', 'data'], host);
    expect(r.exit).toBe(78);
    expect(r.stderr).toContain(`ovs: makerepo: the .ovsrepo on its storage says ${POOL}, which is already registered with source ${NFS} while adding 10.0.0.5:/OVS\n`);
    expect(argvs(host)).toEqual([`mount -t nfs -o rw,hard,tcp,nfsvers=3,timeo=600 -- 10.0.0.5:/OVS ${mp(NEW)}`, `umount -- ${mp(NEW)}`]);
    expect(host.readText('/etc/ovs/repositories')).toBe(`${POOL}  nfs    S     ${NFS}    data\n`);
    expect(host.exists('/var/ovs')).toBe(false);
  });
});

describe('makerepo: shared and local repositories', () => {
  it('a shared repository is linked as /OVS/<UUID> inside the mounted cluster root', async () => {
    const host = server({
      storage: { [NFS]: { '.ovsrepo': CARD(POOL) }, 'nas2:/data': {} },
      mounted: [{ source: NFS, target: mp(POOL), fstype: 'nfs' }],
      files: { '/etc/ovs/repositories': `${POOL}  nfs    C     ${NFS}    Cluster Root\n` },
    });
    host.vol.rmdirSync(mp(POOL));
    host.vol.renameSync(storageDir(NFS), mp(POOL));
    const r = await runOvs(['makerepo', 'nas2:/data', 'S', 'data'], host);
    expect(r.exit).toBe(0);
    expect(String(host.vol.readlinkSync(`${mp(POOL)}/${NEW}`))).toBe(mp(NEW));
    expect(host.exists('/OVS')).toBe(false); // the root's link is the service's or the root's makerepo's business
    expect(host.readText('/etc/ovs/repositories')).toBe(`${POOL}  nfs    C     ${NFS}    Cluster Root\n${NEW}  nfs    S     nas2:/data                     data\n`);
  });

  it('a local ext4 repository (role L) is mounted with LOCAL_MOUNT_OPTIONS', async () => {
    const host = server({ devices: { '/dev/sdc1': { type: 'ext4' } } });
    const r = await runOvs(['makerepo', '/dev/sdc1', 'l', 'local images'], host);
    expect(r.exit).toBe(0);
    expect(argvs(host)).toEqual(['blkid -p -o export -- /dev/sdc1', `mount -t ext4 -o defaults -- /dev/sdc1 ${mp(NEW)}`]);
    expect(host.readText('/etc/ovs/repositories')).toContain(`${NEW}  ext4   L     /dev/sdc1                      local images\n`);
    expect(host.exists('/OVS')).toBe(false);
  });

  it('says when nothing would mount the repositories at boot', async () => {
    const host = repoHost({ storage: { 'nas2:/data': {} } });
    const r = await runOvs(['makerepo', 'nas2:/data', 'S', 'data'], host);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain('note: the ovsrepositories service is not installed, so nothing mounts the repositories at boot');
  });
});

describe('makerepo: refusals (exit status, message, nothing changed)', () => {
  const root = `${POOL}  nfs    C     ${NFS}    Cluster Root\n`;
  const cases: { name: string; argv: string[]; exit: number; message: string; files?: Record<string, string | null>; mounted?: RepoHostOptions['mounted'] }[] = [
    { name: 'unknown role', argv: [NFS, 'X', 'root'], exit: 65, message: 'ovs: makerepo: "X" is not a repository role (C cluster root, S shared, L local) while reading ROLE' },
    { name: 'relative device path', argv: ['dev/sdb1', 'S', 'data'], exit: 65, message: 'ovs: makerepo: "dev/sdb1" is neither host:/export nor an absolute device path; a device path must start with / (e.g. /dev/sdb1) while reading SOURCE' },
    { name: 'host: without an export', argv: ['fileserver.example.com:', 'C', 'root'], exit: 65, message: 'ovs: makerepo: the NFS source "fileserver.example.com:" has no export path after the colon (host:/export) while reading SOURCE' },
    { name: 'a description with a newline', argv: [NFS, 'C', 'cluster\nroot'], exit: 65, message: 'ovs: makerepo: the description contains a control character (newline, tab ...); use plain text while reading DESCRIPTION' },
    { name: 'a bad --uuid', argv: ['--uuid', 'F4135C', NFS, 'C', 'root'], exit: 65, message: "ovs: makerepo: 'F4135C' is not a repository uuid while reading --uuid" },
    { name: 'a second cluster root', argv: ['nas2:/data', 'C', 'root'], exit: 78, message: `ovs: makerepo: a cluster root is already registered: ${NFS} (${POOL}) while adding a cluster root`, files: { '/etc/ovs/repositories': root } },
    {
      name: 'a source already registered under another UUID',
      argv: ['--uuid', VOL, NFS, 'C', 'Cluster Root'],
      exit: 78,
      message: `ovs: makerepo: ${NFS} is already registered under uuid ${POOL}, but --uuid asks for ${VOL} while adding ${NFS}`,
      files: { '/etc/ovs/repositories': root },
    },
    { name: 'a missing device', argv: ['/dev/sdz1', 'S', 'data'], exit: 66, message: 'ovs: makerepo: /dev/sdz1 does not exist while looking at the storage' },
    { name: 'a device without a file system', argv: ['/dev/sdd', 'S', 'data'], exit: 65, message: 'ovs: makerepo: /dev/sdd holds no file system while probing /dev/sdd' },
    { name: 'a local file system as cluster root', argv: ['/dev/sdc1', 'C', 'root'], exit: 65, message: 'ovs: makerepo: /dev/sdc1 holds ext4, a local file system: it can only be a local repository (role L), not C while checking the role' },
    { name: 'an NFS export as a local repository', argv: [NFS, 'L', 'x'], exit: 65, message: 'ovs: makerepo: role L (local) needs an ext3 or ext4 device, and fileserver.example.com:/OVS is an NFS export while checking the role' },
    { name: 'a local file system mounted on /OVS', argv: [NFS, 'C', 'root'], exit: 78, message: 'ovs: makerepo: /dev/sda3 (ocfs2) is mounted on /OVS while checking /OVS before making it the cluster root link', mounted: [{ source: '/dev/sda3', target: '/OVS', fstype: 'ocfs2' }] },
    { name: '/OVS still in /etc/fstab', argv: [NFS, 'C', 'root'], exit: 78, message: 'ovs: makerepo: /etc/fstab line 2 mounts a file system on /OVS while checking /OVS before making it the cluster root link', files: { '/etc/fstab': '/dev/vda1 / ext4 defaults 1 1\n/dev/sda3 /OVS ocfs2 defaults 1 0\n' } },
    { name: '/OVS a directory with files in it', argv: [NFS, 'C', 'root'], exit: 78, message: 'ovs: makerepo: /OVS is a directory with 1 entry in it while checking /OVS before making it the cluster root link', files: { '/OVS/running_pool': null } },
    { name: 'an unreadable /etc/ovs/repositories', argv: [NFS, 'C', 'root'], exit: 72, message: 'ovs: makerepo: /etc/ovs/repositories line 1: "nfs-ish" is not a repository type (nfs, ocfs2, ext3 or ext4) while reading /etc/ovs/repositories', files: { '/etc/ovs/repositories': `${POOL} nfs-ish C ${NFS} root\n` } },
  ];
  for (const c of cases) {
    it(`${c.name}: exit ${c.exit}`, async () => {
      const host = server({
        storage: { [NFS]: {}, 'nas2:/data': {} },
        devices: { '/dev/sdd': {}, '/dev/sdc1': { type: 'ext4' } },
        ...(c.mounted ? { mounted: c.mounted } : {}),
        files: c.files ?? {},
      });
      const before = snapshot(host);
      const r = await runOvs(['makerepo', ...c.argv], host);
      expect(r.exit).toBe(c.exit);
      expect(r.stderr.split('\n')[0]).toBe(c.message);
      expect(r.stderr).toMatch(/^ovs: hint: .+$/m);
      expect(r.stderr).toContain('ovs: nothing was changed');
      expect(argvs(host).filter((a) => !a.startsWith('blkid'))).toEqual([]);
      expect(snapshot(host)).toBe(before);
    });
  }

  it("a registered source whose mounted storage's .ovsrepo says another UUID (78), nothing changed", async () => {
    const host = server({
      storage: { [NFS]: { '.ovsrepo': CARD(VOL) } },
      mounted: [{ source: NFS, target: mp(POOL), fstype: 'nfs' }],
      files: { '/etc/ovs/repositories': root },
    });
    host.vol.rmdirSync(mp(POOL));
    host.vol.renameSync(storageDir(NFS), mp(POOL));
    const before = snapshot(host);
    const r = await runOvs(['makerepo', NFS, 'C', 'Cluster Root'], host);
    expect(r.exit).toBe(78);
    expect(r.stderr.split('\n')[0]).toBe(`ovs: makerepo: ${NFS} is registered under uuid ${POOL}, but the .ovsrepo on its storage says ${VOL} while adding ${NFS}`);
    expect(r.stderr).toContain(`ovs: hint: the pool knows this storage as ${VOL}: \`ovs offlinerepo -d ${POOL}\``);
    expect(r.stderr).toContain('ovs: nothing was changed');
    expect(snapshot(host)).toBe(before);
  });
});

describe('makerepo: /OVS left by an OVM 2.1 install', () => {
  it('an empty /OVS directory is replaced by the link', async () => {
    const host = server({ storage: { [NFS]: { '.ovsrepo': CARD(POOL), '.server_pool_hb': volumeImage() } }, files: { '/OVS': null } });
    const r = await runOvs(['makerepo', NFS, 'C', 'Cluster Root'], host);
    expect(r.exit).toBe(0);
    expect(String(host.vol.readlinkSync('/OVS'))).toBe(mp(POOL));
  });
});

describe('makerepo under --root and --dry-run', () => {
  it('--root (kickstart %post): records the entry, makes the mount point and /OVS in the image, leaves the mount to the service', async () => {
    const host = server({ files: { '/mnt/sysimage/etc/rc3.d/S26ovsrepositories': '', '/mnt/sysimage/etc/init.d/ovsrepositories': '#!/bin/sh\n', '/mnt/sysimage/var/log': null } });
    const r = await runOvs(['--root', '/mnt/sysimage', 'makerepo', NFS, 'C', 'Cluster Root'], host);
    expect(r.exit).toBe(0);
    expect(argvs(host)).toEqual([]);
    expect(host.readText('/mnt/sysimage/etc/ovs/repositories')).toContain(`${NEW}  nfs    C     ${NFS}    Cluster Root\n`);
    expect(String(host.vol.readlinkSync('/mnt/sysimage/OVS'))).toBe(mp(NEW));
    expect(host.vol.readdirSync(`/mnt/sysimage${mp(NEW)}`)).toEqual([]);
    expect(host.exists('/etc/ovs')).toBe(false);
    expect(r.stdout).toContain(`  mount:       ${mp(NEW)} (left to the service)\n`);
    expect(r.stdout).toContain(`note: the mount is left to the ovsrepositories service at boot (it mounts ${NFS} on ${mp(NEW)})\n`);
    expect(r.stderr).toContain(`skipped (offline): mount -t nfs -o rw,hard,tcp,nfsvers=3,timeo=600 -- ${NFS} ${mp(NEW)}`);
  });

  it('--root with --uuid: a server kickstarted into an existing pool gets the pool UUID', async () => {
    const host = server({ files: { '/mnt/sysimage/etc': null } });
    const r = await runOvs(['--root', '/mnt/sysimage', 'makerepo', '--uuid', POOL.toLowerCase(), NFS, 'C', 'Cluster Root'], host);
    expect(r.exit).toBe(0);
    expect(host.readText('/mnt/sysimage/etc/ovs/repositories')).toContain(`${POOL}  nfs    C     ${NFS}    Cluster Root\n`);
  });

  it('--root: a local repository on a device absent from the image needs --type', async () => {
    const host = server({ files: { '/mnt/sysimage/etc': null } });
    const r = await runOvs(['--root', '/mnt/sysimage', 'makerepo', '/dev/sdc1', 'L', 'local'], host);
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain('ovs: hint: give --type ext3 or --type ext4');
    const ok = await runOvs(['--root', '/mnt/sysimage', 'makerepo', '--type', 'ext3', '/dev/sdc1', 'L', 'local'], host);
    expect(ok.exit).toBe(0);
    expect(host.readText('/mnt/sysimage/etc/ovs/repositories')).toContain('  ext3   L     /dev/sdc1 ');
  });

  it('--dry-run shows the mount argv and every file, and changes nothing', async () => {
    const host = server({ devices: { '/dev/sdb1': { type: 'ocfs2', uuid: VOL } } });
    const before = snapshot(host);
    const r = await runOvs(['--dry-run', 'makerepo', '/dev/sdb1', 'C', 'cluster root'], host);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain(`  run      mount -t ocfs2 -o _netdev -- /dev/sdb1 ${mp(VOL)}\n`);
    expect(r.stdout).toContain(`  write    ${mp(VOL)}/.ovsrepo\n`);
    expect(r.stdout).toContain(`  symlink  /OVS -> ${mp(VOL)}\n`);
    expect(r.stdout).toContain('  write    /etc/ovs/repositories\n');
    expect(r.stdout).toContain('note: dry run: the storage was not mounted');
    expect(argvs(host).some((a) => a.startsWith('mount'))).toBe(false);
    expect(snapshot(host)).toBe(before);
  });

  it('--dry-run of an NFS cluster root plans the heartbeat file too', async () => {
    const host = server({ storage: { [NFS]: {} } });
    const before = snapshot(host);
    const r = await runOvs(['--dry-run', 'makerepo', NFS, 'C', 'Cluster Root'], host);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain(`  heartbeat:   ${mp(NEW)}/.server_pool_hb (planned)\n`);
    expect(r.stdout).toMatch(/^ {2}run {6}mkfs\.ocfs2 -L server_pool_hb -N 16 -b 2k -C 4k --force -x --nodiscard -- \S+server_pool_hb\S*\.tmp$/m);
    expect(host.calls).toEqual([]);
    expect(snapshot(host)).toBe(before);
  });
});
