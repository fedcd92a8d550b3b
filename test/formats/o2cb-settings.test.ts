import { readFileSync } from 'node:fs';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  DEFAULT_O2CB,
  editO2cbSettings,
  effectiveO2cbSettings,
  heartbeatThresholdFor,
  newO2cbSettingsFile,
  O2CB_DEFAULTS,
  O2CB_KEYS,
  type O2cbValues,
  o2cbSettingsPath,
  parseO2cbSettings,
  SYSCONFIG_O2CB,
  validateO2cbSettings,
} from '../../src/lib/formats/o2cb-settings.js';

const fixture = (path: string): string => readFileSync(new URL(`../fixtures/o2cb/${path}`, import.meta.url), 'utf8');
const DEBIAN = fixture('debian-default-o2cb');
const RHEL = fixture('rhel-sysconfig-o2cb');

describe('reading', () => {
  it('reads the Debian file as dpkg-reconfigure wrote it', () => {
    expect(parseO2cbSettings(DEBIAN)).toEqual({
      O2CB_ENABLED: 'false',
      O2CB_BOOTCLUSTER: 'ocfs2',
      O2CB_HEARTBEAT_THRESHOLD: '31',
      O2CB_IDLE_TIMEOUT_MS: '30000',
      O2CB_KEEPALIVE_DELAY_MS: '2000',
      O2CB_RECONNECT_DELAY_MS: '2000',
    });
  });

  it('reads the RHEL file /etc/init.d/o2cb configure wrote, empty values included', () => {
    expect(parseO2cbSettings(RHEL)).toEqual({
      O2CB_ENABLED: 'true',
      O2CB_STACK: 'o2cb',
      O2CB_BOOTCLUSTER: 'webcluster',
      O2CB_HEARTBEAT_THRESHOLD: '62',
      O2CB_IDLE_TIMEOUT_MS: '60000',
      O2CB_KEEPALIVE_DELAY_MS: '',
      O2CB_RECONNECT_DELAY_MS: '',
    });
  });

  it.each([
    ['O2CB_BOOTCLUSTER="web"', 'web'],
    ["O2CB_BOOTCLUSTER='web'", 'web'],
    ['O2CB_BOOTCLUSTER="web\'', '"web\''],
    ['export O2CB_BOOTCLUSTER=web', 'web'],
    ['  O2CB_BOOTCLUSTER=web   # the pool', 'web'],
    ['O2CB_BOOTCLUSTER=web\r', 'web'],
    ['O2CB_BOOTCLUSTER=', ''],
  ])('%j reads as %j', (line, value) => {
    expect(parseO2cbSettings(`${line}\n`).O2CB_BOOTCLUSTER).toBe(value);
  });

  it('the last assignment wins, as when the shell sources the file', () => {
    expect(parseO2cbSettings('O2CB_ENABLED=false\nO2CB_ENABLED=true\n').O2CB_ENABLED).toBe('true');
  });

  it('an empty value means the default for a timeout, false or none for the others', () => {
    const eff = effectiveO2cbSettings(parseO2cbSettings(RHEL));
    expect(eff.O2CB_KEEPALIVE_DELAY_MS).toBe('2000');
    expect(eff.O2CB_RECONNECT_DELAY_MS).toBe('2000');
    expect(eff.O2CB_HEARTBEAT_THRESHOLD).toBe('62');
    expect(effectiveO2cbSettings(parseO2cbSettings(DEBIAN)).O2CB_STACK).toBe('o2cb');
    expect(effectiveO2cbSettings({ O2CB_ENABLED: '', O2CB_BOOTCLUSTER: '' })).toMatchObject({ O2CB_ENABLED: 'false', O2CB_BOOTCLUSTER: '' });
  });
});

