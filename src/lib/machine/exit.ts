/**
 * Ending the `ovs` process once the command is done. Left to itself, Node first tears down
 * its heap page by page (about 5 ms of a 255-node dry run, measured: README, Performance);
 * process.exit leaves that to the kernel. It is safe only when the run left nothing pending
 * but the terminal streams, whose writes are synchronous on Linux (Node's documentation,
 * "A note on process I/O"); anything else (a timer, a child, a pipe stream, a request) and
 * Node ends the process its own way, after that work.
 */
export function mayLeaveAtOnce(pending: readonly string[]): boolean {
  return pending.every((resource) => resource === 'TTYWrap');
}

/** process.exit (with process.exitCode) when nothing is pending; otherwise return and let Node finish. */
export function leaveIfIdle(): void {
  if (mayLeaveAtOnce(process.getActiveResourcesInfo())) process.exit();
}
