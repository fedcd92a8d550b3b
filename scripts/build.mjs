// Bundle src/ into dist/ with esbuild: one ESM bundle per entry (bin.js for the executable,
// index.js for the library), shared code in chunks, and heavy modules (execa, ora, memfs)
// in chunks of their own that only the code paths using them load.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { bin: 'src/bin.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  // commander is CommonJS: give its require() of Node built-ins a real require.
  banner: { js: "import { createRequire as __ovsRequire } from 'node:module'; const require = __ovsRequire(import.meta.url);" },
  logLevel: 'warning',
});
