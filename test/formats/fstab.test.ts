import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/lib/formats/format-error.js';
import {
  OVS_FSTAB_MARKER,
  commentOutEntries,
  decodeFstabField,
  encodeFstabField,
  formatFstabEntry,
  fstabEntries,
  isOvsMountPoint,
  ovsEntries,
  parseFstab,
  serializeFstab,
} from '../../src/lib/formats/fstab.js';
import { errorOf } from '../helpers/format-error.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/formats/${name}`, import.meta.url), 'utf8');


describe('parseFstab', () => {
  const text = fixture('fstab-ovm21.txt');

  it('reads an Oracle VM 2.1 fstab with its local /OVS', () => {
    const entries = fstabEntries(parseFstab(text));
    expect(entries).toHaveLength(8);
    expect(entries[7]).toEqual({
      line: 8,
      spec: '/dev/sda3',
      file: '/OVS',
      vfstype: 'ocfs2',
      mntops: 'defaults',
      freq: 1,
      passno: 0,
    });
    expect(entries[1]?.spec).toBe('LABEL=/boot');
  });

  it('gives back the exact text, with or without a final newline and with CRLF', () => {
    for (const t of [text, text.slice(0, -1), text.replace(/\n/g, '\r\n'), '', '\n', '# only a comment']) {
      expect(serializeFstab(parseFstab(t))).toBe(t);
    }
  });

  it('ignores a CR at the end of a CRLF line', () => {
    expect(fstabEntries(parseFstab('/dev/sdb1 /OVS ocfs2 _netdev 0 0\r\n'))[0]?.passno).toBe(0);
  });

  it('decodes octal escapes in the data and keeps them in the text', () => {
    const t = '/dev/sdc1\t/OVS/my\\040repo\\011x  ext3 defaults,noatime 0 2\n';
    const doc = parseFstab(t);
    expect(fstabEntries(doc)[0]).toMatchObject({ file: '/OVS/my repo\tx', mntops: 'defaults,noatime', passno: 2 });
    expect(serializeFstab(doc)).toBe(t);
  });

  it('defaults the optional fields as mount(8) does', () => {
    expect(fstabEntries(parseFstab('fs:/e /mnt nfs'))[0]).toMatchObject({ mntops: 'defaults', freq: 0, passno: 0 });
  });

  it('rejects malformed lines with their line number', () => {
    expect(errorOf(() => parseFstab('# c\n/dev/sda1 /\n')).line).toBe(2);
    const seven = errorOf(() => parseFstab('/dev/sda1 /my disk ext3 defaults 0 0 0'));
    expect(seven.line).toBe(1);
    expect(seven.reason).toMatch(/\\040/);
    expect(errorOf(() => parseFstab('\n\n/dev/sda1 / ext3 defaults x 0')).message).toBe(
      'line 3: the dump frequency (5th field) "x" is not a number',
    );
  });
});

describe('escapes', () => {
  it('encodes what would split a field, and a leading #', () => {
    expect(encodeFstabField('/a b\tc\\d')).toBe('/a\\040b\\011c\\134d');
    expect(encodeFstabField('#x')).toBe('\\043x');
    expect(decodeFstabField('\\043x\\q')).toBe('#x\\q');
  });
});

