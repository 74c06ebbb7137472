// The Metrics webview's markup: the charts and tables are built by media/metrics.js (with the
// Chart.js copy esbuild.mjs puts in media/) from the host's messages; the shell and its CSP are
// webviewPage.ts's (no image source at all: the charts are canvas drawing).
import { webviewPageHtml } from './webviewPage';

export interface MetricsPageOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  chartUri: string;
  scriptUri: string;
  styleUri: string;
  /** A fresh one per load unless a test fixes it. */
  nonce?: string;
}

export function metricsPageHtml(options: MetricsPageOptions): string {
  return webviewPageHtml({ title: 'Metrics', cspSource: options.cspSource, styleUri: options.styleUri, scriptUris: [options.chartUri, options.scriptUri], body: BODY, nonce: options.nonce });
}

const BODY = `<main id="app" aria-busy="true">
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
</main>`;
