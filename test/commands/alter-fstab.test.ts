/**
 * `ovs cluster-check --alter-fstab` on the memory host: fstab corpora (the 2.1-era /OVS
 * lines, repositories below /OVS, comments, tabs, \040, no final newline, no /OVS at all),
 * idempotence, the backup, refusals, and properties over generated fstabs: every line not
 * owned by /OVS is byte-identical afterwards and the backup equals the original.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OVS_FSTAB_MARKER } from '../../src/lib/formats/fstab.js';
import { DEFAULT_PROGRAMS, memoryHost, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { ocfs2ToolsDouble, volumeImage } from '../../src/lib/doubles/ocfs2-tools.js';
import { runOvs } from '../helpers/run.js';

const corpus = (name: string): string => readFileSync(new URL(`../fixtures/servers/fstab/${name}`, import.meta.url), 'utf8');

/** No tunefs.ocfs2: the OCFS2 volume uuid is not probed, so uuids are the host's deterministic ones. */
const PROGRAMS = DEFAULT_PROGRAMS.filter((p) => p !== 'tunefs.ocfs2');

function server(fstab: string | undefined, extra: MemoryHostOptions['files'] = {}): MemoryHostOptions {
  return {
    hostname: 'ovs1.example.com',
    programs: PROGRAMS,
    files: {
      '/etc/hosts': '127.0.0.1 localhost.localdomain localhost\n192.168.100.100 ovs1.example.com ovs1\n',
      ...(fstab === undefined ? {} : { '/etc/fstab': fstab }),
      ...extra,
    },
  };
}

/** The uuids the memory host hands out first (its random values are deterministic). */
const fresh = memoryHost();
const NEW = [1, 2, 3].map(() => fresh.randomHex(16).toUpperCase());

const marked = (line: string): string => `# ${OVS_FSTAB_MARKER} ${line}`;

function backupsOf(files: Record<string, string | null>): string[] {
  return Object.keys(files).filter((p) => /\/var\/lib\/ovs\/backups\/[^/]+\/etc\/fstab$/.test(p));
}

function repositoriesLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

