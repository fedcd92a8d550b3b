/** realHost().run: the one place programs are started, checked against real programs. */
import { describe, expect, it } from 'vitest';
import { realHost } from '../../src/lib/host.js';

const host = realHost();

describe('running a program from its argument vector', () => {
  it('passes stdin and returns stdout and the exit status', async () => {
    expect(await host.run(['cat'], { input: 'bundle\n' })).toMatchObject({ exitCode: 0, stdout: 'bundle\n', stderr: '' });
    expect((await host.run(['false'])).exitCode).toBe(1);
  });

  it('never goes through a shell: metacharacters reach the program as they are', async () => {
    const r = await host.run(['printf', '%s|', '$(id)', '; rm -rf /', '`x`']);
    expect(r.stdout).toBe('$(id)|; rm -rf /|`x`|');
  });

  it('reports a missing program as exit 127 with notFound', async () => {
    expect(await host.run(['no-such-program-ovs'])).toMatchObject({ exitCode: 127, notFound: true, stderr: 'no-such-program-ovs: command not found\n' });
  });

  it('reports a program that cannot be executed as exit 126 with the reason', async () => {
    expect(await host.run(['/etc'])).toMatchObject({ exitCode: 126, stderr: '/etc: Permission denied\n' });
  });

  it('starts each program with a parent-death signal, so it cannot outlive a killed ovs', async () => {
    const r = await host.run(['grep', '-E', '^PPid|^Name', '/proc/self/status']);
    expect(r.stdout).toMatch(/^Name:\tgrep\n/); // setpriv execs the program itself: same process, no wrapper left
    expect(r.stdout).toContain(`PPid:\t${process.pid}\n`);
    const dump = await host.run(['setpriv', '--dump']); // setpriv itself started through setpriv: shows the setting
    expect(dump.stdout).toMatch(/^Parent death signal: KILL$/m);
  });

  it('stops a program at its timeout (SIGTERM: exit 143) and says so', async () => {
    const t0 = Date.now();
    const r = await host.run(['sleep', '10'], { timeoutMs: 200 });
    expect(r).toMatchObject({ exitCode: 143, timedOut: true });
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('finds the sbin tools even when PATH lacks the sbin directories (kickstart, cron)', async () => {
    const r = await host.run(['losetup', '--version'], { env: { PATH: '/usr/bin:/bin' } }); // /usr/sbin/losetup
    expect([r.notFound, r.exitCode]).toEqual([undefined, 0]);
  });

  it('survives a program that exits without reading a large input', async () => {
    const r = await host.run(['true'], { input: 'x'.repeat(4 * 1024 * 1024) });
    expect(r.exitCode).toBe(0);
  });
});
