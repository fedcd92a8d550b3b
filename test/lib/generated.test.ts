import { describe, expect, it } from 'vitest';
import { OvsError } from '../../src/lib/errors.js';
import { GeneratedValues } from '../../src/lib/generated.js';

describe('GeneratedValues', () => {
  it('makes values and lists them in order', () => {
    const g = new GeneratedValues();
    let n = 0;
    expect(g.generate('repository uuid', () => `U${++n}`)).toBe('U1');
    expect(g.generate('temporary name', () => `T${++n}`)).toBe('T2');
    expect(g.list).toEqual([{ what: 'repository uuid', value: 'U1' }, { what: 'temporary name', value: 'T2' }]);
  });

  it('replays saved values in order, then makes new ones', () => {
    const g = new GeneratedValues([{ what: 'repository uuid', value: 'SAVED' }]);
    expect(g.generate('repository uuid', () => 'NEW')).toBe('SAVED');
    expect(g.generate('repository uuid', () => 'NEW')).toBe('NEW');
    expect(g.list.map((v) => v.value)).toEqual(['SAVED', 'NEW']);
  });

  it('a replay asked for another kind of value is 65 (the command no longer plans the same way)', () => {
    const g = new GeneratedValues([{ what: 'temporary name', value: 'abcd' }]);
    let err: unknown;
    try {
      g.generate('repository uuid', () => 'X');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OvsError);
    expect((err as OvsError).exit).toBe(65);
    expect((err as OvsError).text).toBe('the run generates a repository uuid where the plan generated a temporary name while replaying the saved plan');
  });
});