describe('cluster-check --alter-fstab: corpora', () => {
  it('moves the 2.1 local OCFS2 /OVS line as the cluster root, keeps every other line, backs fstab up', async () => {
    const original = corpus('ovm21-local-ocfs2.fstab');
    const r = await runOvs(['cluster-check', '--alter-fstab'], server(original));
    const after = r.host.readText('/etc/fstab').split('\n');
    const before = original.split('\n');
    expect(after).toHaveLength(before.length);
    before.forEach((line, i) => expect(after[i]).toBe(line.startsWith('/dev/sda3') ? marked(line) : line));
    expect(repositoriesLines(r.host.readText('/etc/ovs/repositories'))).toEqual([
      `${NEW[0]}  ocfs2  C     /dev/sda3                      cluster root (moved from /etc/fstab)`,
    ]);
    const files = r.host.vol.toJSON() as Record<string, string | null>;
    const [backup, ...more] = backupsOf(files);
    expect(more).toEqual([]);
    expect(files[backup as string]).toBe(original);
    expect(r.stdout).toContain(`moved /etc/fstab line 8 (/OVS) to /etc/ovs/repositories: as the cluster root ${NEW[0]} (ocfs2 /dev/sda3)`);
    expect(r.stdout).toContain(`the previous /etc/fstab is saved as ${backup}`);
    expect(r.stdout).toMatch(/^PASS  fstab\.no-ovs +\/etc\/fstab mounts nothing on \/OVS$/m);
  });

  it('moves the 2.1.1 NFS /OVS line, with a note that its mount options are not carried over', async () => {
    const r = await runOvs(['cluster-check', '--alter-fstab'], server(corpus('ovm21-nfs-root.fstab')));
    expect(repositoriesLines(r.host.readText('/etc/ovs/repositories'))).toEqual([
      `${NEW[0]}  nfs    C     fileserver.example.com:/OVS    cluster root (moved from /etc/fstab)`,
    ]);
    expect(r.stdout).toContain('note: its mount options "rw,bg,hard,intr,tcp,nfsvers=3,timeo=600" are not carried over: "rw,hard,tcp,nfsvers=3,timeo=600" from /etc/ovs/repositories.options applies');
  });

  it('moves a root and the repositories below /OVS; /OVSX and /srv/OVS stay; a /OVS/<uuid> mount point keeps its uuid', async () => {
    const original = corpus('below-ovs.fstab');
    const r = await runOvs(['cluster-check', '--alter-fstab'], server(original));
    const ours = new Set([5, 6, 7, 8]);
    const after = r.host.readText('/etc/fstab').split('\n');
    original.split('\n').forEach((line, i) => expect(after[i]).toBe(ours.has(i + 1) ? marked(line) : line));
    expect(repositoriesLines(r.host.readText('/etc/ovs/repositories'))).toEqual([
      `${NEW[0]}  ocfs2  C     /dev/sdb1                      cluster root (moved from /etc/fstab)`,
      '60D0985974CA425AAF5D01A1F161CC8B  ocfs2  S     /dev/sdc1                      moved from /etc/fstab (/OVS/60D0985974CA425AAF5D01A1F161CC8B)',
      `${NEW[1]}  nfs    S     nas.example.com:/export/iso    moved from /etc/fstab (/OVS/iso images)`,
      `${NEW[2]}  ext3   L     /dev/disk/by-label/local\\x20vms moved from /etc/fstab (/OVS/local)`,
    ]);
    expect(r.stdout).toContain(`note: it will be reachable as /OVS/${NEW[1]} instead of /OVS/iso images`);
    expect(r.stdout).not.toContain('reachable as /OVS/60D0985974CA425AAF5D01A1F161CC8B');
  });

  it('keeps \\040 and \\011 escapes in other lines and adds no final newline; nfs4 is an nfs repository', async () => {
    const original = corpus('escapes-no-newline.fstab');
    const r = await runOvs(['cluster-check', '--alter-fstab'], server(original));
    const [a, b, c] = original.split('\n');
    expect(r.host.readText('/etc/fstab')).toBe(`${a}\n${b}\n${marked(c as string)}`);
    expect(repositoriesLines(r.host.readText('/etc/ovs/repositories'))[0]).toMatch(new RegExp(`^${NEW[0]}  nfs    C     fileserver:/pool_one `));
  });

  it('changes nothing when /OVS is not in fstab (no write, no backup, no repositories file)', async () => {
    const original = corpus('no-ovs.fstab');
    const r = await runOvs(['cluster-check', '--alter-fstab'], server(original));
    expect(r.host.readText('/etc/fstab')).toBe(original);
    expect(r.host.exists('/etc/ovs/repositories')).toBe(false);
    expect(backupsOf(r.host.vol.toJSON() as Record<string, string | null>)).toEqual([]);
    expect(r.stdout).toContain('alter-fstab: /etc/fstab has no /OVS line: nothing to move');
  });

  it('is idempotent: a second run writes nothing', async () => {
    const first = await runOvs(['cluster-check', '--alter-fstab'], server(corpus('below-ovs.fstab')));
    const snapshot = first.host.vol.toJSON();
    const journal = first.host.readText('/var/log/ovs/journal.log');
    const second = await runOvs(['cluster-check', '--alter-fstab'], first.host);
    expect(second.stdout).toContain('nothing to move');
    expect(first.host.readText('/var/log/ovs/journal.log')).toBe(journal);
    const now = first.host.vol.toJSON();
    for (const p of ['/etc/fstab', '/etc/ovs/repositories']) expect(now[p]).toBe(snapshot[p]);
  });

  it('does not add a source already in /etc/ovs/repositories: it only comments the fstab line out', async () => {
    const repos = 'F4135C096045458195057412169071E5  nfs    C     fileserver.example.com:/OVS    cluster root\n';
    const r = await runOvs(['cluster-check', '--alter-fstab'], server(corpus('ovm21-nfs-root.fstab'), { '/etc/ovs/repositories': repos }));
    expect(r.host.readText('/etc/ovs/repositories')).toBe(repos);
    expect(r.stdout).toContain('already listed as F4135C096045458195057412169071E5 (the cluster root)');
    expect(r.host.readText('/etc/fstab')).toContain(marked('fileserver.example.com:/OVS /OVS               nfs     rw,bg,hard,intr,tcp,nfsvers=3,timeo=600 0 0'));
  });

  it('takes the uuid from the .ovsrepo of the storage mounted at /OVS right now', async () => {
    const card = ['OVS_REPO_UUID=F4135C096045458195057412169071E5', 'OVS_REPO_VERSION=1', 'OVS_REPO_TYPE=nfs', 'OVS_REPO_ROLE=C', 'OVS_REPO_SOURCE=fileserver.example.com:/OVS', 'OVS_REPO_DESCRIPTION="cluster root"', 'OVS_REPO_CREATED=2009-04-01T12:00:00Z', ''].join('\n');
    const r = await runOvs(['cluster-check', '--alter-fstab'], server(corpus('ovm21-nfs-root.fstab'), {
      '/proc/mounts': 'fileserver.example.com:/OVS /OVS nfs rw,relatime,vers=3 0 0\n',
      '/OVS/.ovsrepo': card,
    }));
    expect(repositoriesLines(r.host.readText('/etc/ovs/repositories'))[0]).toMatch(/^F4135C096045458195057412169071E5  nfs    C /);
  });

  it('takes the OCFS2 volume uuid from the volume itself on a live server (replayed ocfs2-tools 1.8.7 output)', async () => {
    const r = await runOvs(['cluster-check', '--alter-fstab'], {
      ...server(corpus('ovm21-local-ocfs2.fstab'), { '/dev/sda3': volumeImage({ label: 'OVS', uuid: 'EDD4846F5C214A6E984EEFA24BE1D0BC', slots: 4 }) }),
      programs: DEFAULT_PROGRAMS,
      tools: ocfs2ToolsDouble(),
    });
    expect(repositoriesLines(r.host.readText('/etc/ovs/repositories'))[0]).toMatch(/^EDD4846F5C214A6E984EEFA24BE1D0BC  ocfs2  C /);
    expect(r.host.calls.map((c) => c.argv[0])).toEqual(['tunefs.ocfs2', 'debugfs.ocfs2']);
  });

  it('falls back to a new uuid when the device cannot be read (replayed ocfs2-tools 1.8.7 output)', async () => {
    const r = await runOvs(['cluster-check', '--alter-fstab'], { ...server(corpus('ovm21-local-ocfs2.fstab')), programs: DEFAULT_PROGRAMS, tools: ocfs2ToolsDouble() });
    expect(repositoriesLines(r.host.readText('/etc/ovs/repositories'))[0]).toMatch(new RegExp(`^${NEW[0]}  ocfs2  C     /dev/sda3 `));
  });

  it('turns a local ext3 /OVS into a local repository (role L), with a note', async () => {
    const r = await runOvs(['cluster-check', '--alter-fstab'], server('/dev/sda3 /OVS ext3 defaults 1 2\n'));
    expect(repositoriesLines(r.host.readText('/etc/ovs/repositories'))[0]).toMatch(new RegExp(`^${NEW[0]}  ext3   L     /dev/sda3 `));
    expect(r.stdout).toContain('note: a local ext3 file system cannot be the cluster root: it becomes a local repository (role L)');
  });

  it('--dry-run shows the diff of both files and changes nothing', async () => {
    const original = corpus('ovm21-local-ocfs2.fstab');
    const r = await runOvs(['--dry-run', 'cluster-check', '--alter-fstab'], server(original));
    expect(r.host.readText('/etc/fstab')).toBe(original);
    expect(r.host.exists('/etc/ovs/repositories')).toBe(false);
    expect(r.stdout).toContain('would move /etc/fstab line 8 (/OVS)');
    expect(r.stdout).toContain(`+${marked('/dev/sda3               /OVS                    ocfs2   defaults        1 0')}`);
    expect(r.stdout).toMatch(/^PASS  fstab\.no-ovs/m); // the checks see the planned state
  });

  it('works under --root on an image', async () => {
    const img = (p: string) => `/img${p}`;
    const r = await runOvs(['--root', '/img', 'cluster-check', '--alter-fstab'], {
      files: { [img('/etc/fstab')]: corpus('ovm21-local-ocfs2.fstab'), [img('/etc/hostname')]: 'ovs1.example.com\n' },
    });
    expect(r.host.readText(img('/etc/fstab'))).toContain(marked('/dev/sda3'));
    expect(r.host.readText(img('/etc/ovs/repositories'))).toContain('/dev/sda3');
    expect(backupsOf(r.host.vol.toJSON() as Record<string, string | null>)[0]).toMatch(/^\/img\/var\/lib\/ovs\/backups\//);
  });
});

describe('cluster-check --alter-fstab: refusals change nothing', () => {
  const cases: [string, string, MemoryHostOptions['files'], number, RegExp, RegExp][] = [
    ['a file system type that is no repository', '/dev/sdb1 /OVS xfs defaults 0 0\n', {}, 78, /line 1 \(\/OVS\) cannot be moved: file system type "xfs" is not a repository type/, /comment out \/etc\/fstab line 1/],
    ['two file systems on /OVS', '/dev/sdb1 /OVS ocfs2 _netdev 0 0\nfiler:/x /OVS nfs rw 0 0\n', {}, 78, /mounts 2 file systems on \/OVS \(lines 1, 2\)/, /keep only the cluster root's line/],
    ['an NFS line without host:/export', '/dev/sdb1 /OVS nfs rw 0 0\n', {}, 78, /its source "\/dev\/sdb1": an NFS mount needs a host:\/export source/, /correct \/etc\/fstab line 1/],
    ['an fstab that does not parse', '/dev/sdb1 /OVS\n', {}, 72, /\/etc\/fstab line 1: only 2 fields/, /comment out \/etc\/fstab line 1/],
    ['another cluster root already registered', '/dev/sdb1 /OVS ocfs2 _netdev 0 0\n', { '/etc/ovs/repositories': 'F4135C096045458195057412169071E5  nfs    C     filer:/OVS    root\n' }, 78, /cannot be added to \/etc\/ovs\/repositories: a second cluster root/, /ovs offlinerepo -d/],
  ];
  for (const [name, fstab, extra, exit, message, hint] of cases) {
    it(`${name}: exit ${exit}`, async () => {
      const r = await runOvs(['cluster-check', '--alter-fstab'], server(fstab, extra));
      expect(r.exit).toBe(exit);
      expect(r.stdout).toBe('');
      const [first, second, third] = r.stderr.split('\n');
      expect(first).toMatch(/^ovs: cluster-check: /);
      expect(first).toMatch(message);
      expect(first).toMatch(/ while moving \/OVS out of \/etc\/fstab$/);
      expect(second).toMatch(/^ovs: hint: /);
      expect(second).toMatch(hint);
      expect(third).toBe('ovs: nothing was changed');
      expect(r.host.readText('/etc/fstab')).toBe(fstab);
    });
  }
});

// ------------------------------------------------------------------ properties

const blank = fc.constantFrom(' ', '\t', '  ', ' \t', '\t\t');
const lead = fc.constantFrom('', '', ' ', '\t');
const word = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
const escaped = fc.tuple(word, fc.constantFrom('', '\\040', '\\011', '\\134'), word).map(([a, e, b]) => `${a}${e}${b}`);

/** A line whose mount point is not /OVS nor below it (some look close: /OVSX, /srv/OVS). */
const otherEntry = fc
  .tuple(lead, fc.constantFrom('/dev/sda1', 'LABEL=/boot', 'tmpfs', 'proc', 'UUID=1234-ABCD', 'nas:/exp'), blank, fc.oneof(fc.constantFrom('/', '/boot', 'swap', '/OVSX', '/OVS2/a', '/srv/OVS', '/var/ovs/mount/x'), escaped.map((e) => `/mnt/${e}`)), blank, fc.constantFrom('ext4', 'tmpfs', 'proc', 'swap', 'nfs', 'xfs'), blank, fc.constantFrom('defaults', 'rw,noatime', 'gid=5,mode=620'), fc.constantFrom('', ' 0 0', '\t1 2', ' 0'), fc.constantFrom('', ' ', '\t'))
  .map((parts) => parts.join(''));
const comment = fc.tuple(lead, fc.string({ maxLength: 30 })).map(([b, s]) => `${b}#${s.replace(/[\n\r]/g, '')}`);
const emptyish = fc.constantFrom('', ' ', '\t', '  \t');
const otherLine = fc.oneof(otherEntry, otherEntry, comment, emptyish);

/** Lines owned by /OVS: at most one root, sub-repositories with distinct mount points and sources. */
const ownedLines = fc
  .tuple(
    fc.option(fc.tuple(lead, fc.constantFrom('/dev/sdb1 /OVS ocfs2 _netdev 0 0', 'filer.example.com:/OVS\t/OVS\tnfs\trw,hard\t0 0', '/dev/sdb1\t/OVS/\tocfs2\tdefaults')).map(([l, t]) => l + t)),
    fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), { maxLength: 4 }),
    fc.array(fc.constantFrom('ocfs2', 'nfs', 'ext3', 'ext4'), { minLength: 4, maxLength: 4 }),
  )
  .map(([root, names, types]) => [
    ...(root ? [root] : []),
    ...names.map((n, i) => {
      const t = types[i] as string;
      const src = t === 'nfs' ? `filer.example.com:/export/${n}` : `/dev/mapper/${n}`;
      return `${src}${i % 2 ? '\t' : ' '}/OVS/${n}${i === 2 ? '\\040x' : ''} ${t} defaults 0 0`;
    }),
  ]);

