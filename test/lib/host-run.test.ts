/** realHost().run: the one place programs are started, checked against real programs. */
import { describe, expect, it } from 'vitest';
import { realHost } from '../../src/lib/real-host.js';

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

describe('streaming a program line by line (hb-latency stops ioping early)', () => {
  it('hands over each stdout line as it comes; "stop" ends the run at once with the output so far', async () => {
    const seen: string[] = [];
    // The first line, then a program that would run for 30 s: the run must not wait for it.
    const r = await host.run(['bash', '-c', 'echo first; echo second; exec sleep 30'], {
      onLine: (line) => {
        seen.push(line);
        return line === 'second' ? 'stop' : undefined;
      },
    });
    expect(seen).toEqual(['first', 'second']);
    expect(r).toMatchObject({ exitCode: 143, stopped: 'caller', stdout: 'first\nsecond\n' });
  });

  it('ends a program that prints nothing for silenceMs', async () => {
    const r = await host.run(['bash', '-c', 'echo started; exec sleep 30'], { silenceMs: 300 });
    expect(r).toMatchObject({ exitCode: 143, stopped: 'silence', stdout: 'started\n' });
  });

  it('a program that keeps talking and ends is not stopped', async () => {
    const r = await host.run(['printf', 'a\\nb\\n'], { onLine: () => undefined, silenceMs: 5000 });
    expect(r).toEqual({ exitCode: 0, stdout: 'a\nb\n', stderr: '', timedOut: false });
  });
});

describe('trying a TCP connection (the o2net check)', () => {
  it('an open port answers "open"; the same port closed answers "refused"', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    expect(await host.connect('127.0.0.1', port, 2000)).toBe('open');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await host.connect('127.0.0.1', port, 2000)).toBe('refused');
  });
});
