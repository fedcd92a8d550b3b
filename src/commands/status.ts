/**
 * `ovs status` — one screen on how this server stands: host and cluster, O2CB, repositories,
 * heartbeat file, services, the last run, and what needs attention. Reads only (no lock).
 * Exit 0 healthy, 1 something needs attention (listed), 3 the O2CB cluster is not running.
 */
import { defineCommand } from '../lib/command.js';
import { EXIT } from '../lib/errors.js';
import { gatherStatus, type StatusReport } from '../lib/status/gather.js';
import { renderStatus } from '../lib/status/render.js';

export default defineCommand<Record<string, never>, StatusReport>({
  name: 'status',
  summary: 'One screen on this server: cluster, O2CB, repositories, heartbeat file, services, last run, what needs attention',
  lock: false,
  define: (cmd) => cmd,
  options: () => ({}),
  run: (ctx) => gatherStatus(ctx),
  human: (r) => renderStatus(r),
  exitCode: (r) => (r.health === 'not running' ? EXIT.NOT_RUNNING : r.health === 'needs attention' ? EXIT.FINDINGS : EXIT.OK),
});