const fstabCase = fc
  .tuple(fc.array(otherLine, { maxLength: 10 }), ownedLines, fc.boolean(), fc.integer({ min: 0, max: 1000 }))
  .map(([others, owned, finalNewline, seed]) => {
    // Interleave the owned lines among the others at seed-chosen places.
    const lines = others.map((text) => ({ text, owned: false }));
    owned.forEach((text, i) => lines.splice((seed * (i + 7)) % (lines.length + 1), 0, { text, owned: true }));
    const text = lines.map((l) => l.text).join('\n') + (finalNewline && lines.length ? '\n' : '');
    return { text, lines, finalNewline: finalNewline && lines.length > 0 };
  });

describe('cluster-check --alter-fstab: properties', () => {
  it('leaves every line not owned by /OVS byte-identical, marks the owned ones, and backs up the original', async () => {
    await fc.assert(
      fc.asyncProperty(fstabCase, async ({ text, lines, finalNewline }) => {
        const r = await runOvs(['cluster-check', '--alter-fstab'], server(text));
        expect(r.stderr).not.toMatch(/internal error/);
        const after = r.host.readText('/etc/fstab');
        const expected = lines.map((l) => (l.owned ? marked(l.text) : l.text)).join('\n') + (finalNewline ? '\n' : '');
        expect(after).toBe(expected);
        const files = r.host.vol.toJSON() as Record<string, string | null>;
        const backups = backupsOf(files);
        if (lines.some((l) => l.owned)) {
          expect(backups).toHaveLength(1);
          expect(files[backups[0] as string]).toBe(text);
          expect(repositoriesLines(r.host.readText('/etc/ovs/repositories'))).toHaveLength(lines.filter((l) => l.owned).length);
        } else {
          expect(backups).toEqual([]);
        }
        // A second run finds nothing left to move and leaves the file alone.
        const again = await runOvs(['cluster-check', '--alter-fstab'], r.host);
        expect(again.stdout).toContain('nothing to move');
        expect(r.host.readText('/etc/fstab')).toBe(after);
      }),
      { numRuns: 60 },
    );
  });
});