describe('/OVS entries', () => {
  it('matches /OVS and below, not siblings', () => {
    const yes = ['/OVS', '/OVS/', '/OVS/abc', '//OVS', '/OVS//x/'];
    const no = ['/OVSX', '/ovs', '/var/OVS', '/', 'swap', 'OVS'];
    expect(yes.filter(isOvsMountPoint)).toEqual(yes);
    expect(no.filter(isOvsMountPoint)).toEqual([]);
  });

  it('comments out exactly the /OVS lines, marker naming ovs, and is idempotent', () => {
    const text = fixture('fstab-ovm21.txt') + 'srv:/pool /OVS/4F2A ext3 defaults 0 0\n/dev/sdd1 /OVSX ext3 defaults 0 0\n';
    const doc = parseFstab(text);
    const moved = ovsEntries(doc);
    expect(moved.map((e) => e.line)).toEqual([8, 9]);
    const out = commentOutEntries(
      doc,
      moved.map((e) => e.line),
    );
    const before = text.split('\n');
    const after = out.split('\n');
    expect(after).toHaveLength(before.length);
    expect(after[7]).toBe(`# ${OVS_FSTAB_MARKER} ${before[7]}`);
    expect(after[7]).toMatch(/^# ovs: /);
    after.forEach((l, i) => {
      if (i !== 7 && i !== 8) expect(l).toBe(before[i]);
    });
    const again = parseFstab(out);
    expect(ovsEntries(again)).toEqual([]);
    expect(commentOutEntries(again, [])).toBe(out);
  });

  it('refuses a line that is not an entry and a marker that is not one line', () => {
    const doc = parseFstab('# c\n/dev/sda3 /OVS ocfs2 defaults 1 0\n');
    expect(() => commentOutEntries(doc, [1])).toThrow(RangeError);
    expect(() => commentOutEntries(doc, [9])).toThrow(RangeError);
    expect(() => commentOutEntries(doc, [2], 'ovs\nx')).toThrow(FormatError);
  });
});

// ---------------------------------------------------------------- properties

const fieldChar = fc.constantFrom('a', 'Z', '0', '/', '-', '_', '=', ':', '.', ',', ' ', '\t', '\\', '#', 'é');
const field = fc.string({ unit: fieldChar, minLength: 1, maxLength: 12 });
const entry = fc.record({
  spec: field,
  file: field,
  vfstype: field,
  mntops: field,
  freq: fc.integer({ min: 0, max: 9 }),
  passno: fc.integer({ min: 0, max: 2 }),
});

describe('properties', () => {
  it('write then parse gives the same entry', () => {
    fc.assert(
      fc.property(entry, (e) => {
        expect(fstabEntries(parseFstab(formatFstabEntry(e)))[0]).toEqual({ ...e, line: 1 });
      }),
    );
  });

  const blank = fc.constantFrom(' ', '\t', '  ', ' \t ');
  const plain = fc.stringMatching(/^[a-z0-9/=:._-]{1,10}$/);
  const comment = fc.tuple(fc.constantFrom('', ' ', '\t'), fc.string({ maxLength: 20 })).map(([b, s]) => `${b}#${s.replace(/\n/g, '')}`);
  const mountPoint = fc.oneof(
    fc.constantFrom('/', '/boot', '/OVSX', '/var/OVS', '/srv/my\\040data', 'swap'),
    fc.constantFrom('/OVS', '/OVS/', '/OVS/a\\040b', '/OVS/60D0985974CA425AAF5D01A1F161CC8B'),
  );
  const entryLine = fc
    .tuple(fc.option(blank), plain, blank, mountPoint, blank, plain, blank, plain, fc.option(fc.tuple(blank, fc.constantFrom('0 0', '1\t2', '0'))))
    .map(([lead, s, b1, m, b2, t, b3, o, tail]) => `${lead ?? ''}${s}${b1}${m}${b2}${t}${b3}${o}${tail ? tail.join('') : ''}`);
  const corpus = fc
    .tuple(fc.array(fc.oneof(entryLine, comment, fc.constantFrom('', ' ', '\t')), { maxLength: 25 }), fc.boolean())
    .map(([lines, nl]) => lines.join('\n') + (nl && lines.length > 0 ? '\n' : ''));

  it('a corpus survives parse and serialize byte for byte', () => {
    fc.assert(
      fc.property(corpus, (t) => {
        expect(serializeFstab(parseFstab(t))).toBe(t);
      }),
    );
  });

  it('commenting out the /OVS lines leaves every other line byte-identical, and is idempotent', () => {
    fc.assert(
      fc.property(corpus, (t) => {
        const doc = parseFstab(t);
        const owned = new Set(ovsEntries(doc).map((e) => e.line));
        const out = commentOutEntries(doc, [...owned]);
        const before = t.split('\n');
        const after = out.split('\n');
        expect(after).toHaveLength(before.length);
        before.forEach((l, i) => expect(after[i]).toBe(owned.has(i + 1) ? `# ${OVS_FSTAB_MARKER} ${l}` : l));
        const again = parseFstab(out);
        expect(ovsEntries(again)).toEqual([]);
        expect(fstabEntries(again)).toHaveLength(fstabEntries(doc).length - owned.size);
        expect(commentOutEntries(again, ovsEntries(again).map((e) => e.line))).toBe(out);
      }),
    );
  });
});
