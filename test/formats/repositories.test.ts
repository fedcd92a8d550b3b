import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitLines } from '../../src/lib/formats/fstab.js';
import { REPOSITORIES_HEADER, clusterRoot, findBySource, findByUuid, formatEntry, needsMigration, parseRepositories, removeEntry, repositoryEntries, serializeRepositories, upsertEntry, type RepositoryInput } from '../../src/lib/formats/repositories.js';
import { parseSource, sameSource } from '../../src/lib/formats/repository-source.js';
import { errorOf } from '../helpers/format-error.js';

const linesOf = (text: string): string[] => splitLines(text).lines;
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/formats/${name}`, import.meta.url), 'utf8');
const ROOT = 'F4135C096045458195057412169071E5';
const DATA = '60D0985974CA425AAF5D01A1F161CC8B';
const OTHER = '0123456789ABCDEF0123456789ABCDEF';


describe('the documented sample', () => {
  const text = fixture('repositories-spec.txt');
  const doc = parseRepositories(text);

  it('parses into entries and writes back byte for byte', () => {
    expect(repositoryEntries(doc)).toEqual([
      { uuid: ROOT, type: 'nfs', role: 'C', source: 'fileserver.example.com:/OVS', description: 'cluster root', line: 3 },
      { uuid: DATA, type: 'ocfs2', role: 'S', source: '/dev/mapper/ovs_data1', description: 'data repository', line: 4 },
    ]);
    expect(serializeRepositories(doc)).toBe(text);
    expect(needsMigration(doc)).toBe(false);
  });

  it('is exactly what the writer produces: header and aligned columns', () => {
    const lines = text.split('\n');
    expect(REPOSITORIES_HEADER).toEqual(lines.slice(0, 2));
    expect(repositoryEntries(doc).map(formatEntry)).toEqual(lines.slice(2, 4));
    let fresh = parseRepositories('');
    for (const e of repositoryEntries(doc)) fresh = upsertEntry(fresh, e).doc;
    expect(serializeRepositories(fresh)).toBe(text);
  });

  it('finds entries by source (same storage however written), uuid (any case) and role', () => {
    expect(findBySource(doc, 'FILESERVER.example.com:/OVS/')?.uuid).toBe(ROOT);
    expect(findBySource(doc, 'fileserver.example.com:/OVS2')).toBeUndefined();
    expect(findByUuid(doc, DATA.toLowerCase())?.source).toBe('/dev/mapper/ovs_data1');
    expect(findByUuid(doc, 'not-a-uuid')).toBeUndefined();
    expect(clusterRoot(doc)?.uuid).toBe(ROOT);
    expect(clusterRoot(parseRepositories(''))).toBeUndefined();
  });
});

describe('the older two-field form', () => {
  const text = fixture('repositories-legacy.txt');

  it('is read, with @ as the cluster root and the type taken from the source', () => {
    const doc = parseRepositories(text);
    expect(repositoryEntries(doc)).toEqual([
      { uuid: ROOT, type: 'nfs', role: 'C', source: 'fileserver.example.com:/OVS', description: '', line: 2 },
      { uuid: DATA, type: 'ocfs2', role: 'S', source: '/dev/sdb1', description: '', line: 3 },
    ]);
    expect(needsMigration(doc)).toBe(true);
  });

  it('is migrated on rewrite, comments kept', () => {
    const out = serializeRepositories(parseRepositories(text));
    expect(out).toBe(
      `# written by ovs-makerepo\n${ROOT}  nfs    C     fileserver.example.com:/OVS\n${DATA}  ocfs2  S     /dev/sdb1\n`,
    );
    const again = parseRepositories(out);
    expect(needsMigration(again)).toBe(false);
    expect(repositoryEntries(again)).toEqual(repositoryEntries(parseRepositories(text)));
  });

  it('normalises a lower-case or dashed uuid and any-case type and role', () => {
    const doc = parseRepositories('f4135c09-6045-4581-9505-7412169071e5  NFS  c  fs:/OVS  root\n');
    expect(repositoryEntries(doc)[0]).toMatchObject({ uuid: ROOT, type: 'nfs', role: 'C' });
    expect(serializeRepositories(doc)).toBe(`${ROOT}  nfs    C     fs:/OVS${' '.repeat(24)}root\n`);
  });

  it("keeps an operator's own spacing when the values are canonical", () => {
    const t = `${ROOT}\tnfs\tC\tfs:/OVS\tthe  root\n`;
    expect(serializeRepositories(parseRepositories(t))).toBe(t);
    expect(repositoryEntries(parseRepositories(t))[0]?.description).toBe('the  root');
  });
});

