/**
 * OVS_PHASES=1: how long each phase of a run took, for `npm run bench`. The launcher
 * installs the recorder (a global, because the launcher and the CLI bundle are separate
 * module graphs); without it a mark costs one property lookup.
 */
const RECORDER = Symbol.for('ovs.phases');

type Recorder = (name: string) => void;

/** The end of a phase of the run (names: docs/design.md, start-up). */
export function phase(name: string): void {
  (globalThis as { [RECORDER]?: Recorder })[RECORDER]?.(name);
}

/** Start recording; returns the report: each phase's milliseconds, the first from the process's start. */
export function recordPhases(now: () => number): () => string {
  const marks: [string, number][] = [['node', now()]];
  (globalThis as { [RECORDER]?: Recorder })[RECORDER] = (name) => marks.push([name, now()]);
  return () => {
    const parts = marks.map(([name, t], i) => `${name} ${(t - (i === 0 ? 0 : (marks[i - 1] as [string, number])[1])).toFixed(1)}`);
    return `ovs: phases (ms): ${parts.join(', ')}; total ${(marks[marks.length - 1] as [string, number])[1].toFixed(1)}\n`;
  };
}
