/** isoUtc (src/lib/time.ts): the same text as Date.prototype.toISOString, without its time-zone load. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoUtc } from '../../src/lib/time.js';

describe('isoUtc', () => {
  it('equals toISOString for every date, years 0-9999 and beyond', () => {
    fc.assert(fc.property(fc.date({ noInvalidDate: true }), (d) => isoUtc(d) === d.toISOString()));
    for (const t of [0, -1, Date.UTC(0, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), -62198755200001]) {
      expect(isoUtc(new Date(t))).toBe(new Date(t).toISOString());
    }
  });

  it('without milliseconds: the whole second, as the .ovsrepo card and run ids record it', () => {
    expect(isoUtc(new Date(Date.UTC(2026, 11, 4, 5, 6, 7, 89)), false)).toBe('2026-12-04T05:06:07Z');
    fc.assert(fc.property(fc.date({ noInvalidDate: true }), (d) => isoUtc(d, false) === d.toISOString().replace(/\.\d{3}Z$/, 'Z')));
  });

  it('an invalid date throws as toISOString does', () => {
    expect(() => isoUtc(new Date(NaN))).toThrow(RangeError);
  });
});
