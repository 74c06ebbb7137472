// A job's result as a person sees it: the built-in markdown preview of its document, in a
// webview two iframes down from the workbench (VSCODE-TESTING.md, section B).
import type { Frame, Page } from 'playwright-core';
import { waitFor } from './waitFor';

/** The preview's tab: "Preview <persona>-<id>.md". */
export function previewTab(page: Page, persona: string): ReturnType<Page['locator']> {
  return page.locator('.tabs-container .tab', { hasText: new RegExp(`Preview ${persona}-[0-9a-f]{8}\\.md`) }).first();
}

/** Waits for a result's preview tab and for the rendered page to hold `text`; returns the page's frame. */
export async function resultPreview(page: Page, persona: string, text: string, timeoutMs = 30_000): Promise<Frame> {
  await previewTab(page, persona).waitFor({ state: 'visible', timeout: timeoutMs });
  return waitFor(async () => {
    for (const frame of page.frames()) {
      if (!frame.parentFrame()) continue;
      if ((await frame.locator('.markdown-body', { hasText: text }).count().catch(() => 0)) > 0) return frame;
    }
    return undefined;
  }, { timeoutMs, message: `no markdown preview shows "${text}"` });
}
