import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gte, minVersion, satisfies, subset, valid, validRange } from 'semver';
import { REPO_ROOT } from './tempDir';

interface Manifest {
  engines: { node: string; vscode: string };
  devDependencies: Record<string, string>;
}
interface LockEntry {
  version?: string;
  dev?: boolean;
  engines?: Record<string, string> | string[];
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

/** `node_modules/a/node_modules/@b/c` → `@b/c`. */
const nameOf = (path: string): string => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

/**
 * What runs for our users: every package of the lock that is not dev-only (esbuild bundles them
 * into dist/, and npm installs them with the CLI). Older packages wrote engines as an array of
 * strings, which npm ignores; so does this.
 */
function shippedEngines(): { name: string; path: string; node: string }[] {
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.dev !== true)
    .flatMap(([path, entry]) => {
      const node = !Array.isArray(entry.engines) ? entry.engines?.['node'] : undefined;
      return typeof node === 'string' ? [{ name: nameOf(path), path, node }] : [];
    });
}

describe('engines: what package.json declares is true for everything it ships', () => {
  it('engines.node is a valid range whose floor is a Node that is not end of life (22.12 or later)', () => {
    assert.ok(validRange(manifest.engines.node), manifest.engines.node);
    assert.ok(gte(minVersion(manifest.engines.node)!.version, '22.12.0'), `engines.node ${manifest.engines.node}`);
    assert.deepEqual(lock.packages['']?.engines, manifest.engines, 'the lock\'s root entry says the same (run npm install after editing engines)');
  });

  it('every shipped dependency in package-lock.json accepts every Node our engines.node allows', () => {
    const shipped = shippedEngines();
    assert.ok(shipped.length > 20, `the lock lists the runtime dependencies (${shipped.length} with engines.node)`);
    assert.ok(shipped.some((p) => p.name === 'sanitize-html'), 'sanitize-html, the one that needs 22.12, is among them');
    const mismatches = shipped.filter((p) => !subset(manifest.engines.node, p.node)).map((p) => `${p.name} (${p.path}) needs node ${p.node}`);
    assert.deepEqual(mismatches, [], `engines.node is "${manifest.engines.node}", but:\n${mismatches.join('\n')}\nRaise engines.node (and say so in the README) or pin the package to a version that supports it.`);
  });

  it('the check names the package when a range does not fit (the old floor, >=20.19, against sanitize-html)', () => {
    const refused = shippedEngines().filter((p) => !subset('>=20.19', p.node)).map((p) => p.name);
    assert.ok(refused.includes('sanitize-html'), refused.join(', '));
  });

  it('engines.vscode is no older than @types/vscode (vsce refuses types newer than the engine)', () => {
    const types = lock.packages['node_modules/@types/vscode']?.version;
    assert.ok(types && valid(types), `@types/vscode in the lock: ${String(types)}`);
    const floor = minVersion(manifest.engines.vscode)!.version;
    assert.ok(gte(floor, types), `engines.vscode ${manifest.engines.vscode} allows ${floor}, older than @types/vscode ${types}: the extension could call APIs that VS Code lacks`);
    assert.ok(satisfies(types, manifest.devDependencies['@types/vscode']!), 'the lock holds the version package.json asks for');
  });
});
