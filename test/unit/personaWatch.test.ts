// Live reload outside VS Code: the debouncer on an injected clock, and PersonaRegistry.watch()
// on real node:fs.watch events. Waits are on the registry's change event, with a deadline.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Debouncer, type Timers } from '../../src/core/debouncer';
import type { Disposable } from '../../src/core/disposable';
import { PersonaRegistry, type PersonaRegistryChange } from '../../src/personas/personaRegistry';
import { personaSources } from '../../src/personas/personaSources';
import { withTimeout } from '../harness/waitFor';
import { useTempDir } from './tempDir';

/** Timers the test fires by hand. */
function manualTimers(): Timers & { fire(): void; readonly pending: number } {
  const timers = new Map<number, () => void>();
  let next = 0;
  return {
    setTimer: (fn) => {
      timers.set(++next, fn);
      return next;
    },
    clearTimer: (handle) => void timers.delete(handle as number),
    fire: () => {
      const due = [...timers.values()];
      timers.clear();
      for (const fn of due) fn();
    },
    get pending() {
      return timers.size;
    },
  };
}

const persona = (name: string, description: string): string => `---\nname: ${name}\ndescription: ${description}\n---\nYou are ${name}.\n`;

describe('persona live reload', function () {
  this.timeout(20_000);
  const tmp = useTempDir();
  const open: Disposable[] = [];
  afterEach(async () => {
    for (const d of open.splice(0)) await d.dispose();
  });

  it('the debouncer runs once for a burst of triggers', () => {
    const timers = manualTimers();
    let runs = 0;
    const debouncer = new Debouncer(100, () => runs++, timers);
    debouncer.trigger();
    debouncer.trigger();
    debouncer.trigger();
    assert.equal(timers.pending, 1, 'one timer for the burst');
    assert.equal(runs, 0);
    timers.fire();
    assert.equal(runs, 1);
    debouncer.trigger();
    debouncer.dispose();
    timers.fire();
    assert.equal(runs, 1, 'nothing runs after dispose');
  });

  it('watch() reloads on add, change and delete, including a folder created after it started', async () => {
    const ws = join(tmp.path, 'ws');
    mkdirSync(ws);
    const registry = new PersonaRegistry(personaSources(join(tmp.path, 'none'), ws));
    open.push(registry);
    registry.watch({ debounceMs: 20 });
    const next = (what: string, test: (c: PersonaRegistryChange) => boolean): Promise<PersonaRegistryChange> =>
      withTimeout(
        new Promise<PersonaRegistryChange>((resolve) => {
          const off = registry.onDidChange((c) => {
            if (!test(c)) return;
            off();
            resolve(c);
          });
        }),
        5000,
        `no registry change: ${what}`,
      );

    // .claude/agents does not exist yet: the watcher follows the workspace folder until it does.
    const dir = join(ws, '.claude', 'agents');
    const file = join(dir, 'reviewer-x.md');
    let change = next('add', (c) => c.added.includes('reviewer-x'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, persona('reviewer-x', 'first'));
    await change;
    assert.equal(registry.require('reviewer-x').format, 'claude');

    change = next('change', (c) => c.changed.includes('reviewer-x'));
    writeFileSync(file, persona('reviewer-x', 'second'));
    await change;
    assert.equal(registry.require('reviewer-x').description, 'second');

    change = next('broken', (c) => c.problems.length === 1);
    writeFileSync(file, '---\nname: reviewer-x\ndescription: d\ntools: [\n---\nx\n');
    const broken = await change;
    assert.equal(broken.problems[0]?.file, file);
    assert.ok((broken.problems[0]?.line ?? 0) >= 4, `line ${broken.problems[0]?.line} is in the front matter`);

    change = next('delete', (c) => c.problems.length === 0 && !c.personas.some((p) => p.id === 'reviewer-x'));
    rmSync(file);
    await change;

    change = next('folder removed and re-created', (c) => c.added.includes('again'));
    rmSync(join(ws, '.claude'), { recursive: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'again.md'), persona('again', 'back'));
    await change;

    change = next('a file in the re-created folder', (c) => c.added.includes('later'));
    writeFileSync(join(dir, 'later.md'), persona('later', 'seen by the new watch'));
    await change;
  });
});
