/**
 * How the launcher ends the process (src/lib/machine/exit.ts): at once only when nothing but
 * the terminal streams is pending; in a real node, a pending timer still runs to its end and
 * the exit status is the command's.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildSync } from 'esbuild';
import { mayLeaveAtOnce } from '../../src/lib/machine/exit.js';

/** exit.ts as the launcher gets it (CommonJS), then `body`, run in a fresh node. */
function runWith(body: string) {
  const { outputFiles } = buildSync({ entryPoints: ['src/lib/machine/exit.ts'], bundle: true, write: false, format: 'cjs', platform: 'node', logLevel: 'error' });
  return spawnSync(process.execPath, ['-e', `${outputFiles?.[0]?.text ?? ''}\n${body}`], { encoding: 'utf8' });
}

describe('leaving at once', () => {
  it('only with nothing pending but terminal streams', () => {
    expect(mayLeaveAtOnce([])).toBe(true);
    expect(mayLeaveAtOnce(['TTYWrap', 'TTYWrap'])).toBe(true);
    for (const pending of [['Timeout'], ['TTYWrap', 'PipeWrap'], ['FSReqCallback'], ['ProcessWrap'], ['TTYWrap', 'WriteWrap']]) {
      expect(mayLeaveAtOnce(pending), pending.join(',')).toBe(false);
    }
  });

  it('a real node: the exit status is the command\'s; a pending timer is not cut short', () => {
    const idle = runWith(`process.exitCode = 3; leaveIfIdle(); setImmediate(() => console.log('not reached'));`);
    expect([idle.status, idle.stdout]).toEqual([3, '']);
    const busy = runWith(`process.exitCode = 4; setTimeout(() => console.log('timer ran'), 50); leaveIfIdle();`);
    expect([busy.status, busy.stdout]).toEqual([4, 'timer ran\n']);
  });
});
