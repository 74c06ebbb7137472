// The Standards webview's HTML shell. The content is built by media/standards.js from the
// host's messages; this page only loads it. No `vscode` import: unit tests check the CSP.
import { randomBytes } from 'node:crypto';

export interface StandardsPageOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** A fresh one per load unless a test fixes it. */
  nonce?: string;
}

/**
 * Strict CSP: nothing loads unless named; styles from the extension's media folder (and the
 * nonce'd link), scripts only with this load's nonce. So neither an inline `<script>` nor an
 * `onerror=` attribute that slipped past the sanitiser could run.
 */
export function standardsPageHtml(options: StandardsPageOptions): string {
  const nonce = options.nonce ?? randomBytes(16).toString('base64');
  const csp = `default-src 'none'; style-src ${options.cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(options.styleUri)}">
<title>Standards</title>
</head>
<body>
<main id="app" aria-busy="true">
  <p id="status" class="status" role="status" aria-live="polite" tabindex="-1"></p>
  <section aria-labelledby="pending-heading">
    <h2 id="pending-heading">Waiting for approval <span id="pending-count" class="count"></span></h2>
    <p id="empty" class="empty" hidden>No standard proposals are waiting. Personas and agents propose standards while they review; <strong>Personas: New Standard…</strong> starts one from the template.</p>
    <div id="proposals"></div>
  </section>
  <section id="recent-section" aria-labelledby="recent-heading" hidden>
    <h2 id="recent-heading">Recent decisions</h2>
    <ul id="recent" class="recent"></ul>
  </section>
</main>
<script nonce="${nonce}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
