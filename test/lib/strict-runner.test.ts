/** The scripted runner is strict: a test whose host keeps an unmatched expectation fails. */
import { describe, expect, it } from 'vitest';
import { memoryHost } from '../../src/lib/doubles/memory-host.js';
import { allowUnmatched, runOvs } from '../helpers/run.js';

describe('strict scripted runner', () => {
  // it.fails passes only when the test fails: here, through the check run when it finishes.
  it.fails('a test that scripted a program the run never ran fails when it finishes', async () => {
    const r = await runOvs(['--version'], { expect: [{ argv: ['blkid', '-p', '/dev/sdb'] }] });
    expect(r.exit).toBe(0);
  });

  it.fails('so does an unlimited expectation that never matched', async () => {
    await runOvs(['--version'], { expect: [{ argv: ['blkid'], times: Infinity }] });
  });

  it('allowUnmatched(host) opts the test out', async () => {
    const host = allowUnmatched(memoryHost({ expect: [{ argv: ['blkid', '-p', '/dev/sdb'] }] }));
    expect((await runOvs(['--version'], host)).exit).toBe(0);
    expect(host.unusedExpectations()).toHaveLength(1);
  });
});
