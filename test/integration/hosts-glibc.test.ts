/**
 * Name resolution = glibc. For every name of every hosts file in test/fixtures/hosts/ (real
 * layouts: distribution defaults, IPv6 blocks, aliases, names on several lines, zone ids,
 * comments, tabs, CRLF, trailing dots), in upper case too and with a trailing dot added or
 * taken away, ovs's IPv4 answer (formats/hosts.ts answerIPv4: the addresses, in order, and
 * so its loopback refusal) must equal what the real `getent ahostsv4 NAME` prints with that
 * file as /etc/hosts — under `multi on` (Debian's and Red Hat's /etc/host.conf) and
 * `multi off` (glibc's default).
 *
 * getent runs in private mount and network namespaces: the file bind-mounted over
 * /etc/hosts, nsswitch `hosts: files dns`, resolv.conf pointing at a loopback address where
 * nothing listens (DNS cannot answer), and a network with a global address and a default
 * route, so every destination counts as reachable when getaddrinfo sorts its answer.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { answerIPv4, parseHosts } from '../../src/lib/formats/hosts.js';
import { scratchDir } from '../helpers/sandbox.js';
import { describeWithTools } from '../helpers/tools.js';

const FIXTURES = new URL('../fixtures/hosts/', import.meta.url).pathname;

const SCRIPT = `set -e
ip link set lo up
ip addr add 192.0.2.1/32 dev lo
ip route add default dev lo src 192.0.2.1
for t in /etc/hosts /etc/host.conf /etc/nsswitch.conf /etc/resolv.conf; do [ -e "$t" ] || { echo "missing $t" >&2; exit 125; }; done
mount --bind "$1" /etc/hosts
mount --bind "$2" /etc/host.conf
mount --bind "$3" /etc/nsswitch.conf
mount --bind "$4" /etc/resolv.conf
shift 4
for n in "$@"; do
  getent ahostsv4 -- "$n" | awk '$2 == "STREAM" { printf "%s ", $1 }' || true
  echo .
done`;

/** Every name the file mentions (every field after the address), and its variants. */
function namesOf(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const fields = line.replace(/#.*/, '').split(/[ \t\r\f\v]+/).filter(Boolean).slice(1);
    for (const n of fields) {
      names.add(n);
      names.add(n.toUpperCase());
      names.add(n.endsWith('.') ? n.slice(0, -1) : `${n}.`);
    }
  }
  return [...names].filter((n) => n !== '');
}

/** getent ahostsv4 for each name, with FILE as /etc/hosts: the STREAM addresses, in order. */
function glibcAnswers(dir: string, file: string, multi: boolean, names: string[]): string[][] {
  const hostConf = join(dir, multi ? 'host.conf.on' : 'host.conf.off');
  const args = ['--mount', '--net', '--propagation', 'private', '--', 'bash', '-c', SCRIPT, 'getent-in-ns', file, hostConf, join(dir, 'nsswitch.conf'), join(dir, 'resolv.conf'), ...names];
  const r = spawnSync('unshare', args, { encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`getent in a namespace: exit ${r.status}: ${r.stderr}`);
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(names.length);
  return lines.map((l) => l.replace(/\.$/, '').trim().split(' ').filter(Boolean));
}

describeWithTools(['getent', 'unshare', 'ip', 'mount'], "name resolution: ovs answers exactly what glibc's getent ahostsv4 answers", () => {
  const scratch = scratchDir('hosts-glibc');
  afterAll(() => scratch.remove());
  writeFileSync(join(scratch.path, 'host.conf.on'), 'multi on\n');
  writeFileSync(join(scratch.path, 'host.conf.off'), 'multi off\n');
  writeFileSync(join(scratch.path, 'nsswitch.conf'), 'hosts: files dns\n');
  // Nothing listens on 127.0.0.254:53 in the private network: every DNS question fails at once.
  writeFileSync(join(scratch.path, 'resolv.conf'), 'nameserver 127.0.0.254\noptions timeout:1 attempts:1\n');

  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.hosts')).sort();
  it('has a collection to compare', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) expect(existsSync(join(FIXTURES, f))).toBe(true);
  });

  for (const file of files) {
    for (const multi of [true, false]) {
      it(`${file}, multi ${multi ? 'on' : 'off'}: every name`, () => {
        const text = readFileSync(join(FIXTURES, file), 'utf8');
        const names = namesOf(text);
        const glibc = glibcAnswers(scratch.path, join(FIXTURES, file), multi, names);
        const hosts = { ...parseHosts(text), multi };
        const rows = names.map((name, i) => ({ name, glibc: glibc[i], ovs: answerIPv4(hosts, name).map((a) => a.address) }));
        expect(rows.filter((r) => JSON.stringify(r.glibc) !== JSON.stringify(r.ovs))).toEqual([]);
        // The file is not trivially unknown to glibc: some of its names resolve.
        expect(rows.some((r) => (r.glibc ?? []).length > 0)).toBe(true);
      });
    }
  }
});
