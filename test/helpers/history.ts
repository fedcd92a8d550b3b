/**
 * Helpers for the history / undo tests: a pool member with O2CB stopped whose O2CB settings
 * say the driver is off (so an --add-node run turns it on , and a clock that moves on between runs (each run gets its own id).
 */
import { healthyServer, liveHost } from '../fixtures/servers/servers.js';
import type { MemoryHost } from '../../src/lib/doubles/memory-host.js';
import { runOvs, type Outcome } from './run.js';

export const CONF = '/etc/ocfs2/cluster.conf';
export const O2CB = '/etc/sysconfig/o2cb';
export const JOURNAL_LOG = '/var/log/ovs/journal.log';

export function poolMember(): MemoryHost {
  const s = healthyServer();
  s.live.services = { o2cb: {} };
  for (const p of Object.keys(s.live.files)) if (p.startsWith('/sys/kernel/config/')) delete s.live.files[p];
  s.files[O2CB] = (s.files[O2CB] as string).replace('O2CB_ENABLED=true', 'O2CB_ENABLED=false');
  return liveHost(s);
}

/**
 * Run ovs with the host's clock one minute later than the previous run (a new run id). The
 * clock is the host's own: test files share this module (the unit project is not isolated).
 */
export function runLater(argv: string[], h: MemoryHost): Promise<Outcome> {
  const t = new Date(h.now().getTime() + 60_000);
  (h as { now: () => Date }).now = () => new Date(t);
  return runOvs(argv, h);
}

/** The run ids of `ovs history --json`, oldest first. */
export async function runIds(h: MemoryHost): Promise<string[]> {
  const r = await runOvs(['--json', 'history'], h);
  return r.json.result.runs.map((x: { run: string }) => x.run);
}
