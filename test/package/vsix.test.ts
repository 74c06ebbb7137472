// The .vsix holds what runs and nothing else: no sources, tests or benchmarks, and every file
// the manifest points at (entry, worker bundles, wasm, personas, workflows, icons, walkthrough media).
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../harness/codeServer';
import { builtVsix, zipEntryNames } from '../harness/vsix';

/** Folders of the repository that must never ship. */
const NEVER_SHIPPED = ['src/', 'test/', 'bench/', 'out/', 'scripts/', 'sample-workspace/', 'node_modules/', 'docs/', 'test-output/', '.ci/'];

interface Manifest {
  main: string;
  icon: string;
  contributes: {
    viewsContainers: { activitybar: { icon: string }[] };
    walkthroughs: { steps: { media: { markdown?: string; image?: string; svg?: string } }[] }[];
  };
}

describe('the .vsix', function () {
  this.timeout(180_000);
  let entries: string[] = [];
  let files: string[] = []; // the extension's own files, relative to its folder

  before(async () => {
    entries = zipEntryNames(await builtVsix());
    files = entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
  });

  it(`lists no file under ${NEVER_SHIPPED.join(', ')} and no source map or TypeScript source`, () => {
    assert.ok(files.length > 10, `the .vsix lists only ${files.length} extension files`);
    const leaked = files.filter((f) => NEVER_SHIPPED.some((dir) => f.startsWith(dir)) || f.endsWith('.map') || (f.endsWith('.ts') && !f.endsWith('.d.ts')));
    assert.deepEqual(leaked, [], 'files that do not run were packed');
  });

  it('holds the bundles, the sql.js wasm, every shipped persona and workflow, and the media', () => {
    const expected = [
      'package.json',
      'dist/extension.js',
      'dist/cli.js',
      'dist/worker.js',
      'dist/compactor.js',
      'dist/sql-wasm.wasm',
      ...readdirSync(join(repoRoot, 'personas')).map((f) => `personas/${f}`),
      ...readdirSync(join(repoRoot, 'workflows')).map((f) => `workflows/${f}`),
      ...readdirSync(join(repoRoot, 'media'), { recursive: true, encoding: 'utf8' })
        .filter((f) => /\.\w+$/.test(f))
        .map((f) => `media/${f.replace(/\\/g, '/')}`),
    ];
    const missing = expected.filter((f) => !files.includes(f));
    assert.deepEqual(missing, [], 'files the extension needs at run time are missing from the .vsix');
  });

  it('holds every file the packed manifest points at', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
    const referenced = [
      manifest.main,
      manifest.icon,
      ...manifest.contributes.viewsContainers.activitybar.map((c) => c.icon),
      ...manifest.contributes.walkthroughs.flatMap((w) => w.steps.map((s) => s.media.markdown ?? s.media.image ?? s.media.svg ?? '')),
    ].map((p) => p.replace(/^\.\//, ''));
    assert.ok(referenced.length >= 8, 'the manifest names its entry, icons and walkthrough media');
    const missing = referenced.filter((p) => !files.includes(p));
    assert.deepEqual(missing, [], 'the manifest points at files the .vsix lacks');
  });
});
