import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure code, memory host; fast, parallel) and `integration`
// (real ocfs2-tools, open-iscsi, tgt, OpenSSH in private namespaces; needs root).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/formats/**/*.test.ts', 'test/lib/**/*.test.ts', 'test/commands/**/*.test.ts'],
          // Nothing a unit test touches is shared state (the registry is never changed; each
          // test makes its own memory host), so files share workers and their loaded modules:
          // threads without per-file isolation (docs/testing.md has the measurement).
          pool: 'threads',
          isolate: false,
          // A bound for a hang, not a speed check (speed is the benchmark's): under a loaded
          // 2-CPU CI machine a 0.7 s test once took more than vitest's default 5 s.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Fails a file that changed the machine's own journal, backups or lock.
          setupFiles: ['test/helpers/live-state-guard.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Real loop devices, ports and namespaces: one file at a time keeps them apart.
          fileParallelism: false,
        },
      },
      {
        test: {
          // SIGKILL and concurrency campaigns against the built CLI (each file runs its own
          // processes in parallel, so the files themselves run one at a time).
          name: 'torture',
          include: ['test/torture/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
