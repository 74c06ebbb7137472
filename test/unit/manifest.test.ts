// The extension manifest's promises that no other test reads: what a keyboard user can reach.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './tempDir';

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { menus: Record<string, MenuItem[]> } };

describe('the extension manifest', () => {
  it('offers every inline tree action in the row\'s context menu too, under the same condition (Shift+F10 reaches it)', () => {
    const items = manifest.contributes.menus['view/item/context'] ?? [];
    const inline = items.filter((i) => i.group === 'inline');
    assert.ok(inline.length >= 3, 'cancel, retry and open are inline actions');
    for (const action of inline) {
      const inMenu = items.find((i) => i.command === action.command && i.when === action.when && i.group !== 'inline');
      assert.ok(inMenu, `${action.command} (${action.when}) is also in the context menu`);
    }
  });
});

describe('the extension manifest: commands a newcomer meets', () => {
  const palette = manifest.contributes.menus['commandPalette'] ?? [];
  it('offers "Clear Anthropic API Key" in the palette only while a key is stored', () => {
    // The context key src/ui/apiKey.ts sets from SecretStorage at start and on every change.
    assert.equal(palette.find((i) => i.command === 'agentOsPersonas.clearApiKey')?.when, 'agentOsPersonas.hasStoredApiKey');
  });
});
