/**
 * Files ovs edits line by line keep every line it does not own byte for byte, whatever the
 * encoding: a Latin-1 é (one byte, 0xe9, not UTF-8) in /etc/fstab, the O2CB settings file
 * and /etc/ovs/repositories survives a rewrite through the CLI (it used to come back as
 * U+FFFD, ef bf bd), and so does any byte string in an fstab comment (property).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAMS, type MemoryHost, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { runOvs } from '../helpers/run.js';

const latin1 = (s: string) => Buffer.from(s, 'latin1');
const bytesOf = (h: MemoryHost, path: string) => Buffer.from(h.vol.readFileSync(path) as Uint8Array);
const lines = (b: Buffer) => {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = b.indexOf(10); i >= 0; start = i + 1, i = b.indexOf(10, start)) out.push(b.subarray(start, i));
  out.push(b.subarray(start));
  return out;
};
const hex = (bs: Buffer[]) => bs.map((b) => b.toString('hex'));

const NFS_ROOT = 'fileserver.example.com:/OVS /OVS nfs rw,hard,tcp 0 0';
const HOSTS = '127.0.0.1 localhost.localdomain localhost\n192.168.100.100 ovs1.example.com ovs1\n';

function server(files: MemoryHostOptions['files']): MemoryHostOptions {
  return { hostname: 'ovs1.example.com', programs: DEFAULT_PROGRAMS.filter((p) => p !== 'tunefs.ocfs2'), services: { o2cb: {} }, files: { '/etc/hosts': HOSTS, ...files } };
}

describe('a Latin-1 byte through the CLI', () => {
  it('/etc/fstab: --alter-fstab comments out /OVS and leaves the Latin-1 lines byte-identical', async () => {
    const before = latin1(`# Caf\xe9 server, r\xe9seau 2\n/dev/sda1 /data\xe9 ext3 defaults 1 2\n${NFS_ROOT}\n`);
    const r = await runOvs(['cluster-check', '--alter-fstab'], server({ '/etc/fstab': before }));
    expect(r.stdout).toContain('moved /etc/fstab line 3 (/OVS)');
    const after = lines(bytesOf(r.host, '/etc/fstab'));
    expect(hex(after.slice(0, 2))).toEqual(hex(lines(before).slice(0, 2)));
    expect(after[0]?.includes(0xe9)).toBe(true);
    expect(bytesOf(r.host, '/etc/fstab').includes(Buffer.from('\ufffd'))).toBe(false);
  });

  it('/etc/ovs/repositories: a Latin-1 description and comment stay as they were when a line is added', async () => {
    const repos = latin1('# d\xe9p\xf4t\n60D0985974CA425AAF5D01A1F161CC8B  ocfs2  S     /dev/sdc1                      donn\xe9es\n');
    const r = await runOvs(['cluster-check', '--alter-fstab'], server({ '/etc/fstab': `${NFS_ROOT}\n`, '/etc/ovs/repositories': repos }));
    expect(r.stdout).toContain('moved /etc/fstab line 1 (/OVS)');
    const after = bytesOf(r.host, '/etc/ovs/repositories');
    expect(after.subarray(0, repos.length).equals(repos)).toBe(true);
    expect(lines(after)).toHaveLength(4); // the new entry, then the final newline
  });

  it('the O2CB settings file: a Latin-1 comment stays when cluster-configure edits the values', async () => {
    const settings = latin1('# O2CB r\xe9glages\nO2CB_ENABLED=false\n# fin \xff\n');
    const r = await runOvs(['cluster-configure', '--node', 'ovs1.example.com=192.168.100.100'], server({ '/etc/default/o2cb': settings }));
    expect(r.exit).toBe(0);
    const after = lines(bytesOf(r.host, '/etc/default/o2cb'));
    expect(after[0]?.equals(latin1('# O2CB r\xe9glages'))).toBe(true);
    expect(after.some((l) => l.equals(latin1('# fin \xff')))).toBe(true);
    expect(after.some((l) => l.toString() === 'O2CB_ENABLED=true')).toBe(true);
  });

  it('a dry run shows the Latin-1 byte escaped in the plan, never a raw byte or U+FFFD', async () => {
    const before = latin1(`# Caf\xe9\n${NFS_ROOT}\n`);
    const r = await runOvs(['--dry-run', 'cluster-check', '--alter-fstab'], server({ '/etc/fstab': before }));
    expect(r.stdout).toContain('     # Caf\\xe9');
    expect(r.stdout).not.toContain('\ufffd');
  });
});

describe('property: any bytes in fstab comments come back byte-identical', () => {
  it('after --alter-fstab', async () => {
    const comment = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.concat([Buffer.from('#'), Buffer.from(b.filter((x) => x !== 10))]));
    await fc.assert(
      fc.asyncProperty(fc.array(comment, { minLength: 1, maxLength: 5 }), async (comments) => {
        const before = Buffer.concat([...comments.flatMap((c) => [c, Buffer.from('\n')]), Buffer.from(`${NFS_ROOT}\n`)]);
        const r = await runOvs(['cluster-check', '--alter-fstab'], server({ '/etc/fstab': before }));
        expect(hex(lines(bytesOf(r.host, '/etc/fstab')).slice(0, comments.length))).toEqual(hex(comments));
      }),
      { numRuns: 40 },
    );
  });
});
