import { readFileSync } from 'node:fs';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { type ClusterBundle, parseBundle, serializeBundle, sha256Hex } from '../../src/lib/formats/bundle.js';
import { FormatError } from '../../src/lib/formats/format-error.js';
import { O2CB_DEFAULTS, parseO2cbSettings } from '../../src/lib/formats/o2cb-settings.js';

const fixture = (path: string): string => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');

const BUNDLE: ClusterBundle = {
  clusterConf: fixture('golden/02-ovm-2node-local.conf'),
  o2cb: { ...O2CB_DEFAULTS },
};

function failure(text: string): FormatError {
  try {
    parseBundle(text);
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('parsed without error');
}

describe('the bundle format (ours, v1)', () => {
  it('has a version line, the settings, the sized cluster.conf, and a checksummed end line', () => {
    const text = serializeBundle(BUNDLE);
    const head = [
      '# ovs cluster bundle v1',
      'O2CB_ENABLED=true',
      'O2CB_STACK=o2cb',
      'O2CB_BOOTCLUSTER=ocfs2',
      'O2CB_HEARTBEAT_THRESHOLD=31',
      'O2CB_IDLE_TIMEOUT_MS=30000',
      'O2CB_KEEPALIVE_DELAY_MS=2000',
      'O2CB_RECONNECT_DELAY_MS=2000',
      '# cluster.conf 248 bytes',
      '',
    ].join('\n');
    const body = `${head}${BUNDLE.clusterConf}\n`;
    expect(text).toBe(`${body}# end of bundle, sha256 ${sha256Hex(body)}\n`);
  });

  it('reads back what it wrote', () => {
    expect(parseBundle(serializeBundle(BUNDLE))).toEqual(BUNDLE);
  });

  it('carries only the settings present, and a cluster.conf without final newline or in UTF-8', () => {
    const b: ClusterBundle = { clusterConf: 'cluster:\n\tname = é', o2cb: { O2CB_BOOTCLUSTER: 'pool1' } };
    const text = serializeBundle(b);
    expect(text).toContain('# cluster.conf 19 bytes\n');
    expect(parseBundle(text)).toEqual(b);
  });

  it('carries the settings of a real file', () => {
    const o2cb = parseO2cbSettings(fixture('o2cb/debian-default-o2cb'));
    expect(parseBundle(serializeBundle({ clusterConf: '', o2cb })).o2cb).toEqual(o2cb);
  });

  it('refuses to carry a value a shell would interpret', () => {
    expect(() => serializeBundle({ clusterConf: '', o2cb: { O2CB_BOOTCLUSTER: 'a;rm' } })).toThrow(FormatError);
  });
});

describe('refusals', () => {
  const text = serializeBundle(BUNDLE);

  it('refuses every truncation, at every byte', () => {
    for (let cut = 0; cut < text.length; cut++) {
      const e = failure(text.slice(0, cut));
      expect(e.message).toMatch(/truncated|not an ovs cluster bundle/);
    }
  });

  it('refuses a bundle altered anywhere in its content', () => {
    const altered = text.replace('192.168.1.12', '192.168.1.13');
    expect(failure(altered).message).toMatch(/checksum does not match/);
    expect(failure(text.replace('O2CB_HEARTBEAT_THRESHOLD=31', 'O2CB_HEARTBEAT_THRESHOLD=61')).message).toMatch(/checksum/);
  });

  it('refuses a wrong size announcement as damage, with the line', () => {
    const e = failure(text.replace('# cluster.conf 248 bytes', '# cluster.conf 240 bytes'));
    expect(e.message).toMatch(/damaged/);
    expect(e.line).toBeGreaterThan(9);
  });

  it('names an unsupported version and a non-bundle', () => {
    expect(failure(text.replace('bundle v1', 'bundle v2')).message).toBe('line 1: unsupported bundle version "2"; this ovs reads version 1');
    expect(failure(BUNDLE.clusterConf).message).toMatch(/^line 1: not an ovs cluster bundle/);
  });

  it('refuses unknown and repeated settings, and data after the end', () => {
    expect(failure(text.replace('O2CB_STACK=o2cb', 'FOO=bar')).message).toMatch(/^line 3: unexpected line in the bundle's O2CB settings: "FOO=bar"/);
    expect(failure(text.replace('O2CB_STACK=o2cb', 'O2CB_ENABLED=true')).message).toMatch(/^line 3: O2CB_ENABLED appears twice/);
    expect(failure(`${text}more\n`).message).toMatch(/unexpected data after the end/);
  });

  it('refuses CRLF (a bundle that went through a text-mode transfer)', () => {
    expect(() => parseBundle(text.replace(/\n/g, '\r\n'))).toThrow(FormatError);
  });
});

describe('property', () => {
  const key = fc.constantFrom(...(Object.keys(O2CB_DEFAULTS) as (keyof typeof O2CB_DEFAULTS)[]));
  const bundleArb = fc.record({
    clusterConf: fc.string({ unit: 'binary', maxLength: 300 }),
    o2cb: fc.dictionary(key, fc.stringMatching(/^[A-Za-z0-9]{0,8}$/)),
  });
  it('parse(serialize(b)) = b for any cluster.conf text', () => {
    fc.assert(
      fc.property(bundleArb, (b) => {
        // Lone surrogates cannot travel as UTF-8; the writer of a real file never has them.
        fc.pre(b.clusterConf.isWellFormed());
        expect(parseBundle(serializeBundle(b))).toEqual(b);
      }),
    );
  });
});
