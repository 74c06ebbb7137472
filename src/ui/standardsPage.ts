// The Standards webview's markup. The content is built by media/standards.js from the host's
// messages; the shell and its CSP are webviewPage.ts's.
import { webviewPageHtml } from './webviewPage';

export interface StandardsPageOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** A fresh one per load unless a test fixes it. */
  nonce?: string;
}

export function standardsPageHtml(options: StandardsPageOptions): string {
  return webviewPageHtml({ title: 'Standards', cspSource: options.cspSource, styleUri: options.styleUri, scriptUris: [options.scriptUri], body: BODY, nonce: options.nonce });
}

const BODY = `<main id="app" aria-busy="true">
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
</main>`;
