import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/lib/formats/format-error.js';
import { parseOvsRepo, serializeOvsRepo, type OvsRepoInfo } from '../../src/lib/formats/ovsrepo.js';

const ROOT: OvsRepoInfo = {
  uuid: 'F4135C096045458195057412169071E5',
  version: 1,
  type: 'nfs',
  role: 'C',
  source: 'fileserver.example.com:/OVS',
  description: 'cluster root',
  created: '2009-04-01T12:00:00Z',
};

const TEXT = [
  '# Oracle VM repository identity, written by `ovs makerepo`. Every server of the pool reads its uuid here.',
  'OVS_REPO_UUID=F4135C096045458195057412169071E5',
  'OVS_REPO_VERSION=1',
  'OVS_REPO_TYPE=nfs',
  'OVS_REPO_ROLE=C',
  'OVS_REPO_SOURCE=fileserver.example.com:/OVS',
  'OVS_REPO_DESCRIPTION="cluster root"',
  'OVS_REPO_CREATED=2009-04-01T12:00:00Z',
  '',
].join('\n');

describe('.ovsrepo', () => {
  it('writes every key in a fixed order and reads it back', () => {
    expect(serializeOvsRepo(ROOT)).toBe(TEXT);
    expect(parseOvsRepo(TEXT)).toEqual(ROOT);
  });

  it('reads a lower-case uuid, extra keys and any key order', () => {
    const text = TEXT.split('\n').reverse().join('\n').replace('F4135C', 'f4135c') + '\nOVS_REPO_FUTURE=x\n';
    expect(parseOvsRepo(text)).toEqual(ROOT);
  });

  it.each([
    [TEXT.replace('OVS_REPO_ROLE=C\n', ''), undefined, /OVS_REPO_ROLE is missing/],
    [TEXT.replace('VERSION=1', 'VERSION=2'), 3, /version 2 is not supported/],
    [TEXT.replace('UUID=F4135C', 'UUID=XX'), 2, /not a repository uuid/],
    [TEXT.replace('TYPE=nfs', 'TYPE=ocfs2'), 4, /needs a block device source/],
    [TEXT.replace('ROLE=C', 'ROLE=Q'), 5, /not a repository role/],
    [TEXT.replace('SOURCE=fileserver.example.com:/OVS', 'SOURCE=sdb1'), 6, /must start with \//],
    [TEXT.replace('"cluster root"', '"a\tb"'), 7, /control character/],
    [TEXT.replace('2009-04-01T12:00:00Z', 'yesterday'), 8, /not an ISO 8601/],
    [TEXT.replace('2009-04-01T12:00:00Z', '2009-13-45T12:00:00Z'), 8, /not an ISO 8601/],
  ])('rejects a bad file (%#) with the line', (text, line, reason) => {
    let err: unknown;
    try {
      parseOvsRepo(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).line).toBe(line);
    expect((err as FormatError).reason).toMatch(reason);
  });

  it('refuses to write what it could not read back', () => {
    expect(() => serializeOvsRepo({ ...ROOT, created: 'now' })).toThrow(FormatError);
    expect(() => serializeOvsRepo({ ...ROOT, description: 'a\nb' })).toThrow(FormatError);
    expect(() => serializeOvsRepo({ ...ROOT, version: 2 as 1 })).toThrow(/version 2/);
  });

  it('write then parse gives the same data', () => {
    const hex = fc.constantFrom(...'0123456789ABCDEF');
    const info = fc.record({
      uuid: fc.string({ unit: hex, minLength: 32, maxLength: 32 }),
      version: fc.constant(1 as const),
      kind: fc.constantFrom('nfs', 'ocfs2', 'ext4'),
      role: fc.constantFrom<'C' | 'S'>('C', 'S'),
      name: fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/),
      description: fc.stringMatching(/^([A-Za-z0-9"'$`\\#=.,:/()-]+( [A-Za-z0-9"'$`\\#=.,-]+){0,3})?$/),
      created: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
    });
    fc.assert(
      fc.property(info, ({ kind, name, ...i }) => {
        const r: OvsRepoInfo =
          kind === 'nfs'
            ? { ...i, type: 'nfs', source: `${name}.example.com:/OVS` }
            : kind === 'ocfs2'
              ? { ...i, type: 'ocfs2', source: `/dev/mapper/${name}` }
              : { ...i, type: 'ext4', role: 'L', source: `/dev/${name}` };
        expect(parseOvsRepo(serializeOvsRepo(r))).toEqual(r);
      }),
    );
  });
});
