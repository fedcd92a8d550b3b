/**
 * inspectHeartbeat as cluster-check and makerepo use it: one status and one plain-words
 * problem per kind of bad file (replayed ocfs2-tools 1.8.7 output, src/lib/doubles/ocfs2-tools.ts).
 */
import { describe, expect, it } from 'vitest';
import { testContext } from '../../src/lib/doubles/test-context.js';

import type { Context } from '../../src/lib/command.js';
import { EXIT } from '../../src/lib/errors.js';
import { memoryHost } from '../../src/lib/doubles/memory-host.js';
import { foreignImage, ocfs2ToolsDouble, volumeImage } from '../../src/lib/doubles/ocfs2-tools.js';
import { HEARTBEAT_DEFAULTS, heartbeatOptions, inspectHeartbeat } from '../../src/lib/ocfs2/heartbeat.js';

const HB = HEARTBEAT_DEFAULTS.path;
const MiB = 1024 * 1024;

function context(content: string | Uint8Array | null | undefined): Promise<Context> {
  const files: Record<string, string | Uint8Array | null> = { '/OVS': null };
  if (content !== undefined) files[HB] = content;
  const host = memoryHost({ files, tools: ocfs2ToolsDouble() });
  return testContext(host);
}

const expected = { label: 'server_pool_hb', slots: 16, blockSize: 2048, clusterSize: 4096 };

describe('inspectHeartbeat (replayed ocfs2-tools 1.8.7 output)', () => {
  it('valid: with the volume read back', async () => {
    const r = await inspectHeartbeat(await context(volumeImage()), HB, expected);
    expect(r).toEqual({ status: 'valid', info: expect.objectContaining({ label: 'server_pool_hb', slots: 16, uuid: 'EDD4846F5C214A6E984EEFA24BE1D0BC' }) });
  });

  it('checks only what it is asked to: any OCFS2 volume is valid without expectations', async () => {
    expect((await inspectHeartbeat(await context(volumeImage({ label: 'x', slots: 4 })), HB)).status).toBe('valid');
  });

  it.each([
    ['missing', undefined, 'missing', undefined],
    ['a directory', null, 'not-a-file', `${HB} is a directory, not a heartbeat file`],
    ['zeros', new Uint8Array(MiB), 'not-ocfs2', `${HB} holds only zeros: it was zero-filled but never formatted (mkfs.ocfs2 did not run, or failed)`],
    ['an ext4 image', foreignImage('ext4'), 'not-ocfs2', `${HB} holds an ext4 file system, not OCFS2`],
    ['an xfs image', foreignImage('xfs'), 'not-ocfs2', `${HB} holds a xfs file system, not OCFS2`],
    ['empty', '', 'truncated', `${HB} is empty (0 bytes): its creation was interrupted or ran out of space`],
    ['cut below its superblock', 'abc', 'truncated', `${HB} is only 3 bytes: too short to hold an OCFS2 volume`],
    ['cut after its superblock', volumeImage({ clusters: 76800 }), 'truncated', `${HB} is truncated: ${volumeImage({ clusters: 76800 }).length} bytes long but its OCFS2 volume spans 300 MiB`],
    ['another label', volumeImage({ label: 'mylabel' }), 'wrong-geometry', `${HB} is an OCFS2 heartbeat with label 'mylabel' (expected 'server_pool_hb')`],
    ['another slot count', volumeImage({ slots: 32 }), 'wrong-geometry', `${HB} is an OCFS2 heartbeat with 32 node slots (expected 16)`],
  ] as const)('%s: %s', async (_what, content, status, problem) => {
    const r = await inspectHeartbeat(await context(content), HB, expected);
    expect(r.status).toBe(status);
    expect(r.problem).toBe(problem);
  });

  it('every bad kind has its own words', async () => {
    const contents = [null, new Uint8Array(MiB), foreignImage('ext4'), '', volumeImage({ clusters: 76800 }), volumeImage({ label: 'x' }), volumeImage({ slots: 2 })];
    const problems = await Promise.all(contents.map(async (c) => (await inspectHeartbeat(await context(c), HB, expected)).problem));
    expect(new Set(problems).size).toBe(contents.length);
  });
});

describe('heartbeatOptions', () => {
  it('fills in the guide defaults', () => {
    expect(heartbeatOptions()).toEqual({ size: 300 * MiB, slots: 16, label: 'server_pool_hb', blockSize: 2048, clusterSize: 4096 });
  });

  it('refuses a size mkfs cannot format, with the minimum in the hint', () => {
    expect(() => heartbeatOptions({ size: 100 * MiB })).toThrow(expect.objectContaining({ exit: EXIT.DATAERR, hint: 'give --size 136M or more, or fewer --slots' }));
  });
});
