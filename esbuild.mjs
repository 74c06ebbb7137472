// Bundles the extension host entry, the worker, the CLI and the tracing SDK as CommonJS for Node.
// `vscode` stays external (the host provides it); type checking is `tsc`, not esbuild.
import * as esbuild from 'esbuild';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
  // Migrations are .sql files bundled as strings.
  loader: { '.sql': 'text' },
};

/**
 * zod re-exports all of its ~40 message locales (`z.locales`, about a third of its code) and
 * uses English unless told otherwise; nothing here sets another. Each bundle keeps `en` only:
 * less code to parse, less heap in every worker and in the host.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: args.importer.replace(/[\\/](classic|core|mini)[\\/][^\\/]+$/, '/locales/en.js'), namespace: 'zod-english-only' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: process.cwd(),
    }));
  },
};
common.plugins = [zodEnglishOnly];

await mkdir('dist', { recursive: true });
if (production) {
  // A production build writes no maps; maps left by a development build would describe other code.
  for (const file of await readdir('dist')) {
    if (file.endsWith('.map')) await rm(`dist/${file}`);
  }
}
await Promise.all([
  esbuild.build({ ...common, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' }),
  esbuild.build({ ...common, entryPoints: { worker: 'src/personas/personaWorker.ts' }, outdir: 'dist' }),
  esbuild.build({ ...common, entryPoints: { compactor: 'src/jobs/compactWorker.ts' }, outdir: 'dist' }),
  // The OpenTelemetry SDK in a bundle of its own: required (src/telemetry/loadTracing.ts) only
  // when tracing is on, so the other bundles never carry or load it.
  esbuild.build({ ...common, entryPoints: { telemetry: 'src/telemetry/otelTracing.ts' }, outdir: 'dist' }),
  esbuild.build({
    ...common,
    entryPoints: { cli: 'src/cli.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  }),
]);
// sql.js loads its WebAssembly from next to the bundle (see src/jobs/sqlite.ts).
await copyFile(require.resolve('sql.js/dist/sql-wasm.wasm'), 'dist/sql-wasm.wasm');
// The Metrics view's chart library (Chart.js, MIT; its licence header is in the file) ships in
// media/ beside the page script: the webview loads nothing from the network.
// (Its package exports map hides dist/ subpaths; the UMD build sits beside the main entry.)
await copyFile(require.resolve('chart.js').replace(/chart\.cjs$/, 'chart.umd.min.js'), 'media/chart.umd.min.js');
// The persona guide ships beside the bundles; the extension and the CLI install it into a workspace's .agent-os/.
await copyFile('docs/persona-guide.md', 'dist/persona-guide.md');
// The unbundled build in out/ (unit tests run on it) needs the .sql files beside the compiled migrations.
const migrationFolders = (await readdir('src', { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => `src/${d.name}/migrations`);
for (const folder of migrationFolders) {
  const files = await readdir(folder).catch(() => []);
  for (const file of files) {
    if (!file.endsWith('.sql')) continue;
    await mkdir(`out/${folder}`, { recursive: true });
    await copyFile(`${folder}/${file}`, `out/${folder}/${file}`);
  }
}