describe('errors, with the line', () => {
  const cases: [string, number, RegExp][] = [
    ['# c\nXYZ nfs C fs:/OVS root\n', 2, /not a repository uuid/],
    [`${ROOT} zfs C fs:/OVS root`, 1, /not a repository type/],
    [`${ROOT} nfs X fs:/OVS root`, 1, /not a repository role/],
    [`${ROOT} nfs C /dev/sdb1`, 1, /needs a host:\/export source/],
    [`${ROOT} ocfs2 C fs:/OVS`, 1, /needs a block device source/],
    [`${ROOT} nfs L fs:/OVS`, 1, /role L \(local\) needs type ext3 or ext4/],
    [`${ROOT} ext3 S /dev/sdc1`, 1, /must have role L/],
    [`${ROOT} nfs C fs:/OVS\n${DATA} ocfs2 C /dev/sdb1`, 2, /second cluster root; line 1/],
    [`${ROOT} nfs C fs:/OVS\n\n${ROOT} ocfs2 S /dev/sdb1`, 3, /already used on line 1/],
    [`${ROOT} nfs C fs:/OVS\n${DATA} nfs S FS:/OVS/`, 2, /already listed on line 1/],
    [`${ROOT} nfs C`, 1, /expected "uuid type role source description"/],
    [`${ROOT} nfs C fs:/OVS a\tb`, 1, /control character/],
    [`${ROOT} nfs C fs:/OVS a\u0007b`, 1, /control character/],
    [`@${ROOT} fs:/OVS extra`, 1, /old form/],
    [`@${ROOT} sdb1`, 1, /must start with \//],
  ];
  it.each(cases)('%j -> line %i', (text, line, reason) => {
    const e = errorOf(() => parseRepositories(text));
    expect(e.line).toBe(line);
    expect(e.reason).toMatch(reason);
  });
});

describe('repeats across many lines (one Map, not every pair)', () => {
  const uuidOf = (i: number) => i.toString(16).toUpperCase().padStart(32, '0');
  const many = (n: number) => Array.from({ length: n }, (_, i) => `${uuidOf(i + 1)}  nfs    ${i === 0 ? 'C' : 'S'}     fs${i}.example.com:/OVS${i}`);

  it('finds a source repeated 10 000 lines later, spelled another way', () => {
    const lines = [...many(10_000), `${uuidOf(20_000)}  nfs    S     FS3.Example.COM:/OVS3/`];
    const e = errorOf(() => parseRepositories(lines.join('\n')));
    expect(e.line).toBe(10_001);
    expect(e.reason).toBe('source FS3.Example.COM:/OVS3/ is already listed on line 4');
  });

  it('reads 10 000 distinct entries', () => {
    expect(repositoryEntries(parseRepositories(many(10_000).join('\n')))).toHaveLength(10_000);
  });

  it.each([
    ['[fe80::1]:/x', '[FE80:0:0::1]:/x/', true],
    ['/dev/sdb1', '/dev/sdb1', true],
    ['/dev/sdb1', '/dev/sdb2', false],
    ['fs:/a', 'fs:/a/b', false],
    ['not a source', 'not a source', true],
    ['not a source', 'not  a source', false],
  ])('sameSource(%j, %j) is %s', (a, b, same) => {
    expect(sameSource(a, b)).toBe(same);
  });
});

describe('parseSource', () => {
  it('reads NFS exports and device paths', () => {
    expect(parseSource('fileserver.example.com:/OVS')).toEqual({ kind: 'nfs', host: 'fileserver.example.com', export: '/OVS' });
    expect(parseSource('10.0.0.5:/export/ovs')).toEqual({ kind: 'nfs', host: '10.0.0.5', export: '/export/ovs' });
    expect(parseSource('[fe80::1]:/x')).toEqual({ kind: 'nfs', host: 'fe80::1', export: '/x' });
    expect(parseSource('/dev/sdb1')).toEqual({ kind: 'device', path: '/dev/sdb1' });
  });

  it.each([
    ['sdb1', /must start with \//],
    ['host:', /no export path/],
    ['host:export', /must be an absolute path/],
    [':/x', /neither host:\/export/],
    ['bad_host!:/x', /not a host name/],
    ['[zz]:/x', /bracketed IPv6/],
    ['/dev/sdb1/', /ends with \//],
    ['/dev/../sdb1', /plain form/],
    ['/dev/my disk', /blank/],
    ['', /empty/],
  ])('rejects %j', (s, reason) => {
    expect(() => parseSource(s)).toThrow(reason);
  });
});

describe('upsertEntry and removeEntry', () => {
  const text = `# my notes\n\n${fixture('repositories-spec.txt')}# trailing comment\n`;
  const doc = parseRepositories(text);
  const lines = text.split('\n');

  it('updates role and description of the same source in place', () => {
    const r = upsertEntry(doc, { uuid: DATA, type: 'ocfs2', role: 's', source: '/dev/mapper/ovs_data1', description: '  images ' });
    expect(r.changed).toBe(true);
    expect(r.previous?.description).toBe('data repository');
    const out = serializeRepositories(r.doc).split('\n');
    expect(out[5]).toBe(`${DATA}  ocfs2  S     /dev/mapper/ovs_data1          images`);
    out.forEach((l, i) => i !== 5 && expect(l).toBe(lines[i]));
  });

  it('changes nothing when the entry is already there', () => {
    const e = repositoryEntries(doc)[0]!;
    const r = upsertEntry(doc, { ...e, source: 'fileserver.example.com:/OVS/' });
    expect(r).toEqual({ doc, changed: false });
  });

  it('appends a new entry after everything else', () => {
    const r = upsertEntry(doc, { uuid: OTHER, type: 'ext3', role: 'L', source: '/dev/sdc1', description: 'local' });
    expect(serializeRepositories(r.doc)).toBe(`${text}${OTHER}  ext3   L     /dev/sdc1                      local\n`);
    expect(findByUuid(r.doc, OTHER)?.line).toBe(lines.length);
    const noNewline = parseRepositories(text.slice(0, -1));
    expect(serializeRepositories(upsertEntry(noNewline, { uuid: OTHER, type: 'ext3', role: 'L', source: '/dev/sdc1', description: '' }).doc)).toBe(
      `${text}${OTHER}  ext3   L     /dev/sdc1`,
    );
  });

  it('refuses a second cluster root and a conflicting uuid/source pair', () => {
    expect(() => upsertEntry(doc, { uuid: OTHER, type: 'ocfs2', role: 'C', source: '/dev/sdb1', description: '' })).toThrow(
      /second cluster root; line 5 \(fileserver.example.com:\/OVS\) is already the cluster root/,
    );
    expect(() => upsertEntry(doc, { uuid: ROOT, type: 'ocfs2', role: 'S', source: '/dev/mapper/ovs_data1', description: '' })).toThrow(
      /is on line 5 but source/,
    );
    expect(() => upsertEntry(doc, { uuid: OTHER, type: 'nfs', role: 'S', source: 'x:/y', description: 'a\nb' })).toThrow(/control character/);
  });

  it('removes by uuid or by source, keeping every other line', () => {
    for (const key of [DATA.toLowerCase(), '/dev/mapper/ovs_data1']) {
      const r = removeEntry(doc, key);
      expect(r.removed?.uuid).toBe(DATA);
      expect(serializeRepositories(r.doc)).toBe(lines.filter((_l, i) => i !== 5).join('\n'));
      expect(findByUuid(r.doc, ROOT)?.line).toBe(5);
    }
    expect(removeEntry(doc, OTHER)).toEqual({ doc });
  });
});

// ---------------------------------------------------------------- properties

const hex = fc.constantFrom(...'0123456789ABCDEF');
const uuid = fc.string({ unit: hex, minLength: 32, maxLength: 32 });
const word = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
const description = fc.stringMatching(/^([A-Za-z0-9#"'$\\.,:/()-]+( {1,2}[A-Za-z0-9#"'.,-]+){0,3})?$/);
const shared = fc.oneof(
  fc.tuple(word, word).map(([h, p]) => ({ type: 'nfs', source: `${h}.example.com:/${p}` })),
  word.map((d) => ({ type: 'ocfs2', source: `/dev/mapper/${d}` })),
);
const local = fc.tuple(fc.constantFrom('ext3', 'ext4'), word).map(([type, d]) => ({ type, source: `/dev/${d}` }));

/** A valid set of entries: distinct uuids and sources, at most one cluster root. */
const entries = fc
  .uniqueArray(fc.tuple(uuid, fc.oneof(shared, local), description, fc.boolean()), {
    maxLength: 8,
    selector: ([u]) => u,
  })
  .map((rows) => {
    const seen = new Set<string>();
    let root = false;
    const out: RepositoryInput[] = [];
    for (const [u, s, d, wantsRoot] of rows) {
      if (seen.has(s.source.toLowerCase())) continue;
      seen.add(s.source.toLowerCase());
      const isLocal = s.type === 'ext3' || s.type === 'ext4';
      const role = isLocal ? 'L' : wantsRoot && !root ? 'C' : 'S';
      if (role === 'C') root = true;
      out.push({ uuid: u, type: s.type as RepositoryInput['type'], role, source: s.source, description: d });
    }
    return out;
  });
const comment = fc.oneof(fc.constant(''), fc.constant('   '), fc.stringMatching(/^ *#[^\n]{0,30}$/));

/** A file: the entries in order with comments and blank lines between them. */
const file = fc.tuple(entries, fc.array(comment, { maxLength: 12 }), fc.boolean()).map(([es, cs, nl]) => {
  const lines: string[] = [];
  es.forEach((e, i) => {
    if (cs[i] !== undefined) lines.push(cs[i]!);
    lines.push(formatEntry(e));
  });
  lines.push(...cs.slice(es.length));
  return { entries: es, text: lines.join('\n') + (nl && lines.length > 0 ? '\n' : '') };
});

describe('properties', () => {
  it('write then parse gives the same entries', () => {
    fc.assert(
      fc.property(entries, (es) => {
        let doc = parseRepositories('');
        for (const e of es) doc = upsertEntry(doc, e).doc;
        const back = repositoryEntries(parseRepositories(serializeRepositories(doc)));
        expect(back.map(({ line: _l, ...e }) => e)).toEqual(es);
      }),
    );
  });

  it('upsert and remove leave every line they do not own byte-identical', () => {
    fc.assert(
      fc.property(file, fc.nat(), description, uuid, (f, pick, d, fresh) => {
        const doc = parseRepositories(f.text);
        expect(serializeRepositories(doc)).toBe(f.text);
        const before = linesOf(f.text);
        const target = f.entries[pick % Math.max(1, f.entries.length)];
        if (target) {
          const owned = findByUuid(doc, target.uuid)!.line - 1;
          const updated = linesOf(serializeRepositories(upsertEntry(doc, { ...target, description: d }).doc));
          expect(updated.filter((_l, i) => i !== owned)).toEqual(before.filter((_l, i) => i !== owned));
          const removed = linesOf(serializeRepositories(removeEntry(doc, target.source).doc));
          expect(removed).toEqual(before.filter((_l, i) => i !== owned));
        }
        if (findByUuid(doc, fresh) || findBySource(doc, `/dev/mapper/new${pick}`)) return;
        const added = serializeRepositories(upsertEntry(doc, { uuid: fresh, type: 'ocfs2', role: 'S', source: `/dev/mapper/new${pick}`, description: d }).doc);
        expect(added.startsWith(f.text.endsWith('\n') || f.text === '' ? f.text : `${f.text}\n`)).toBe(true);
      }),
    );
  });
});