describe('editing in place', () => {
  it('changes only the lines of the keys it sets and appends the missing ones with their comment', () => {
    const out = editO2cbSettings(DEBIAN, { O2CB_ENABLED: 'true', O2CB_STACK: 'o2cb', O2CB_BOOTCLUSTER: 'pool1' });
    const expected = DEBIAN.replace('O2CB_ENABLED=false', 'O2CB_ENABLED=true').replace('O2CB_BOOTCLUSTER=ocfs2', 'O2CB_BOOTCLUSTER=pool1') +
      '# O2CB_STACK: The name of the cluster stack backing O2CB.\nO2CB_STACK=o2cb\n\n';
    expect(out).toBe(expected);
  });

  it('fills the empty values the init script left behind', () => {
    const out = editO2cbSettings(RHEL, { O2CB_KEEPALIVE_DELAY_MS: '2000', O2CB_RECONNECT_DELAY_MS: '2000' });
    expect(out).toBe(RHEL.replace('O2CB_KEEPALIVE_DELAY_MS=\n', 'O2CB_KEEPALIVE_DELAY_MS=2000\n').replace('O2CB_RECONNECT_DELAY_MS=\n', 'O2CB_RECONNECT_DELAY_MS=2000\n'));
  });

  it("keeps the operator's quotes, export, trailing comment and CR", () => {
    const text = 'export O2CB_BOOTCLUSTER="ocfs2"  # pool\nO2CB_ENABLED=\'false\'\r\nO2CB_HEARTBEAT_THRESHOLD=31\r\n';
    const out = editO2cbSettings(text, { O2CB_BOOTCLUSTER: 'pool1', O2CB_ENABLED: 'true', O2CB_HEARTBEAT_THRESHOLD: '61' });
    expect(out).toBe('export O2CB_BOOTCLUSTER="pool1"  # pool\nO2CB_ENABLED=\'true\'\r\nO2CB_HEARTBEAT_THRESHOLD=61\r\n');
  });

  it('sets every occurrence of a repeated key, so no stale value is left to read', () => {
    expect(editO2cbSettings('O2CB_ENABLED=false\n#x\nO2CB_ENABLED=false\n', { O2CB_ENABLED: 'true' })).toBe('O2CB_ENABLED=true\n#x\nO2CB_ENABLED=true\n');
  });

  it('quotes a value that the shell would otherwise interpret', () => {
    expect(editO2cbSettings('O2CB_BOOTCLUSTER=a\n', { O2CB_BOOTCLUSTER: 'a b$c' })).toBe("O2CB_BOOTCLUSTER='a b$c'\n");
  });

  it('appends after a file without a final newline, and builds a file from nothing', () => {
    expect(editO2cbSettings('# mine', { O2CB_ENABLED: 'true' })).toBe("# mine\n\n# O2CB_ENABLED: 'true' means to load the driver on boot.\nO2CB_ENABLED=true\n\n");
    expect(editO2cbSettings('', { O2CB_ENABLED: 'true' })).toBe("# O2CB_ENABLED: 'true' means to load the driver on boot.\nO2CB_ENABLED=true\n\n");
  });

  it('is idempotent', () => {
    const values: O2cbValues = { ...O2CB_DEFAULTS, O2CB_BOOTCLUSTER: 'pool1' };
    const once = editO2cbSettings(DEBIAN, values);
    expect(editO2cbSettings(once, values)).toBe(once);
  });
});

describe('a new file', () => {
  it('is the template /etc/init.d/o2cb configure writes, byte for byte', () => {
    const values = { ...parseO2cbSettings(RHEL) } as O2cbValues;
    expect(newO2cbSettingsFile(values)).toBe(RHEL);
  });
  it('fills every value (no empty timeouts), with the defaults', () => {
    const text = newO2cbSettingsFile({ O2CB_BOOTCLUSTER: 'pool1' });
    expect(parseO2cbSettings(text)).toEqual({ ...O2CB_DEFAULTS, O2CB_BOOTCLUSTER: 'pool1' });
    expect(validateO2cbSettings(parseO2cbSettings(text))).toEqual([]);
  });
});

