/**
 * A system file's bytes as text and back, losslessly. Files ovs edits line by line
 * (/etc/fstab, the O2CB settings, /etc/ovs/repositories) hold whatever encoding their
 * authors used: a Latin-1 comment must come back byte for byte, not as U+FFFD. Valid UTF-8
 * decodes as usual (messages show `é`); each byte that is not part of valid UTF-8 becomes
 * the lone surrogate U+DC80..U+DCFF (Python's "surrogateescape"), which no valid UTF-8 can
 * produce, and encodeText turns it back into that byte. So encodeText(decodeText(b)) === b
 * for every byte string b.
 */
import { isUtf8 } from 'node:buffer';

const ESCAPE_BASE = 0xdc00;

const isCont = (b: number | undefined) => b !== undefined && b >= 0x80 && b <= 0xbf;
const inRange = (b: number | undefined, lo: number, hi: number) => b !== undefined && b >= lo && b <= hi;

/** Length of the valid UTF-8 sequence at i (1-4), or 0 when the byte at i starts none. */
function sequenceLength(buf: Uint8Array, i: number): number {
  const b = buf[i] as number;
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return isCont(buf[i + 1]) ? 2 : 0;
  // Second-byte ranges exclude overlong forms, UTF-16 surrogates (ED A0..BF) and > U+10FFFF.
  const second: [number, number] | undefined =
    b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : b >= 0xe1 && b <= 0xef ? [0x80, 0xbf]
    : b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : b >= 0xf1 && b <= 0xf3 ? [0x80, 0xbf] : undefined;
  if (!second || !inRange(buf[i + 1], second[0], second[1])) return 0;
  if (b < 0xf0) return isCont(buf[i + 2]) ? 3 : 0;
  return isCont(buf[i + 2]) && isCont(buf[i + 3]) ? 4 : 0;
}

export function decodeText(buf: Uint8Array): string {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (isUtf8(b)) return b.toString('utf8');
  const parts: string[] = [];
  let start = 0;
  let i = 0;
  while (i < b.length) {
    const n = sequenceLength(b, i);
    if (n > 0) {
      i += n;
      continue;
    }
    parts.push(b.toString('utf8', start, i), String.fromCharCode(ESCAPE_BASE + (b[i] as number)));
    start = ++i;
  }
  parts.push(b.toString('utf8', start));
  return parts.join('');
}

/** An escaped byte: a low surrogate U+DC80..U+DCFF with no high surrogate before it. */
const ESCAPED = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;
const ALL_ESCAPED = new RegExp(ESCAPED.source, 'g');

export function encodeText(text: string): Buffer {
  if (!ESCAPED.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (const m of text.matchAll(ALL_ESCAPED)) {
    parts.push(Buffer.from(text.slice(start, m.index), 'utf8'), Buffer.of(text.charCodeAt(m.index) - ESCAPE_BASE));
    start = m.index + 1;
  }
  parts.push(Buffer.from(text.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** The byte an escaped character stands for, or undefined for any other character. */
export function escapedByte(ch: string): number | undefined {
  const c = ch.charCodeAt(0);
  return ch.length === 1 && c >= 0xdc80 && c <= 0xdcff ? c - ESCAPE_BASE : undefined;
}
