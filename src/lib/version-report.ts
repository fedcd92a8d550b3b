/**
 * `ovs --version --verbose` and `ovs --json --version`: what a bug report needs, like
 * `pcs --version --full` — ovs's version, Node's, and the version of each tool ovs drives
 * that is installed here (each asked once, in parallel, bounded). Plain `ovs --version`
 * prints only ovs's version and runs nothing (bin.ts answers it before loading anything).
 */
import { jsonLine, successEnvelope, type EnvelopeBase } from './envelope.js';
import type { Host } from './host.js';

export interface ToolVersion {
  /** The version it printed; null when the program is not installed or said nothing usable. */
  version: string | null;
  path: string | null;
}

export interface VersionReport {
  version: string;
  node: string;
  tools: Record<string, ToolVersion>;
}

/** How each tool tells its version (the first line holds it; some print it on stderr and exit 1). */
const TOOLS: Record<string, string[]> = {
  'mkfs.ocfs2': ['-V'], // "mkfs.ocfs2 1.8.7"
  o2cb: ['--version'], // "o2cb 1.8.7", exit 1
  iscsiadm: ['--version'], // "iscsiadm version 2.1.8"
  ssh: ['-V'], // "OpenSSH_9.2p1 Debian-2, OpenSSL 3.0.11 ..." on stderr
};

function versionIn(output: string): string | null {
  const first = output.trim().split('\n')[0] ?? '';
  const m = /(?:version\s+|\s|OpenSSH_)(\d+(?:\.\d+)+\S*)/.exec(first);
  return m?.[1] ?? null;
}

async function toolVersion(host: Host, name: string, args: string[]): Promise<ToolVersion> {
  const path = await host.which(name);
  if (!path) return { version: null, path: null };
  const r = await host.run([path, ...args], { timeoutMs: 5000 });
  return { version: versionIn(r.stdout) ?? versionIn(r.stderr), path };
}

export async function versionReport(host: Host, version: string): Promise<VersionReport> {
  const entries = await Promise.all(Object.entries(TOOLS).map(async ([name, args]) => [name, await toolVersion(host, name, args)] as const));
  return { version, node: host.nodeVersion ?? 'unknown', tools: Object.fromEntries(entries) };
}

export function renderVersion(r: VersionReport): string[] {
  const lines = [`ovs ${r.version}`, `node ${r.node}`];
  for (const [name, t] of Object.entries(r.tools)) lines.push(`${name.padEnd(11)}${t.version ?? (t.path ? 'installed, version unknown' : 'not installed')}${t.path ? `  (${t.path})` : ''}`);
  return lines;
}

/** Print the full report: as text, or (given the envelope's base) as the one --json document. */
export async function printFullVersion(host: Host, version: string, json?: EnvelopeBase): Promise<number> {
  const report = await versionReport(host, version);
  host.stdout.write(json ? jsonLine(successEnvelope(json, 0, report)) : `${renderVersion(report).join('\n')}\n`);
  return 0;
}
