import { describe, expect, it } from 'vitest';
import type { MemoryHost } from '../../src/lib/doubles/memory-host.js';
import { poolMember, runIds, runLater } from '../helpers/history.js';
import { runOvs } from '../helpers/run.js';

const BACKUPS = '/var/lib/ovs/backups';
const ADD = ['cluster-configure', '--add-node', 'ovs3.example.com=192.168.100.102'];
const REMOVE = ['cluster-configure', '--remove-node', 'ovs3.example.com'];

function withEnv(h: MemoryHost, env: Record<string, string>): MemoryHost {
  (h as { env: Record<string, string | undefined> }).env = { ...h.env, ...env };
  return h;
}

/** Four runs that each replace cluster.conf (so each keeps a backup). */
async function fourRuns(h: MemoryHost) {
  for (const argv of [ADD, REMOVE, ADD, REMOVE]) expect((await runLater(argv, h)).exit).toBe(0);
  return runIds(h);
}

const kept = (h: MemoryHost) => (h.vol.readdirSync(BACKUPS) as string[]).sort();

describe('backup retention', () => {
  it('keeps the backups of the newest OVS_BACKUP_KEEP runs after each successful run', async () => {
    const h = withEnv(poolMember(), { OVS_BACKUP_KEEP: '2' });
    const ids = await fourRuns(h);
    expect(kept(h)).toEqual(ids.slice(2));
  });

  it('takes BACKUP_KEEP from /etc/ovs/ovs.conf when the environment does not say', async () => {
    const h = poolMember();
    h.vol.writeFileSync('/etc/ovs/ovs.conf', '# ovs settings\nBACKUP_KEEP=1\n');
    const ids = await fourRuns(h);
    expect(kept(h)).toEqual(ids.slice(3));
  });

  it('by default keeps 100 runs: four runs keep four', async () => {
    const h = poolMember();
    const ids = await fourRuns(h);
    expect(kept(h)).toEqual(ids);
  });

  it('a bad value is a warning and the default applies; the run still succeeds', async () => {
    const h = withEnv(poolMember(), { OVS_BACKUP_KEEP: 'none' });
    await fourRuns(h);
    const r = await runLater(ADD, h);
    expect(r.exit).toBe(0);
    expect(r.stderr).toContain("ovs: warning: backup retention: ignoring OVS_BACKUP_KEEP='none' (a whole number of runs, 1 or more); keeping 100\n");
    expect(kept(h)).toHaveLength(5);
  });

  it("never removes the backups of the run that just finished, even when its id sorts first", async () => {
    const h = withEnv(poolMember(), { OVS_BACKUP_KEEP: '1' });
    await fourRuns(h);
    (h as { now: () => Date }).now = () => new Date('2020-01-01T00:00:00Z');
    expect((await runOvs(ADD, h)).exit).toBe(0);
    expect(kept(h)).toContain('20200101T000000Z-4242');
  });

  it('a dry run and a failed run prune nothing', async () => {
    const h = withEnv(poolMember(), { OVS_BACKUP_KEEP: '1' });
    h.vol.mkdirSync(`${BACKUPS}/20000101T000000Z-1`, { recursive: true });
    expect((await runLater(['--dry-run', ...ADD], h)).exit).toBe(0);
    expect((await runLater(['cluster-configure', '--add-node', 'bad name!'], h)).exit).not.toBe(0);
    expect(kept(h)).toEqual(['20000101T000000Z-1']);
  });
});
