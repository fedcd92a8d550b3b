import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/lib/formats/format-error.js';
import {
  NO_TPGT,
  formatPortal,
  formatRecord,
  parseIscsiRecords,
  parseIscsiadmError,
  parseKeepPattern,
  parseNodeTree,
  selectTargets,
  treeRecords,
  type IscsiRecord,
} from '../../src/lib/formats/iscsiadm.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/formats/${name}`, import.meta.url), 'utf8');
const EMC = 'iqn.1992-04.com.emc:cx.apm00070202838';
const names = (rs: readonly IscsiRecord[]): string[] => rs.map((r) => r.iqn.slice(EMC.length + 1));

describe('parseIscsiRecords', () => {
  it("reads the guide's discovery output with six EMC portals", () => {
    const records = parseIscsiRecords(fixture('emc-discovery.txt'));
    expect(records).toHaveLength(6);
    expect(records[0]).toEqual({ address: '10.1.1.1', port: 3260, tpgt: 5, iqn: `${EMC}.a2`, line: 1 });
    expect(records.map(formatRecord).join('\n') + '\n').toBe(fixture('emc-discovery.txt'));
  });

  it('reads real open-iscsi output: discovery, node list, a record without a portal group', () => {
    expect(parseIscsiRecords(fixture('tgt-discovery.stdout')).map((r) => r.iqn)).toEqual([
      'iqn.2010-01.com.example.ovs:target1',
      'iqn.2010-01.com.example.ovs:target2',
    ]);
    expect(parseIscsiRecords(fixture('node-two-portals.stdout')).map((r) => r.address)).toEqual(['127.0.0.1', '127.0.0.2']);
    const [flat] = parseIscsiRecords(fixture('node-flat-record.stdout'));
    expect(flat?.tpgt).toBe(NO_TPGT);
    expect(formatPortal(flat!)).toBe('127.0.0.5:3260');
    expect(parseIscsiRecords('127.0.0.5:3260,-1 iqn.x:y')[0]?.tpgt).toBe(NO_TPGT);
    expect(parseIscsiRecords('')).toEqual([]);
  });

  it('reads IPv6 portals, bracketed and in the older unbracketed form', () => {
    const [a, b] = parseIscsiRecords('[fe80::1]:3260,1 iqn.a:b\nfe80::2:3261,2 iqn.a:c\n');
    expect([a?.address, a?.port, b?.address, b?.port]).toEqual(['fe80::1', 3260, 'fe80::2', 3261]);
    expect(formatPortal(a!)).toBe('[fe80::1]:3260,1');
  });

  it('rejects anything else on stdout, with the line number', () => {
    const e = (t: string): FormatError => {
      try {
        parseIscsiRecords(t);
      } catch (err) {
        if (err instanceof FormatError) return err;
      }
      throw new Error('no FormatError');
    };
    expect(e(fixture('tgt-discovery.stderr')).line).toBe(1);
    expect(e('10.1.1.1:3260,1 iqn.a:b\n10.1.1.1:3260 iqn.a:c\n').message).toBe('line 2: the record "10.1.1.1:3260 iqn.a:c" has no portal group (,TPGT)');
    expect(e('10.1.1.1:99999,1 iqn.a:b').line).toBe(1);
    expect(e('10.1.1.1:3260,70000 iqn.a:b').reason).toMatch(/out of range/);
  });

  it('parses a thousand targets', () => {
    const text = Array.from({ length: 1000 }, (_v, i) => `10.${i >> 8}.${i & 255}.1:3260,${i % 7} iqn.2010-01.com.example:t${i}`).join('\n');
    const records = parseIscsiRecords(text);
    expect(records).toHaveLength(1000);
    expect(records[999]).toMatchObject({ address: '10.3.231.1', tpgt: 999 % 7, line: 1000 });
  });

  it('write then parse gives the same record', () => {
    const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
    const ipv6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(':'));
    const record = fc.record({
      address: fc.oneof(ipv4, ipv6),
      port: fc.integer({ min: 1, max: 65535 }),
      tpgt: fc.integer({ min: -1, max: 65535 }),
      iqn: fc.stringMatching(/^iqn\.[0-9]{4}-[0-9]{2}\.[a-z.]{1,12}(:[a-z0-9.-]{1,12})?$/),
    });
    fc.assert(
      fc.property(record, (r) => {
        expect(parseIscsiRecords(formatRecord(r))).toEqual([{ ...r, line: 1 }]);
      }),
    );
  });
});

describe('parseNodeTree (-P 1)', () => {
  it('reads the tree and flattens it to the same records as the plain list', () => {
    const targets = parseNodeTree(fixture('node-P1.stdout'));
    expect(targets).toHaveLength(2);
    expect(targets[0]).toEqual({
      iqn: 'iqn.2010-01.com.example.ovs:target1',
      line: 1,
      portals: [{ address: '127.0.0.1', port: 3260, tpgt: 1, line: 2, ifaces: ['ovs0'] }],
    });
    const flat = treeRecords(targets).map(formatRecord);
    expect(flat).toEqual(parseIscsiRecords(fixture('tgt-discovery.stdout')).map(formatRecord));
  });

  it('accepts the (non-flash) suffix and deeper detail lines, rejects a broken tree', () => {
    const t = parseNodeTree('Target: iqn.a:b (non-flash)\n\tCurrent Portal: 1.2.3.4:3260,1\n\tPortal: 1.2.3.4:3260,1\n\t\tIface Name: default\n\t\tSID: 1\n');
    expect(t[0]?.iqn).toBe('iqn.a:b');
    expect(t[0]?.portals).toHaveLength(1);
    expect(() => parseNodeTree('\tPortal: 1.2.3.4:3260,1\n')).toThrow(new FormatError('a Portal line before any Target line', 1));
    expect(() => parseNodeTree('Target: iqn.a:b\n\t\tIface Name: x\n')).toThrow(FormatError);
    expect(() => parseNodeTree('Target: iqn.a:b\nsomething else\n')).toThrow(/line 2/);
  });
});

