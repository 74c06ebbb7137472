// What a Marketplace listing and the getting-started walkthrough need from package.json, read
// without VS Code: the listing's fields, and a walkthrough whose every button runs a command
// that exists and whose every step can complete.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './tempDir';

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string; svg?: string; altText?: string };
  completionEvents?: string[];
}

interface Manifest {
  name: string;
  publisher: string;
  private?: boolean;
  icon?: string;
  repository?: { url?: string };
  galleryBanner?: { color?: string; theme?: string };
  categories?: string[];
  keywords?: string[];
  files?: string[];
  bin?: Record<string, string>;
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    walkthroughs?: { id: string; title: string; steps: Step[] }[];
  };
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const commands = new Set(manifest.contributes.commands.map((c) => c.command));
const views = new Set(Object.values(manifest.contributes.views).flat().map((v) => v.id));
/** Built-in commands a walkthrough button may run. */
const BUILT_IN = new Set(['workbench.action.openSettings']);

/** Every `command:` link of a description: the command id and its decoded arguments. */
function commandLinks(description: string): { id: string; args: unknown }[] {
  return [...description.matchAll(/\]\(command:([\w.-]+)(?:\?([^)\s]+))?\)/g)].map((m) => ({
    id: m[1] ?? '',
    args: m[2] === undefined ? undefined : (JSON.parse(decodeURIComponent(m[2])) as unknown),
  }));
}

function isKnownCommand(id: string): boolean {
  return commands.has(id) || BUILT_IN.has(id) || (id.endsWith('.focus') && views.has(id.slice(0, -'.focus'.length)));
}

describe('the Marketplace listing fields', () => {
  it('name the publisher, the repository, a square PNG icon of 128 or 256 px, a banner, categories and keywords', () => {
    assert.equal(`${manifest.publisher}.${manifest.name}`, 'agent-os.agent-os-personas');
    assert.equal(manifest.repository?.url, 'https://github.com/agent-os/agent-os-personas');
    assert.ok(manifest.icon?.endsWith('.png'), 'the icon is a PNG (the Marketplace refuses SVG icons)');
    const png = readFileSync(join(REPO_ROOT, manifest.icon ?? ''));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    assert.ok(width === height && (width === 128 || width === 256), `icon is ${width}x${height}`);
    assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner?.theme ?? ''), 'galleryBanner.theme is dark or light');
    assert.ok(manifest.categories?.includes('AI') && manifest.categories.includes('Chat'), 'listed under AI and Chat');
    assert.ok((manifest.keywords?.length ?? 0) >= 3 && (manifest.keywords?.length ?? 0) <= 30, 'vsce allows at most 30 keywords');
  });

  it('ship through one "files" list that holds the CLI bin', () => {
    assert.equal(manifest.private, undefined, 'the CLI is installable from npm');
    assert.ok(existsSync(join(REPO_ROOT, '.vscodeignore')) === false, 'vsce refuses a .vscodeignore next to "files"');
    for (const folder of ['dist/**', 'personas/**', 'workflows/**', 'media/**']) {
      assert.ok(manifest.files?.includes(folder), `"files" lists ${folder}`);
    }
    assert.match(manifest.bin?.['agent-os-personas'] ?? '', /^\.\/dist\//);
  });
});

describe('the getting-started walkthrough', () => {
  const walkthroughs = manifest.contributes.walkthroughs ?? [];
  const steps = walkthroughs[0]?.steps ?? [];

  it('is one walkthrough of five steps: ask, watch, approve, connect, choose the model', () => {
    assert.equal(walkthroughs.length, 1);
    assert.equal(walkthroughs[0]?.id, 'agentOsPersonas.gettingStarted');
    assert.deepEqual(steps.map((s) => s.id), ['ask', 'watch', 'approve', 'connect', 'model']);
  });

  it('runs only commands that exist from its buttons, and each step completes on one of its own buttons', () => {
    assert.ok(steps.length > 0, 'the walkthrough has steps');
    for (const step of steps) {
      const links = commandLinks(step.description);
      assert.ok(links.length > 0, `step ${step.id} has a button`);
      for (const link of links) assert.ok(isKnownCommand(link.id), `step ${step.id} links the unknown command ${link.id}`);
      const events = step.completionEvents ?? [];
      assert.ok(events.length > 0, `step ${step.id} can complete`);
      for (const event of events) {
        const [kind, target = ''] = event.split(/:(.*)/);
        if (kind === 'onCommand') assert.ok(isKnownCommand(target), `step ${step.id} completes on the unknown command ${target}`);
        else if (kind === 'onView') assert.ok(views.has(target), `step ${step.id} completes on the unknown view ${target}`);
        else assert.fail(`step ${step.id}: unexpected completion event ${event}`);
      }
      const completesOnAButton = events.some((e) => links.some((l) => e === `onCommand:${l.id}` || e === `onView:${l.id.replace(/\.focus$/, '')}`));
      assert.ok(completesOnAButton, `clicking a button of step ${step.id} completes it`);
    }
  });

  it('asks a persona that ships, with a task and the file dialog, and shows markdown media that exists', () => {
    const ask = commandLinks(steps[0]?.description ?? '').find((l) => l.id === 'agentOsPersonas.askPersona');
    const [args] = (ask?.args ?? []) as { persona?: string; task?: string; contextSource?: string; interactive?: boolean }[];
    assert.ok(args?.persona && existsSync(join(REPO_ROOT, 'personas', `${args.persona}.md`)), 'the first step names a shipped persona');
    assert.ok((args.task ?? '').trim().length > 0, 'the first step gives the task');
    assert.equal(args.contextSource, 'files', 'the person picks the file to review');
    assert.equal(args.interactive, true, 'the progress notification shows and the result opens, as from the palette');
    for (const step of steps) {
      const file = step.media.markdown;
      assert.ok(file && existsSync(join(REPO_ROOT, file)), `step ${step.id} media ${file ?? '(none)'} exists`);
    }
  });
});
