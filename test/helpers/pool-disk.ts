/**
 * The pool `--all-nodes` asks about a disk (format, iscsi-prep): a three-node cluster.conf
 * (this server is ovs1.example.com) and each member's answer to
 * `ovs --json pool-identity --disk -` over ssh, as the real command prints it.
 */
import type { Expectation } from '../../src/lib/doubles/memory-host.js';

export const POOL_CONF = ['ovs1.example.com', 'ovs2.example.com', 'ovs3.example.com']
  .flatMap((n, i) => ['node:', '\tip_port = 7777', `\tip_address = 192.168.1.${11 + i}`, `\tnumber = ${i}`, `\tname = ${n}`, '\tcluster = ocfs2', ''])
  .concat(['cluster:', '\tnode_count = 3', '\tname = ocfs2', '', ''])
  .join('\n');

/** A member's answer: its disk with the WWID read from stdin, or none. */
export const diskMember = (node: string, disk?: { device: string; size: number }): Expectation => ({
  argv: ['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'StrictHostKeyChecking=yes', '--', node, 'ovs', '--json', 'pool-identity', '--disk', '-'],
  respond: ({ input }) => {
    const result = { hostname: node, timeouts: {}, disk: { wwid: input.trim(), ...(disk ?? {}) } };
    return { exitCode: 0, stdout: `${JSON.stringify({ ok: true, command: 'pool-identity', exit: 0, result, changes: [] })}\n` };
  },
});
