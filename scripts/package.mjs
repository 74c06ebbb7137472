#!/usr/bin/env node
// `npm run package`: a production build (minified, no maps), then `vsce package` into
// `agent-os-personas-<version>.vsix` at the repository root, then one line with its size.
// What goes in is package.json "files" (the same list `npm pack` uses); dependencies are
// bundled into dist/ by esbuild, hence --no-dependencies.
//   node scripts/package.mjs [--out <file.vsix>] [--no-build]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(root, `${pkg.name}-${pkg.version}.vsix`));
const started = Date.now();

const run = (what, cmd, cmdArgs) => {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`package: ${what} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
};

if (!args.includes('--no-build')) {
  run('the production build', process.execPath, [path.join(root, 'esbuild.mjs'), '--production']);
}
const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
fs.rmSync(out, { force: true });
run('vsce package', process.execPath, [vsce, 'package', '--no-dependencies', '--out', out]);

const bytes = fs.statSync(out).size;
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`${path.relative(process.cwd(), out) || out}: ${(bytes / 1024).toFixed(0)} KB (${bytes} bytes), packed in ${seconds} s`);
