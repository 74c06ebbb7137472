// A proposal's markdown as HTML the Standards webview can show: rendered by markdown-it, then
// sanitised by sanitize-html against an allow-list. Proposals come from models and outside
// agents, so the HTML is hostile until sanitised. markdown-it runs with `html: true` so a
// standard that uses inline HTML (`<kbd>`, `<details>`) previews as it will read on a forge;
// that makes the sanitiser the one gate, and the webview's CSP (no inline script or handler)
// the second. No `vscode` import: unit tests run it in plain Node.
import MarkdownIt from 'markdown-it';
import type sanitizeHtml from 'sanitize-html';
import { stripFrontMatter } from '../standards/standardFile';
import { missingSections } from '../standards/template';

const markdown = new MarkdownIt({ html: true, linkify: true, typographer: false });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'em', 'strong', 'del', 's', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'details', 'summary', 'kbd', 'sup', 'sub'],
  allowedAttributes: { a: ['href', 'title', 'rel'], code: ['class'], th: ['style'], td: ['style'], ol: ['start'] },
  allowedClasses: { code: ['language-*'] },
  // markdown-it aligns table cells with `style="text-align:…"`; nothing else may be styled.
  allowedStyles: { '*': { 'text-align': [/^(left|right|center)$/] } },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // <script>, <style>, <textarea>, … go with their text; other unknown tags keep their text.
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer' } }),
  },
};

/** Sanitised HTML for a standard's markdown body (a leading front-matter block is not shown). */
export function renderStandardHtml(body: string): string {
  return sanitizeStandardHtml(markdown.render(stripFrontMatter(body).body));
}

let sanitizer: typeof sanitizeHtml | undefined;

/** The allow-list sanitiser on its own, for tests that feed it HTML directly. */
export function sanitizeStandardHtml(html: string): string {
  // Loaded on the first rendering, not with the extension: it and postcss cost ~20 ms to load,
  // which every window would pay at activation for a view it may never open.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sanitizer ??= require('sanitize-html') as typeof sanitizeHtml;
  return sanitizer(html, SANITIZE);
}

/** What the webview shows for a body: its HTML, the template sections it lacks, and whether it carries front matter. */
export function previewOf(body: string): { html: string; missing: string[]; hasFrontMatter: boolean } {
  const { body: text, dropped } = stripFrontMatter(body);
  return { html: renderStandardHtml(text), missing: missingSections(text), hasFrontMatter: dropped };
}
