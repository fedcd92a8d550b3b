// Bundle src/ into dist/ with esbuild, built aside and swapped in with renames, so a test
// running bin/ovs never sees a half-written dist/:
// - launcher.cjs: what bin/ovs runs; answers --version and --help from text written in here;
// - cli.cjs: the whole CLI as ONE CommonJS bundle, which the launcher loads through a V8
//   code cache (src/lib/machine/code-cache.ts);
// - index.js: the library (ESM), with heavy modules (ora, memfs) in chunks of their own
//   that only the code paths using them load.
// Start-up is a measured target (README, Performance; docs/design.md, start-up).
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

const out = `dist.tmp-${process.pid}`;
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  // Less source to parse at start-up; names are kept so a bug's stack trace (exit 70) stays readable.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};
const { metafile } = await build({
  ...common,
  metafile: true,
  entryPoints: { index: 'src/index.ts' },
  outdir: out,
  splitting: true,
  format: 'esm',
  chunkNames: 'chunks/[name]-[hash]',
  // commander is CommonJS: give its require() of Node built-ins a real require.
  banner: { js: "import { createRequire as __ovsRequire } from 'node:module'; const require = __ovsRequire(import.meta.url);" },
});

/**
 * Two rewrites of commander's command.js for the CLI bundle, each checked (a commander that
 * changed fails the build, never the run):
 * - it requires node:child_process at load (about 5 ms) for executable subcommands, which
 *   ovs never uses: required on first use instead;
 * - it finds an option by testing every option against every argument (a 255-node plan:
 *   6 000 tests): an index by flag, made again when the options change.
 */
const REWRITES = [
  ["const childProcess = require('node:child_process');", "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };"],
  [
    '    return this.options.find((option) => option.is(arg));',
    // The first option with that flag, as find() gives it.
    '    if (this.__ovsFlagsOf !== this.options.length) {\n' +
      '      this.__ovsFlags = new Map();\n' +
      '      for (const o of this.options) for (const f of [o.short, o.long]) if (f && !this.__ovsFlags.has(f)) this.__ovsFlags.set(f, o);\n' +
      '      this.__ovsFlagsOf = this.options.length;\n' +
      '    }\n' +
      '    return this.__ovsFlags.get(arg);',
  ],
];
const commanderRewrites = {
  name: 'commander-rewrites',
  setup(b) {
    b.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      for (const [from, to] of REWRITES) {
        if (!text.includes(from)) throw new Error(`${args.path}: commander no longer reads \`${from.trim()}\`; update scripts/build.mjs`);
        text = text.replace(from, to);
      }
      return { contents: text, loader: 'js' };
    });
  },
};
/**
 * Packages only some runs need (memfs: `ovs demo`; ora and chalk: a terminal) are bundles of
 * their own beside cli.cjs, required on first use: every run reads, and the code cache
 * holds, only the CLI itself.
 */
// Each as the CLI's code imports it (esbuild gives a CommonJS module to an importer in
// Node's way: module.exports is the default export): memfs and chalk by name, ora's default.
const ASIDE = { memfs: "require('memfs')", ora: "require('ora').default", chalk: "require('chalk')" };
const aside = {
  name: 'packages-aside',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${Object.keys(ASIDE).join('|')})$`) }, (args) => ({ path: `./${args.path}.cjs`, external: true }));
  },
};
for (const [name, expr] of Object.entries(ASIDE)) {
  await build({ ...common, stdin: { contents: `module.exports = ${expr};`, resolveDir: '.' }, outfile: `${out}/${name}.cjs`, format: 'cjs' });
}
await build({
  ...common,
  entryPoints: ['src/bin.ts'],
  outfile: `${out}/cli.cjs`,
  format: 'cjs',
  plugins: [commanderRewrites, aside],
  // vm.Script has no loader for import(): dynamic imports of Node's modules become require().
  supported: { 'dynamic-import': false },
  // Written as the function expression the launcher compiles (WRAP_HEAD and WRAP_TAIL of
  // src/lib/machine/code-cache.ts; a test checks they match), so it need not copy the source
  // into a wrapped string; then import.meta.url (contrib/ is found from it) in CommonJS
  // terms, computed on first use: pathToFileURL at load cost about 0.5 ms of every run.
  banner: { js: "(function (exports, require, module, __filename, __dirname) {var __ovsImportMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
  footer: { js: '})' },
  define: { 'import.meta': '__ovsImportMeta' },
});
// vm.Script has no loader for import(): every dynamic import must have become a require().
if (/\bimport\(/.test(readFileSync(`${out}/cli.cjs`, 'utf8'))) throw new Error('dist/cli.cjs still holds an import(): the launcher could not run it');

// The top-level help, exactly as the parser prints it, for the launcher's fast `ovs --help`.
const lib = await import(new URL(`../${out}/index.js`, import.meta.url).href);
let help = '';
const capture = { write: (t) => (help += t), isTTY: false };
const exit = await lib.main(['--help'], { ...lib.realHost(), stdout: capture, stderr: capture });
if (exit !== 0) throw new Error(`ovs --help exited ${exit} during the build`);
await build({
  ...common,
  entryPoints: ['src/launcher.ts'],
  outfile: `${out}/launcher.cjs`,
  format: 'cjs',
  define: { OVS_BUILD_VERSION: JSON.stringify(lib.VERSION), OVS_BUILD_HELP: JSON.stringify(help), OVS_BUILD_COMMANDS: JSON.stringify(lib.COMMAND_NAMES) },
});

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