describe('validation (ovs-cluster-configure(8))', () => {
  it('accepts the defaults and both real files', () => {
    expect(validateO2cbSettings(O2CB_DEFAULTS)).toEqual([]);
    expect(validateO2cbSettings(parseO2cbSettings(DEBIAN))).toEqual([]);
    expect(validateO2cbSettings(parseO2cbSettings(RHEL))).toEqual([]);
  });
  it.each([
    ['O2CB_HEARTBEAT_THRESHOLD', '6', /below the minimum of 7/],
    ['O2CB_IDLE_TIMEOUT_MS', '4999', /below the minimum of 5000/],
    ['O2CB_KEEPALIVE_DELAY_MS', '999', /below the minimum of 1000/],
    ['O2CB_RECONNECT_DELAY_MS', '1999', /below the minimum of 2000/],
    ['O2CB_HEARTBEAT_THRESHOLD', 'abc', /not a whole number/],
    ['O2CB_IDLE_TIMEOUT_MS', '-5000', /not a whole number/],
    ['O2CB_BOOTCLUSTER', 'bad-name', /up to 16 letters or digits/],
    ['O2CB_STACK', 'o2', /four-character/],
    ['O2CB_ENABLED', 'yes', /true or false/],
  ] as const)('rejects %s=%s', (key, value, message) => {
    expect(validateO2cbSettings({ [key]: value })).toEqual([{ key, message: expect.stringMatching(message) }]);
  });
  it.each([
    ['O2CB_HEARTBEAT_THRESHOLD', '7'],
    ['O2CB_IDLE_TIMEOUT_MS', '5000'],
    ['O2CB_KEEPALIVE_DELAY_MS', '1000'],
    ['O2CB_RECONNECT_DELAY_MS', '2000'],
    ['O2CB_STACK', 'pcmk'],
    ['O2CB_BOOTCLUSTER', '1abc'],
  ])('accepts %s=%s', (key, value) => {
    expect(validateO2cbSettings({ [key]: value })).toEqual([]);
  });
  it('threshold = timeout_seconds / 2 + 1', () => {
    expect(heartbeatThresholdFor(60)).toBe(31);
    expect(heartbeatThresholdFor(122)).toBe(62);
  });
});

describe('which file the init script reads', () => {
  const only = (...present: string[]) => (p: string) => present.includes(p);
  it.each([
    [[SYSCONFIG_O2CB, DEFAULT_O2CB, '/etc/sysconfig'], SYSCONFIG_O2CB],
    [[DEFAULT_O2CB, '/etc/sysconfig'], DEFAULT_O2CB],
    [['/etc/sysconfig'], SYSCONFIG_O2CB],
    [[], DEFAULT_O2CB],
  ])('with %j present: %s', (present, expected) => {
    expect(o2cbSettingsPath(only(...present))).toBe(expected);
  });
});

describe('property: an edit touches only what it owns', () => {
  const value = fc.stringMatching(/^[a-z0-9]{0,6}$/);
  const quote = fc.constantFrom('', '"', "'");
  const key = fc.constantFrom(...O2CB_KEYS);
  const line = fc.oneof(
    fc.constantFrom('', '#', '# comment', '  # indented', 'OTHER=1', 'export PATH=/sbin', 'if true; then :; fi', 'O2CB_ENABLEDX=1'),
    fc.tuple(key, quote, value).map(([k, q, v]) => `${k}=${q}${v}${q}`),
  );
  const values = fc.dictionary(key, fc.stringMatching(/^[A-Za-z0-9]{1,8}$/)) as fc.Arbitrary<O2cbValues>;

  it('leaves foreign lines byte-identical, keeps quotes, and reads back the new values', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), values, (lines, set) => {
        const text = lines.join('\n') + '\n';
        const out = editO2cbSettings(text, set);
        const before = text.split('\n').slice(0, -1); // the text ends in a newline: no line after it
        const after = out.split('\n');
        before.forEach((l, i) => {
          const k = /^([A-Z0-9_]+)=/.exec(l)?.[1];
          if (k !== undefined && k in set) {
            const q = l[k.length + 1];
            expect(after[i]).toBe(`${k}=${q === '"' || q === "'" ? `${q}${set[k as keyof O2cbValues]}${q}` : set[k as keyof O2cbValues]}`);
          } else {
            expect(after[i]).toBe(l);
          }
        });
        const read = parseO2cbSettings(out);
        for (const [k, v] of Object.entries(set)) expect(read[k]).toBe(v);
        for (const [k, v] of Object.entries(parseO2cbSettings(text))) if (!(k in set)) expect(read[k]).toBe(v);
      }),
    );
  });
});
