import * as vscode from 'vscode';
import { Debouncer } from '../core/debouncer';
import { serializeError } from '../core/errors';
import type { JobStore } from '../jobs/jobStore';
import type { MetricsRange, MetricsReport } from '../metrics/reportTypes';
import type { ProposalStore } from '../standards/proposalStore';
import { parseMetricsMessage, type MetricsHostMessage } from './metricsMessages';
import { metricsViewModel } from './metricsModel';
import { metricsPageHtml } from './metricsPage';

export const SHOW_METRICS_COMMAND = 'agentOsPersonas.showMetrics';
const PANEL_TYPE = 'agentOsPersonas.metrics';
/** Several jobs often end together (a panel's personas): one refresh for them all. */
const REFRESH_DEBOUNCE_MS = 400;

/** Where the reports come from: `services.metrics`. */
export interface MetricsSource {
  report(options: { range: MetricsRange; persona?: string | null }): MetricsReport;
}

/** What tests (and extensions building on this one) reach of the Metrics view. */
export interface MetricsViewApi {
  /** The host's handling of one message from the webview: the path its range picker and filter take. Resolves with the reply posted, or undefined for an ignored message. */
  receive(raw: unknown): Promise<MetricsHostMessage | undefined>;
  /** True while the Metrics panel is open. */
  readonly open: boolean;
  /** The last message posted to the webview (a report or why there is none). */
  readonly lastPosted: MetricsHostMessage | undefined;
  /** Fires with every message posted to the webview. */
  readonly onDidPost: vscode.Event<MetricsHostMessage>;
}

/**
 * The Metrics view: an editor-area webview (charts need the room) showing the store's metrics
 * report for a range and a persona. It reads `services.metrics` when shown, when the webview
 * asks, and again shortly after a job ends or a standard is proposed or decided while it is
 * open. Every message from the webview is validated before use.
 */
export class MetricsPanel implements vscode.Disposable, MetricsViewApi {
  private panel: vscode.WebviewPanel | undefined;
  private query: { range: MetricsRange; persona: string | null } = { range: '7d', persona: null };
  private readonly refresh = new Debouncer(REFRESH_DEBOUNCE_MS, () => {
    if (this.panel?.visible) this.postReport();
  });
  private readonly unsubscribers: (() => void)[] = [];
  private readonly panelDisposables: vscode.Disposable[] = [];
  private readonly posted = new vscode.EventEmitter<MetricsHostMessage>();
  readonly onDidPost = this.posted.event;
  lastPosted: MetricsHostMessage | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly source: () => MetricsSource | undefined,
  ) {}

  get open(): boolean {
    return this.panel !== undefined;
  }

  /** Refreshes an open view when what it counts changes. */
  follow(store: JobStore, proposals?: ProposalStore): void {
    for (const event of ['job:completed', 'job:failed', 'job:cancelled'] as const) {
      this.unsubscribers.push(store.events.on(event, () => this.scheduleRefresh()));
    }
    if (proposals) {
      for (const event of ['proposal:created', 'proposal:approved', 'proposal:rejected'] as const) {
        this.unsubscribers.push(proposals.events.on(event, () => this.scheduleRefresh()));
      }
    }
    this.scheduleRefresh();
  }

  /** Opens the view (or brings it to the front) and posts a fresh report. */
  show(): void {
    if (this.panel) {
      this.panel.reveal();
      this.postReport();
      return;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(PANEL_TYPE, 'Persona Metrics', vscode.ViewColumn.Active, {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [media],
    });
    panel.iconPath = new vscode.ThemeIcon('graph');
    const uri = (file: string): string => panel.webview.asWebviewUri(vscode.Uri.joinPath(media, file)).toString();
    panel.webview.html = metricsPageHtml({ cspSource: panel.webview.cspSource, chartUri: uri('chart.umd.min.js'), scriptUri: uri('metrics.js'), styleUri: uri('metrics.css') });
    this.panel = panel;
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        this.receive(raw).catch((err: unknown) => this.log.error(`Metrics view: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
      }),
      // A hidden webview is unloaded; when it shows again its script asks with `ready`.
      panel.onDidDispose(() => {
        this.panel = undefined;
        for (const d of this.panelDisposables.splice(0)) d.dispose();
      }),
    );
  }

  async receive(raw: unknown): Promise<MetricsHostMessage | undefined> {
    const parsed = parseMetricsMessage(raw);
    if ('problem' in parsed) {
      this.log.warn(`Metrics view: ignored a malformed message (${parsed.problem})`);
      return undefined;
    }
    const message = parsed.message;
    if (message.type === 'query') this.query = { range: message.range, persona: message.persona };
    return this.postReport();
  }

  private scheduleRefresh(): void {
    if (!this.panel) return;
    this.refresh.trigger();
  }

  private postReport(): MetricsHostMessage {
    const source = this.source();
    if (!source) {
      const notice = vscode.workspace.workspaceFolders?.length
        ? 'Opening the workspace\'s job store…'
        : 'Open a folder to see persona metrics: they are kept in its .agent-os folder.';
      return this.post({ type: 'unavailable', notice });
    }
    try {
      const { range, persona } = this.query;
      const all = source.report({ range, persona: null });
      const names = all.personas.map((p) => p.persona);
      if (persona && !names.includes(persona)) names.push(persona);
      const report = persona ? source.report({ range, persona }) : all;
      return this.post({ type: 'report', view: metricsViewModel(report, names.sort()) });
    } catch (err) {
      const error = serializeError(err);
      this.log.error(`Metrics view: could not read the metrics: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return this.post({ type: 'unavailable', notice: `The metrics could not be read: ${error.message} ${error.hint}` });
    }
  }

  private post(message: MetricsHostMessage): MetricsHostMessage {
    this.lastPosted = message;
    void this.panel?.webview.postMessage(message);
    this.posted.fire(message);
    return message;
  }

  dispose(): void {
    this.refresh.dispose();
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.panel?.dispose();
    for (const d of this.panelDisposables.splice(0)) d.dispose();
    this.posted.dispose();
  }
}
