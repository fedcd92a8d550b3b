import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/lib/formats/format-error.js';
import {
  DEFAULT_REPOSITORY_OPTIONS,
  formatValue,
  getValue,
  mountOptionsFor,
  parseKeyValue,
  parseRepositoryOptions,
  serializeKeyValue,
  serializeRepositoryOptions,
  setRepositoryOption,
  setValue,
} from '../../src/lib/formats/repositories-options.js';

describe('repositories.options', () => {
  it('uses the documented defaults when the file is absent', () => {
    const o = parseRepositoryOptions(undefined);
    expect(o.values).toEqual(DEFAULT_REPOSITORY_OPTIONS);
    expect(mountOptionsFor(o, 'nfs')).toBe('rw,hard,tcp,nfsvers=3,timeo=600');
    expect(mountOptionsFor(o, 'ocfs2')).toBe('_netdev');
    expect(mountOptionsFor(o, 'ext3')).toBe('defaults');
    expect(mountOptionsFor(o, 'ext4')).toBe('defaults');
    expect(serializeRepositoryOptions(o)).toBe('');
  });

  it('reads the keys it knows, quoted or not, and lists the others', () => {
    const text = '# site tuning\nNFS_MOUNT_OPTIONS="rw,hard,tcp,nfsvers=3,timeo=900"\n  LOCAL_MOUNT_OPTIONS=noatime  \nSITE_NOTE=\'kept as is\'\n';
    const o = parseRepositoryOptions(text);
    expect(o.values).toEqual({ ...DEFAULT_REPOSITORY_OPTIONS, NFS_MOUNT_OPTIONS: 'rw,hard,tcp,nfsvers=3,timeo=900', LOCAL_MOUNT_OPTIONS: 'noatime' });
    expect(o.unknownKeys).toEqual(['SITE_NOTE']);
    expect(serializeRepositoryOptions(o)).toBe(text);
  });

  it('changes one key in place and keeps comments, unknown keys and quotes elsewhere', () => {
    const text = '# site tuning\nNFS_MOUNT_OPTIONS="rw,hard"\nSITE_NOTE=\'kept as is\'';
    const o = setRepositoryOption(parseRepositoryOptions(text), 'NFS_MOUNT_OPTIONS', 'rw,soft');
    expect(serializeRepositoryOptions(o)).toBe('# site tuning\nNFS_MOUNT_OPTIONS=rw,soft\nSITE_NOTE=\'kept as is\'');
    const added = setRepositoryOption(o, 'OCFS2_MOUNT_OPTIONS', '_netdev,noatime');
    expect(serializeRepositoryOptions(added)).toBe(`${serializeRepositoryOptions(o)}\nOCFS2_MOUNT_OPTIONS=_netdev,noatime`);
    expect(mountOptionsFor(added, 'ocfs2')).toBe('_netdev,noatime');
  });

  it('starts a new file with a header that says absent keys are defaults', () => {
    const o = setRepositoryOption(parseRepositoryOptions(undefined), 'OCFS2_MOUNT_OPTIONS', '_netdev,noatime');
    expect(serializeRepositoryOptions(o)).toMatch(/^# .*default.*\nOCFS2_MOUNT_OPTIONS=_netdev,noatime\n$/);
  });

  it.each([
    ['export NFS_MOUNT_OPTIONS=rw', 1, /expected KEY=value/],
    ['# x\nNFS_MOUNT_OPTIONS = rw', 2, /expected KEY=value/],
    ['NFS_MOUNT_OPTIONS=rw\nNFS_MOUNT_OPTIONS=ro', 2, /set twice \(first on line 1\)/],
    ['A="unterminated', 1, /no closing "/],
    ['A="$HOME"', 1, /write \\\$/],
    ['A=two words', 1, /needs quotes/],
    ['A="x" # note', 1, /after the closing quote/],
    ['NFS_MOUNT_OPTIONS=', 1, /empty mount options/],
    ['OCFS2_MOUNT_OPTIONS=_netdev,,noatime', 1, /comma-separated/],
    ['LOCAL_MOUNT_OPTIONS="a b"', 1, /comma-separated/],
  ])('rejects %j at line %i', (text, line, reason) => {
    let err: unknown;
    try {
      parseRepositoryOptions(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).line).toBe(line);
    expect((err as FormatError).reason).toMatch(reason);
  });

  it('refuses to write a value the file cannot hold', () => {
    expect(() => setRepositoryOption(parseRepositoryOptions(undefined), 'NFS_MOUNT_OPTIONS', 'rw hard')).toThrow(FormatError);
    expect(() => formatValue('a\nb')).toThrow(/newline/);
    expect(() => setValue(parseKeyValue(''), '1BAD', 'x')).toThrow(/not a valid key/);
  });
});

describe('KEY=value documents', () => {
  it('quotes only what needs it, the way a shell reads it back', () => {
    expect(formatValue('rw,hard')).toBe('rw,hard');
    expect(formatValue('')).toBe('');
    expect(formatValue('cluster root')).toBe('"cluster root"');
    expect(formatValue('a"b\\c$d`e')).toBe('"a\\"b\\\\c\\$d\\`e"');
    expect(getValue(parseKeyValue("A='it\\s'\nB=\"x\\ny\""), 'A')).toBe('it\\s');
    expect(getValue(parseKeyValue('B="x\\ny"'), 'B')).toBe('x\\ny');
  });

  const key = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/);
  const value = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '"', "'", '\\', '$', '`', '#', '=', ',', '/', 'é', '!', '*'), maxLength: 16 });

  it('write then parse gives the same values', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 8 }), (pairs) => {
        let doc = parseKeyValue('# notes\n');
        for (const [k, v] of pairs) doc = setValue(doc, k, v);
        const back = parseKeyValue(serializeKeyValue(doc));
        for (const [k, v] of pairs) expect(getValue(back, k)).toBe(v);
      }),
    );
  });

  it('options: write then parse gives the same values', () => {
    const opts = fc.stringMatching(/^[a-z_]{1,6}(=[0-9a-z]{1,4})?(,[a-z_]{1,6}(=[0-9a-z]{1,4})?){0,4}$/);
    const keys = fc.constantFrom('NFS_MOUNT_OPTIONS', 'OCFS2_MOUNT_OPTIONS', 'LOCAL_MOUNT_OPTIONS' as const);
    fc.assert(
      fc.property(fc.array(fc.tuple(keys, opts), { maxLength: 6 }), (sets) => {
        let o = parseRepositoryOptions(undefined);
        for (const [k, v] of sets) o = setRepositoryOption(o, k, v);
        expect(parseRepositoryOptions(serializeRepositoryOptions(o)).values).toEqual(o.values);
      }),
    );
  });
});
