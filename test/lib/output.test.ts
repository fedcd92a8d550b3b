/**
 * When ovs colours and when it draws a spinner: NO_COLOR counts only when set to something
 * (no-color.org), TERM=dumb and --no-color turn colour off; a spinner needs a terminal that
 * reports a width (a serial console reporting 0 columns gets plain lines).
 */
import { describe, expect, it } from 'vitest';
import type { Host } from '../../src/lib/host.js';
import { colorWanted, spinnerWanted } from '../../src/lib/output.js';

function host(env: Record<string, string>, tty = true, columns?: number): Host {
  const stream = Object.assign(Object.create(null), columns === undefined ? {} : { columns }) as NodeJS.WritableStream;
  return { env, stderr: { write: () => {}, isTTY: tty, stream } } as unknown as Host;
}

describe('colour', () => {
  it('on for a terminal; off with --no-color, a non-empty NO_COLOR, TERM=dumb, or no terminal', () => {
    expect(colorWanted(host({}), false)).toBe(true);
    expect(colorWanted(host({}), true)).toBe(false);
    expect(colorWanted(host({ NO_COLOR: '1' }), false)).toBe(false);
    expect(colorWanted(host({ TERM: 'dumb' }), false)).toBe(false);
    expect(colorWanted(host({}, false), false)).toBe(false);
  });

  it('an empty NO_COLOR does not turn colour off', () => {
    expect(colorWanted(host({ NO_COLOR: '' }), false)).toBe(true);
  });
});

describe('spinner', () => {
  it('only on a terminal with a width, not TERM=dumb, not CI', () => {
    expect(spinnerWanted(host({}, true, 80))).toBe(true);
    expect(spinnerWanted(host({}, true, 0))).toBe(false);
    expect(spinnerWanted(host({}, true))).toBe(false);
    expect(spinnerWanted(host({ TERM: 'dumb' }, true, 80))).toBe(false);
    expect(spinnerWanted(host({ CI: 'true' }, true, 80))).toBe(false);
    expect(spinnerWanted(host({}, false, 80))).toBe(false);
  });
});
