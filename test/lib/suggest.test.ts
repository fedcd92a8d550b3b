import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../src/lib/suggest.js';

describe('did you mean', () => {
  it('edit distance', () => {
    expect(editDistance('ovs2', 'ovs2')).toBe(0);
    expect(editDistance('ovs2', 'ovs3')).toBe(1);
    expect(editDistance('exmaple', 'example')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('offers the closest name when it is close enough, ignoring case; a short name finds its FQDN', () => {
    const nodes = ['ovs1.example.com', 'ovs2.example.com'];
    expect(closest('ovs2.exmaple.com', nodes)).toBe('ovs2.example.com');
    expect(closest('OVS1.example.com', nodes)).toBe('ovs1.example.com');
    expect(closest('ovs2', nodes)).toBe('ovs2.example.com');
    expect(closest('fileserver', nodes)).toBeUndefined();
    expect(closest('x', [])).toBeUndefined();
    expect(didYouMean('ovs9', ['ovs1', 'ovs2'])).toBe(' (did you mean ovs1?)');
    expect(didYouMean('nas', ['ovs1'])).toBe('');
  });
});