describe('cluster-check --fail-on: a kickstart with set -e runs the action without the findings failing it', () => {
  const fstab = () => corpus('ovm21-local-ocfs2.fstab');

  it('default (fail): the move is done, and the unrelated FAIL findings of a fresh server exit 1', async () => {
    const r = await runOvs(['--json', 'cluster-check', '--alter-fstab'], server(fstab()));
    expect(r.json.result.summary.fail).toBeGreaterThan(0);
    expect(r.exit).toBe(1);
    expect(r.json).toMatchObject({ ok: false, exit: 1, changed: true, result: { failOn: 'fail' } });
  });

  it('--fail-on never: the same run exits 0, the findings still reported; a repeat run is changed:false', async () => {
    const host = memoryHost(server(fstab()));
    const r = await runOvs(['--json', 'cluster-check', '--alter-fstab', '--fail-on', 'never'], host);
    expect(r.exit).toBe(0);
    expect(r.json).toMatchObject({ ok: true, exit: 0, changed: true });
    expect(r.json.result.summary.fail).toBeGreaterThan(0);
    expect(repositoriesLines(r.host.readText('/etc/ovs/repositories'))).toHaveLength(1);
    const again = await runOvs(['--json', 'cluster-check', '--alter-fstab', '--fail-on', 'never'], host);
    expect(again.exit).toBe(0);
    expect(again.json.changed).toBe(false);
  });

  it('--fail-on warn: a WARN alone exits 1', async () => {
    const r = await runOvs(['--json', 'cluster-check', '--fail-on', 'warn'], server(fstab()));
    const { warn, fail } = r.json.result.summary;
    expect(warn + fail).toBeGreaterThan(0);
    expect(r.exit).toBe(1);
  });

  it('an unknown level is a usage error (64) naming the choices; nothing changed', async () => {
    const r = await runOvs(['cluster-check', '--alter-fstab', '--fail-on', 'sometimes'], server(fstab()));
    expect(r.exit).toBe(64);
    expect(r.stderr).toContain("ovs: cluster-check: option '--fail-on <level>' argument 'sometimes' is invalid. Allowed choices are never, warn, fail.");
    expect(r.stderr).toContain('ovs: hint: ovs help cluster-check shows the usage');
    expect(r.host.readText('/etc/fstab')).toBe(fstab());
  });
});
