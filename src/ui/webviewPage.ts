// The one HTML shell of our webviews (Standards, Metrics): the Content-Security-Policy lives
// here alone, so a view cannot be added with a weaker one. No `vscode` import: unit tests check it.
import { randomBytes } from 'node:crypto';

export interface WebviewPageOptions {
  title: string;
  /** `webview.cspSource`. */
  cspSource: string;
  styleUri: string;
  /** Loaded in order, each with this load's nonce. */
  scriptUris: string[];
  /** The page's markup inside <body>, written by us (never model text: that is set through textContent by the page script). */
  body: string;
  /** A fresh one per load unless a test fixes it. */
  nonce?: string;
}

/**
 * Strict CSP: nothing loads unless named; styles from the extension's media folder (and the
 * nonce'd link), scripts only with this load's nonce. So neither an inline `<script>` nor an
 * `onerror=` attribute that slipped past a sanitiser could run. Canvas drawing (Chart.js) sizes
 * elements through the CSSOM, which style-src does not govern: no 'unsafe-inline' anywhere.
 */
export function webviewPageHtml(options: WebviewPageOptions): string {
  const nonce = options.nonce ?? randomBytes(16).toString('base64');
  const csp = `default-src 'none'; style-src ${options.cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  const scripts = options.scriptUris.map((uri) => `<script nonce="${nonce}" src="${escapeAttribute(uri)}"></script>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(options.styleUri)}">
<title>${escapeAttribute(options.title)}</title>
</head>
<body>
${options.body}
${scripts}
</body>
</html>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