describe('parseIscsiadmError', () => {
  const cases: [string, number, string, RegExp, RegExp?][] = [
    ['tgt-discovery.stderr', 0, 'ISCSI_SUCCESS', /done/],
    ['no-portal.stderr', 7, 'ISCSI_ERR_INVAL', /rejected its arguments: Please specify portal/],
    ['discovery-unreachable.stderr', 11, 'ISCSI_ERR_PDU_TIMEOUT', /127\.0\.0\.9 refused the connection/],
    ['discovery-plain-host.stderr', 12, 'ISCSI_ERR_TRANS_NOT_FOUND', /iscsi_tcp/, /modprobe iscsi_tcp/],
    ['discovery-no-initiator.stderr', 20, 'ISCSI_ERR_ISCSID_NOTCONN', /no initiator name/, /initiatorname\.iscsi/],
    ['login-no-iscsid.stderr', 20, 'ISCSI_ERR_ISCSID_NOTCONN', /cannot connect to iscsid/, /service iscsi start/],
    ['no-records.stderr', 21, 'ISCSI_ERR_NO_OBJS_FOUND', /no such node record/],
    ['no-sessions.stderr', 21, 'ISCSI_ERR_NO_OBJS_FOUND', /no iSCSI session/],
    ['unresolvable.stderr', 21, 'ISCSI_ERR_NO_OBJS_FOUND', /cannot resolve the portal host 999\.1\.1\.1/],
  ];
  it.each(cases)('%s, exit %i -> %s', (file, code, name, reason, hint) => {
    const r = parseIscsiadmError(fixture(file), code);
    expect(r).toMatchObject({ exitCode: code, ok: code === 0, name });
    expect(r.reason).toMatch(reason);
    if (hint) expect(r.hint).toMatch(hint);
  });

  it("keeps iscsiadm's last real message, not the daemon-probe noise", () => {
    expect(parseIscsiadmError(fixture('discovery-unreachable.stderr'), 11).detail).toBe(
      'Could not perform SendTargets discovery: iSCSI PDU timed out',
    );
    expect(parseIscsiadmError(fixture('tgt-discovery.stderr'), 0).detail).toBeUndefined();
    expect(parseIscsiadmError('', 99)).toMatchObject({ ok: false, name: 'unknown', reason: 'iscsiadm exited with status 99' });
  });
});

describe('selectTargets (--keep)', () => {
  const records = parseIscsiRecords(fixture('emc-discovery.txt'));
  // The guide deletes b0, a0, b1, a1 and a2 (step 4), keeping a3: 10.1.1.1:3260,6. Its a2 line
  // says 10.0.1.249:3260,5, a typo for the discovered 10.1.1.1:3260,5.
  const guideDeletes = ['b0', 'a0', 'b1', 'a1', 'a2'];

  it.each([['10.1.1.1:3260,6'], [`${EMC}.a3`], [`${EMC.toUpperCase()}.A3`], [`10.1.1.1:3260,6 ${EMC}.a3`], ['*.a3']])(
    'keep %s selects exactly what the guide keeps',
    (pattern) => {
      const s = selectTargets(records, [pattern]);
      expect(names(s.kept)).toEqual(['a3']);
      expect(names(s.dropped).sort()).toEqual([...guideDeletes].sort());
      expect(s.unmatched).toEqual([]);
    },
  );

  it('keeps the discovery order and counts a record once when several patterns match it', () => {
    const s = selectTargets(records, ['*.a?', '10.2.0.250:3260,3', `${EMC}.a0`]);
    expect(names(s.kept)).toEqual(['a2', 'a3', 'a0', 'a1', 'b0']);
    expect(names(s.dropped)).toEqual(['b1']);
  });

  it('takes a portal without its group as every group on it', () => {
    expect(names(selectTargets(records, ['10.1.1.1:3260']).kept)).toEqual(['a2', 'a3']);
  });

  it('reports the patterns that matched nothing', () => {
    const s = selectTargets(records, [`${EMC}.a3`, '10.1.1.1:3260,9', 'iqn.2000-01.com.other:x', '*.z*']);
    expect(names(s.kept)).toEqual(['a3']);
    expect(s.unmatched).toEqual(['10.1.1.1:3260,9', 'iqn.2000-01.com.other:x', '*.z*']);
    expect(selectTargets(records, [])).toMatchObject({ kept: [], unmatched: [] });
  });

  it('rejects a pattern that is none of the accepted forms', () => {
    for (const bad of ['', 'storage', '10.1.1.1', '10.1.1.1:3260 iqn.a:b', 'a b c']) {
      expect(() => parseKeepPattern(bad)).toThrow(FormatError);
    }
    expect(() => selectTargets(records, ['nonsense'])).toThrow(/is not an IQN/);
    expect(parseKeepPattern('iqn.2010-01.com.example.ovs:target[1]')).toMatchObject({ kind: 'iqn' });
    expect(parseKeepPattern('storage.example.com:3260,1')).toMatchObject({ kind: 'portal', tpgt: 1 });
  });
});
