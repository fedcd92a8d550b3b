/**
 * The heartbeat's temporary files of killed runs: removed by the next hb-create only when
 * their run is provably gone (same machine, earlier boot or dead pid); a live run's file,
 * another machine's file, an untagged or unrelated file stay. Memory host, replayed
 * ocfs2-tools 1.8.7 output for the hb-create itself.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROGRAMS, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { ocfs2ToolsDouble } from '../../src/lib/doubles/ocfs2-tools.js';
import { runOvs } from '../helpers/run.js';

const BOOT = 'd63036c4-d4ab-4b02-9f60-f2c624529e21';
const MACHINE = '3d1219c7c4c5404aaa1f6d2a48adfda4';
const tmp = (pid: number, boot = 'd63036c4', machine = '3d1219c7', rand = 'abcdef01') => `.server_pool_hb.ovs-${pid}-${boot}-${machine}-${rand}.tmp`;

function host(files: Record<string, string | null>, extra: MemoryHostOptions = {}): MemoryHostOptions {
  return {
    programs: [...DEFAULT_PROGRAMS, 'fallocate'],
    pid: 4242,
    // /OVS is the mounted NFS cluster root (a heartbeat file is made only on mounted storage).
    files: { '/proc/sys/kernel/random/boot_id': `${BOOT}\n`, '/etc/machine-id': `${MACHINE}\n`, '/OVS': null, '/proc/mounts': 'fileserver:/OVS /OVS nfs rw,vers=3 0 0\n', ...files },
    tools: ocfs2ToolsDouble({ uuids: ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'] }),
    ...extra,
  };
}

const ovsDir = (r: { host: { vol: { readdirSync(p: string): unknown } } }) => (r.host.vol.readdirSync('/OVS') as string[]).map(String).sort();

describe('hb-create: temporary files of dead runs (replayed ocfs2-tools 1.8.7 output)', () => {
  it('tags its own temporary file with its pid, boot and machine', async () => {
    const r = await runOvs(['hb-create'], host({}));
    expect(r.exit, r.stderr).toBe(0);
    expect(r.host.calls[0]?.argv[4]).toMatch(/^\/OVS\/\.server_pool_hb\.ovs-4242-d63036c4-3d1219c7-[0-9a-f]{8}\.tmp$/);
  });

  it('removes the file of a dead pid and of an earlier boot, and says so', async () => {
    const dead = tmp(999);
    const oldBoot = tmp(4243, '00000000', '3d1219c7', '12345678');
    const r = await runOvs(['hb-create'], host({ [`/OVS/${dead}`]: 'x', [`/OVS/${oldBoot}`]: 'x' }));
    expect(r.exit, r.stderr).toBe(0);
    expect(ovsDir(r)).toEqual(['.server_pool_hb']);
    expect(r.stderr).toContain(`ovs: warning: removed /OVS/${dead}, left by an interrupted run (pid 999 is no longer running)`);
    expect(r.stderr).toContain(`ovs: warning: removed /OVS/${oldBoot}, left by an interrupted run (from an earlier boot)`);
  });

  it('keeps a live run\'s file, another machine\'s, an untagged one, a directory and unrelated files', async () => {
    const keep = [
      tmp(5000), // alive
      tmp(999, '00000000', 'ffffffff'), // another pool server sharing the cluster root
      '.server_pool_hb.ovs-0badc0de.tmp', // untagged (older ovs): cannot be proved
      '.other_file.ovs-999-d63036c4-3d1219c7-abcdef01.tmp',
      `${tmp(999)}.keep`,
    ];
    const files = Object.fromEntries(keep.map((n) => [`/OVS/${n}`, 'x']));
    const r = await runOvs(['hb-create'], host({ ...files, [`/OVS/${tmp(998)}/x`]: 'dir' }, { alivePids: [5000] }));
    expect(r.exit, r.stderr).toBe(0);
    expect(ovsDir(r)).toEqual(['.server_pool_hb', ...keep, tmp(998)].sort());
    expect(r.stderr).not.toContain('removed');
  });

  it('removes a dead run\'s file even when the heartbeat file is already valid, and only plans it in a dry run', async () => {
    const dead = tmp(999);
    const first = await runOvs(['hb-create'], host({}));
    const image = first.host.readText('/OVS/.server_pool_hb');
    const again = { ...host({ '/OVS/.server_pool_hb': image, [`/OVS/${dead}`]: 'x' }), tools: ocfs2ToolsDouble({ uuids: [] }) };
    const dry = await runOvs(['--dry-run', 'hb-create'], again);
    expect(dry.exit, dry.stderr).toBe(0);
    expect(ovsDir(dry)).toContain(dead);
    const r = await runOvs(['hb-create'], again);
    expect(r.exit, r.stderr).toBe(0);
    expect(r.stdout).toContain('already present');
    expect(ovsDir(r)).toEqual(['.server_pool_hb']);
  });

  it('without a machine id nothing is tagged and nothing is removed', async () => {
    const dead = tmp(999);
    const opts = host({ [`/OVS/${dead}`]: 'x' });
    delete (opts.files as Record<string, unknown>)['/etc/machine-id'];
    const r = await runOvs(['hb-create'], opts);
    expect(r.exit, r.stderr).toBe(0);
    expect(ovsDir(r)).toEqual(['.server_pool_hb', dead]);
    expect(r.host.calls[0]?.argv[4]).toMatch(/^\/OVS\/\.server_pool_hb\.ovs-[0-9a-f]{8}\.tmp$/);
  });
});
