/**
 * Whether a process runs, by pid: kill(pid, 0) delivers nothing and only checks. EPERM means
 * it runs as another user. Used by the real host (stale locks, run owners) and by the
 * launcher's code cache (leftover temporary caches), which runs before any host exists.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}
