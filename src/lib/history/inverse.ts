/**
 * Programs and service actions cannot be taken back by restoring bytes: `undo` never runs
 * them, it lists each with the command that would reverse it where one exists, for the
 * operator to judge (stopping o2cb on a live pool member fences it; that is their call).
 */
import { quoteArg } from '../render.js';
import type { ProgramEffect } from './effects.js';

export interface Inverse {
  /** The command as the run ran it. */
  ran: string;
  /** The command that reverses it, or undefined when nothing can. */
  inverse?: string;
  /** Why there is none, or what to mind. */
  note?: string;
}

const SERVICE_OPPOSITE: Record<string, string> = { start: 'stop', stop: 'start', enable: 'disable', on: 'off', defaults: 'remove' };

const line = (argv: readonly string[]) => argv.map(quoteArg).join(' ');

/** Swap one word of the argv (`-o new` -> `-o delete`), or undefined when it is not there. */
function swap(argv: readonly string[], from: string, to: string): string[] | undefined {
  const i = argv.indexOf(from);
  return i < 0 ? undefined : [...argv.slice(0, i), to, ...argv.slice(i + 1)];
}

function serviceInverse(argv: readonly string[], service: { name: string; action: string }): string[] | undefined {
  if (argv[0] === 'update-rc.d') return ['update-rc.d', '-f', service.name, 'remove'];
  const word = argv.find((a) => a in SERVICE_OPPOSITE);
  return word ? swap(argv, word, SERVICE_OPPOSITE[word] as string) : undefined;
}

function iscsiadmInverse(argv: readonly string[]): string[] | undefined {
  if (argv.includes('discovery')) {
    const portal = argv[argv.indexOf('-p') + 1];
    return portal ? ['iscsiadm', '-m', 'node', '-p', portal, '-o', 'delete'] : undefined;
  }
  return swap(argv, '--login', '--logout') ?? (argv.includes('automatic') ? swap(argv, 'automatic', 'manual') : undefined);
}

const NO_INVERSE: Record<string, string> = {
  'mkfs.ocfs2': 'formatting destroyed what the device held: restore it from a backup of the device',
  sfdisk: 'the previous partition table was replaced: restore it from a backup of the device (sfdisk -d)',
  partx: 'the kernel re-read the partition table: nothing to reverse by itself',
  'iscsiadm -o delete': 'the node record was deleted: discover the target again (ovs iscsi-prep)',
  umount: 'mount it again (ovs repositories start)',
  fallocate: 'made a file this run renamed into place; see the file list',
  dd: 'wrote a file this run renamed into place; see the file list',
  ssh: 'ran on another pool member: undo it there with that member\'s own `ovs history` and `ovs undo`',
};

export function inverseOf(p: ProgramEffect): Inverse {
  const argv = p.argv;
  const ran = line(argv);
  const program = argv[0] ?? '';
  let inv: string[] | undefined;
  if (p.service) inv = serviceInverse(argv, p.service);
  else if (program === 'iscsiadm') inv = iscsiadmInverse(argv);
  else if (program === 'mount') inv = argv.length ? ['umount', '--', argv[argv.length - 1] as string] : undefined;
  else if (program === 'o2cb') inv = swap(argv, 'register-cluster', 'unregister-cluster');
  else if (program === 'ocfs2_hb_ctl') inv = swap(argv, '-K', '-S');
  if (inv) return { ran, inverse: line(inv) };
  const key = program === 'iscsiadm' && argv.includes('delete') ? 'iscsiadm -o delete' : program;
  return { ran, note: NO_INVERSE[key] ?? 'no command reverses it' };
}
