/**
 * The service layer: one service through systemd or SysV (manager.ts), and the guide's
 * ordered sequence o2cb -> ocfs2 -> ovsrepositories -> ovs-agent (sequence.ts).
 */
export * from './manager.js';
export * from './sequence.js';
export { o2cbProblemAfterStart, type O2cbProblem } from './o2cb-check.js';
