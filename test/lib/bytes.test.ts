/**
 * bytes.ts: a file's bytes as text and back without loss (surrogate escapes for bytes that
 * are not UTF-8), over arbitrary bytes, and the escaping of echoed values (errors.ts shown,
 * oneLine) that renders those escapes as \xNN.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeText, encodeText } from '../../src/lib/bytes.js';
import { eachLineEscaped, oneLine, shown } from '../../src/lib/errors.js';

/** Any Unicode text (fast-check's own binary strings are slow to generate here). */
const codePoint = fc.oneof(fc.integer({ min: 0, max: 0x9f }), fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff));
const text = (maxLength: number) => fc.array(codePoint, { maxLength }).map((cs) => String.fromCodePoint(...cs));

describe('decodeText / encodeText', () => {
  it('round-trips arbitrary bytes exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(encodeText(decodeText(bytes)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips bytes built from UTF-8 pieces, stray bytes and truncated sequences', () => {
    const piece = fc.oneof(
      text(4).map((s) => [...Buffer.from(s, 'utf8')]),
      fc.constantFrom(0x80, 0xbf, 0xc0, 0xc1, 0xe0, 0xed, 0xf0, 0xf4, 0xf5, 0xff).map((b) => [b]),
      fc.constantFrom([0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80]),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (pieces) => {
        const bytes = Buffer.from(pieces.flat());
        expect(encodeText(decodeText(bytes)).equals(bytes)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes valid UTF-8 exactly as Node does', () => {
    fc.assert(
      fc.property(text(100), (s) => {
        const bytes = Buffer.from(s, 'utf8');
        expect(decodeText(bytes)).toBe(bytes.toString('utf8'));
        expect(encodeText(s).equals(bytes)).toBe(true);
      }),
    );
  });

  it('keeps a Latin-1 é as its one byte, next to UTF-8 é', () => {
    const bytes = Buffer.from([0x23, 0x20, 0xe9, 0x20, 0xc3, 0xa9, 0x0a]);
    const text = decodeText(bytes);
    expect(text).toBe('# \udce9 é\n');
    expect([...encodeText(text)]).toEqual([...bytes]);
    expect(shown(text)).toBe('# \\xe9 é\\n');
  });
});

describe('shown and oneLine', () => {
  it('escapes control characters, keeps printable unicode, cuts after 64 characters', () => {
    expect(shown('a\x1b[31mred\x1b[0m\nb\tc\x7f\u009b')).toBe('a\\x1b[31mred\\x1b[0m\\nb\\tc\\x7f\\x9b');
    expect(shown('żółw 🐢')).toBe('żółw 🐢');
    expect(shown('\u202egnp.exe')).toBe('\\u202egnp.exe');
    expect(shown('x'.repeat(10_000))).toBe(`${'x'.repeat(64)}…`);
    expect(shown('🐢'.repeat(65))).toBe(`${'🐢'.repeat(64)}…`);
    expect(shown('y'.repeat(64))).toBe('y'.repeat(64));
  });

  it('eachLineEscaped is oneLine on every line, the newlines kept (one pass instead of a split)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => eachLineEscaped(s) === s.split('\n').map(oneLine).join('\n')), { numRuns: 3000 });
    expect(eachLineEscaped('a\x1b[2J\nb\r\n\tc')).toBe('a\\x1b[2J\nb\\r\n\tc');
  });

  it('oneLine never leaves a line break or an escape character, and keeps tabs', () => {
    fc.assert(
      fc.property(text(60), (s) => {
        const line = oneLine(s);
        expect(line).not.toMatch(/[\n\r\x1b\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/);
      }),
    );
    expect(oneLine('a\tb\nc')).toBe('a\tb\\nc');
  });

  it('oneLine escapes exactly what an escape of every character but the tab would (lone surrogates too)', () => {
    const anyUnit = fc.array(fc.oneof(fc.integer({ min: 0, max: 0x9f }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.integer({ min: 0, max: 0xffff })), { maxLength: 60 });
    fc.assert(
      fc.property(anyUnit, (units) => {
        const s = String.fromCharCode(...units);
        // Character by character (code points), as shown() does for every character.
        const expected = Array.from(s).map((ch) => (ch === '\t' ? ch : shown(ch, 1).replace(/…$/, ''))).join('');
        expect(oneLine(s)).toBe(expected);
      }),
    );
    expect(oneLine(decodeText(Buffer.from([0x61, 0xff, 0x09, 0x62])))).toBe('a\\xff\tb');
  });
});
