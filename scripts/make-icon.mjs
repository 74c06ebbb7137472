#!/usr/bin/env node
// Renders media/icon.png (the Marketplace icon, 256x256) from media/personas.svg, the activity
// bar glyph: white strokes on the gallery banner's colour. Offline: the Debian chromium through
// playwright-core. Run it again after changing the glyph or the colour; commit the PNG.
//   node scripts/make-icon.mjs
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const background = pkg.galleryBanner?.color ?? '#1f3a5f';
const glyph = (await readFile(path.join(root, 'media', 'personas.svg'), 'utf8'))
  .replace(/width="24" height="24"/, 'width="176" height="176"')
  .replace(/stroke="currentColor"/, 'stroke="#ffffff"');
const size = 256;
const html = `<!doctype html><html><body style="margin:0;background:transparent">
<div style="width:${size}px;height:${size}px;border-radius:48px;background:${background};
display:flex;align-items:center;justify-content:center">${glyph}</div></body></html>`;

const browser = await chromium.launch({
  executablePath: process.env.AGENT_OS_TEST_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(html);
  const out = path.join(root, 'media', 'icon.png');
  await page.screenshot({ path: out, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  console.log(`wrote ${path.relative(root, out)} (${size}x${size})`);
} finally {
  await browser.close();
}
