/** The README's library example, as written there: it must keep working. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main, memoryHost } from '../../src/index.js';

describe('README library example', () => {
  it('runs as documented', async () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain("const exit = await main(['cluster-configure', '--node', 'ovs1.example.com', '--node', 'ovs2.example.com'], host);");
    const host = memoryHost({
      hostname: 'ovs1.example.com',
      files: {
        '/etc/hosts': '127.0.0.1 localhost\n192.168.1.11 ovs1.example.com ovs1\n192.168.1.12 ovs2.example.com ovs2\n',
        '/etc/sysconfig': null,
      },
      services: { o2cb: {} },
      expect: [],
    });
    const exit = await main(['cluster-configure', '--node', 'ovs1.example.com', '--node', 'ovs2.example.com'], host);
    expect(exit, host.err).toBe(0);
    expect(host.readText('/etc/ocfs2/cluster.conf')).toContain('ip_address = 192.168.1.12');
    expect(host.serviceLog[0]).toBe('start o2cb');
    expect(host.unusedExpectations()).toEqual([]);
  });
});
