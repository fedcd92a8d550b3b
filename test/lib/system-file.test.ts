/**
 * Text into an error, in one place: readSystemFile / parseSystemText (a system file that does
 * not parse is exit 72, `<path> line N: <reason>`), parseValue (an operator's value is 65),
 * tryFormat and atLine (only a FormatError is the format's complaint; anything else is a bug).
 */
import { describe, expect, it } from 'vitest';

import type { Context } from '../../src/lib/command.js';
import { OvsError } from '../../src/lib/errors.js';
import { FormatError, atLine, parseValue, tryFormat } from '../../src/lib/formats/format-error.js';
import { parseProcMounts } from '../../src/lib/formats/proc-mounts.js';
import { memoryHost, type MemoryHostOptions } from '../../src/lib/doubles/memory-host.js';
import { testContext } from '../../src/lib/doubles/test-context.js';
import { parseSystemText, readSystemFile } from '../../src/lib/system-file.js';

function context(opts: MemoryHostOptions): Promise<Context> {
  return testContext(memoryHost(opts));
}

const BAD_MOUNTS = 'proc /proc proc rw 0 0\nbroken\n';

describe('readSystemFile', () => {
  it('parses the file that is there', async () => {
    const ctx = await context({ files: { '/proc/mounts': 'proc /proc proc rw 0 0\n' } });
    expect(await readSystemFile(ctx, '/proc/mounts', parseProcMounts)).toMatchObject([{ source: 'proc', target: '/proc' }]);
  });
  it('is undefined for a missing file unless it is required', async () => {
    expect(await readSystemFile(await context({ files: { '/proc': null } }), '/proc/mounts', parseProcMounts)).toBeUndefined();
  });
  it('is exit 72 "<path> is missing" with the hint for a required file', async () => {
    const read = readSystemFile(await context({ files: { '/proc': null } }), '/proc/mounts', parseProcMounts, { doing: 'reading the mount table', required: { hint: 'mount proc on /proc' } });
    await expect(read).rejects.toMatchObject({ exit: 72, message: '/proc/mounts is missing', doing: 'reading the mount table', hint: 'mount proc on /proc' });
  });
  it('words a bad line "<path> line N: <reason>", exit 72, while reading the path by default', async () => {
    const read = readSystemFile(await context({ files: { '/proc/mounts': BAD_MOUNTS } }), '/proc/mounts', parseProcMounts);
    await expect(read).rejects.toMatchObject({ exit: 72, message: '/proc/mounts line 2: expected "source target type options 0 0", found 1 fields', doing: 'reading /proc/mounts', hint: undefined });
  });
  it('takes the hint from a function of the problem (the line to correct)', async () => {
    const read = readSystemFile(await context({ files: { '/proc/mounts': BAD_MOUNTS } }), '/proc/mounts', parseProcMounts, { doing: 'checking', hint: (e) => `correct line ${e.line}` });
    await expect(read).rejects.toMatchObject({ exit: 72, doing: 'checking', hint: 'correct line 2' });
  });
  it('lets a failure that is not the format\'s go up unchanged (a bug stays a bug)', async () => {
    const read = readSystemFile(await context({ files: { '/etc/x': 'x' } }), '/etc/x', () => {
      throw new TypeError('boom');
    });
    await expect(read).rejects.toBeInstanceOf(TypeError);
  });
});

describe('parseSystemText', () => {
  it('words a problem without a line "<path>: <reason>"', () => {
    const e = catchOf(() =>
      parseSystemText('/etc/hosts', 'x', () => {
        throw new FormatError('no names');
      }),
    );
    expect(e).toBeInstanceOf(OvsError);
    expect(e).toMatchObject({ exit: 72, message: '/etc/hosts: no names', doing: 'reading /etc/hosts' });
  });
});

describe('parseValue', () => {
  it("is exit 65 with the format's reason (no line), while reading the value, with the hint", () => {
    const e = catchOf(() =>
      parseValue('--keep', 'use an IQN', () => {
        throw new FormatError('"x" is not an IQN', 3);
      }),
    );
    expect(e).toMatchObject({ exit: 65, message: '"x" is not an IQN', doing: 'reading --keep', hint: 'use an IQN' });
  });
  it('returns the value when it is good', () => {
    expect(parseValue('ROLE', 'C, S or L', () => 'C')).toBe('C');
  });
});

describe('tryFormat and atLine', () => {
  it('hands a FormatError to the fallback and passes anything else through', () => {
    expect(tryFormat(() => { throw new FormatError('bad'); }, (e) => `fallback: ${e.reason}`)).toBe('fallback: bad');
    expect(() => tryFormat(() => { throw new RangeError('bug'); }, () => 'no')).toThrow(RangeError);
  });
  it('gives a problem without a line the line, and keeps a line the problem has', () => {
    expect(catchOf(() => atLine(7, () => { throw new FormatError('bad'); }))).toMatchObject({ line: 7, message: 'line 7: bad' });
    expect(catchOf(() => atLine(7, () => { throw new FormatError('bad', 2); }))).toMatchObject({ line: 2 });
  });
});

function catchOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}
