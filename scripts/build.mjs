// Bundle src/ into dist/ with esbuild: one ESM bundle per entry (bin.js for the executable,
// index.js for the library), shared code in chunks, and heavy modules (execa, ora, memfs)
// in chunks of their own that only the code paths using them load. Built aside and swapped
// in with renames, so a test running bin/ovs never sees a half-written dist/.
import { build } from 'esbuild';
import { renameSync, rmSync, writeFileSync } from 'node:fs';

const out = `dist.tmp-${process.pid}`;
await build({
  entryPoints: { bin: 'src/bin.ts', index: 'src/index.ts' },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  // Less source to parse at start-up (SPEC §5 start-up targets); names are kept so a bug's
  // stack trace (exit 70) stays readable.
  minifyWhitespace: true,
  minifySyntax: true,
  chunkNames: 'chunks/[name]-[hash]',
  // commander is CommonJS: give its require() of Node built-ins a real require.
  banner: { js: "import { createRequire as __ovsRequire } from 'node:module'; const require = __ovsRequire(import.meta.url);" },
  logLevel: 'warning',
});
// The top-level help, exactly as the parser prints it, for bin.js's fast `ovs --help`.
const { main } = await import(new URL(`../${out}/index.js`, import.meta.url).href);
let help = '';
const capture = { write: (t) => (help += t), isTTY: false };
const exit = await main(['--help'], { ...(await import(new URL(`../${out}/index.js`, import.meta.url).href)).realHost(), stdout: capture, stderr: capture });
if (exit !== 0) throw new Error(`ovs --help exited ${exit} during the build`);
writeFileSync(`${out}/help.txt`, help);

const old = `dist.old-${process.pid}`;
try {
  renameSync('dist', old);
} catch {
  /* first build */
}
renameSync(out, 'dist');
rmSync(old, { recursive: true, force: true });
