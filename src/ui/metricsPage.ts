// The Metrics webview's HTML shell: the charts and tables are built by media/metrics.js (with
// the Chart.js copy esbuild.mjs puts in media/) from the host's messages. No `vscode` import:
// unit tests check the CSP.
import { randomBytes } from 'node:crypto';

export interface MetricsPageOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  chartUri: string;
  scriptUri: string;
  styleUri: string;
  /** A fresh one per load unless a test fixes it. */
  nonce?: string;
}

/**
 * Strict CSP, as the Standards view's: nothing loads unless named, scripts only with this load's
 * nonce (Chart.js and our page script), styles from the extension's media folder. Chart.js sizes
 * its canvas through the CSSOM (element.style), which a style-src policy does not govern, so no
 * 'unsafe-inline' is needed; images are not allowed at all (the charts are canvas drawing).
 */
export function metricsPageHtml(options: MetricsPageOptions): string {
  const nonce = options.nonce ?? randomBytes(16).toString('base64');
  const csp = `default-src 'none'; style-src ${options.cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(options.styleUri)}">
<title>Metrics</title>
</head>
<body>
<main id="app" aria-busy="true">
  <header class="toolbar">
    <h1>Persona metrics</h1>
    <div class="filters">
      <label for="range">Range</label>
      <select id="range">
        <option value="7d">Last 7 days</option>
        <option value="30d">Last 30 days</option>
        <option value="all">All history</option>
      </select>
      <label for="persona">Persona</label>
      <select id="persona"><option value="">All personas</option></select>
    </div>
  </header>
  <p id="status" class="status" role="status" aria-live="polite"></p>
  <p id="range-text" class="meta"></p>
  <section id="totals-section" aria-label="Totals" hidden><dl id="totals" class="totals"></dl></section>
  <p id="empty" class="empty" hidden></p>
  <div id="charts" class="charts"></div>
  <p id="prices" class="meta prices"></p>
</main>
<script nonce="${nonce}" src="${escapeAttribute(options.chartUri)}"></script>
<script nonce="${nonce}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
