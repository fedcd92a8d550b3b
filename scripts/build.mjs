// Bundle src/ into dist/ with esbuild: one ESM bundle per entry (bin.js for the executable,
// index.js for the library), shared code in chunks, and heavy modules (execa, ora, memfs)
// in chunks of their own that only the code paths using them load. Built aside and swapped
// in with renames, so a test running bin/ovs never sees a half-written dist/.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

const out = `dist.tmp-${process.pid}`;
const { metafile } = await build({
  metafile: true,
  entryPoints: { bin: 'src/bin.ts', index: 'src/index.ts' },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  // Less source to parse at start-up (README, performance start-up targets); names are kept so a bug's
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

// The licences of every package bundled into dist/ (read from esbuild's list of inputs):
// each one's licence file in dist/licenses/<package>/, and one THIRD-PARTY.txt naming them,
// so the tarball carries the notices the MIT and ISC licences ask for.
function bundledPackages(inputs) {
  const names = new Set();
  for (const path of Object.keys(inputs)) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}
const notices = [];
for (const name of bundledPackages(metafile.inputs)) {
  const dir = `node_modules/${name}`;
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  mkdirSync(`${out}/licenses/${name}`, { recursive: true });
  const files = readdirSync(dir);
  // Apache-2.0 asks that a NOTICE file travels with the code.
  for (const notice of files.filter((f) => /^notice/i.test(f))) copyFileSync(`${dir}/${notice}`, `${out}/licenses/${name}/${notice}`);
  const file = files.find((f) => /^licen[cs]e/i.test(f));
  if (file) {
    copyFileSync(`${dir}/${file}`, `${out}/licenses/${name}/${file}`);
    notices.push(`${name} ${pkg.version} (${pkg.license}): licenses/${name}/${file}`);
    continue;
  }
  // A package that ships no licence file (glob-to-regex.js, Apache-2.0): the licence's
  // standard text, from the system's copy (Debian: /usr/share/common-licenses).
  const text = `/usr/share/common-licenses/${pkg.license}`;
  if (!existsSync(text)) throw new Error(`${name} is bundled, ships no licence file, and ${text} is missing`);
  copyFileSync(text, `${out}/licenses/${name}/LICENSE`);
  notices.push(`${name} ${pkg.version} (${pkg.license}, standard text; the package ships no licence file): licenses/${name}/LICENSE`);
}
writeFileSync(`${out}/THIRD-PARTY.txt`, `Packages bundled into this directory, with their licences:\n\n${notices.join('\n')}\n`);

const old = `dist.old-${process.pid}`;
try {
  renameSync('dist', old);
} catch {
  /* first build */
}
renameSync(out, 'dist');
rmSync(old, { recursive: true, force: true });
