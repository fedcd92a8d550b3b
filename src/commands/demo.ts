/**
 * `ovs demo`: the embedded default a newcomer can run anywhere, without root. The guide's
 * NFS pool set-up runs step by step against a sample server held in memory: each step is
 * first planned (`--dry-run`: the diffs, commands and service actions it would make) and
 * then applied to that in-memory server, so the next step plans on top of it. Nothing on
 * this machine is read or changed.
 */
import { defineCommand } from '../lib/command.js';

interface StepReport {
  title: string;
  command: string;
  plan: string;
  /** exit status of applying the step to the in-memory server */
  exit: number;
  error?: string;
}

interface DemoResult {
  server: string;
  steps: StepReport[];
  completed: boolean;
}

export default defineCommand({
  name: 'demo',
  summary: "Plan the guide's NFS pool set-up on an embedded sample server (in memory; changes nothing)",
  lock: false,
  define: (cmd) => cmd.addHelpText('after', '\nThe sample server lives in memory: nothing on this machine is read or changed.'),
  options: () => ({}),
  async run(ctx): Promise<DemoResult> {
    // Loaded only here: memfs and the simulated tools are not on any other path.
    const { demoServer, DEMO_STEPS, DEMO_HOSTNAME } = await import('../lib/demo/sample-server.js');
    const host = demoServer();
    const steps: StepReport[] = [];
    for (const step of DEMO_STEPS) {
      const out = host.out.length;
      await ctx.program.main(['--dry-run', '--quiet', ...step.argv], host);
      const plan = host.out.slice(out);
      const err = host.err.length;
      const exit = await ctx.program.main(['--quiet', '--yes', ...step.argv], host);
      const report: StepReport = { title: step.title, command: `ovs ${step.argv.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ')}`, plan, exit };
      const ok = exit === 0 || (exit === 1 && step.findingsExpected);
      if (!ok) report.error = host.err.slice(err).trim();
      steps.push(report);
      if (!ok) break;
    }
    return { server: `${DEMO_HOSTNAME} (in memory)`, steps, completed: steps.length === DEMO_STEPS.length && !steps.some((s) => s.error !== undefined) };
  },
  human(r) {
    const lines = [`Sample server: ${r.server}. Each step is planned with --dry-run, then applied to that server in memory.`];
    r.steps.forEach((s, i) => {
      lines.push('', `== ${i + 1}. ${s.title}`, `$ ${s.command.replace(/^ovs /, 'ovs --dry-run ')}`, s.plan.trimEnd());
      if (s.error) lines.push(`!! applying it failed (exit ${s.exit}):`, s.error);
    });
    lines.push('', r.completed ? 'Done: the pool master is set up (in memory). Nothing on this machine was changed.' : 'Stopped at the failed step. Nothing on this machine was changed.');
    return lines;
  },
  exitCode: (r) => (r.completed ? 0 : (r.steps.at(-1)?.exit ?? 1)),
});
