import type { Disposable } from '../core/disposable';
import type { JournaledDatabase } from '../jobs/journaledDatabase';
import type { StandardsIndex } from '../standards/standardsIndex';
import type { ProposalStore } from '../standards/proposalStore';
import type { WorkflowSessions } from '../workflows/workflowSessions';
import { jobMeterStatements, SERIES, type MeteredJob } from './jobMeter';
import { costOf, PriceTable } from './prices';
import { COUNTERS, MetricsRecorder } from './recorder';
import { buildReport, type ReportRequest } from './report';
import type { Cost, MetricsReport } from './reportTypes';
import type { MetricsStatement } from './statements';

export interface MetricsOptions {
  database: JournaledDatabase;
  now?: () => number;
  /** The raw `agentOsPersonas.metrics.prices` setting, read at each report (absent in the CLI: the built-ins). */
  prices?: () => unknown;
  log: (line: string) => void;
}

/** What the metrics listen to; each is optional (the CLI's read-only open has none). */
export interface MetricsSources {
  standards?: StandardsIndex;
  proposals?: ProposalStore;
  sessions?: WorkflowSessions;
}

/**
 * The metrics of a store: job ends metered in the job store's own terminal writes (`meter`),
 * everything else counted through the recorder, and the report read off the tables. Cost is
 * computed when read, from the price table of the moment.
 */
export class MetricsService implements Disposable {
  readonly recorder: MetricsRecorder;
  private readonly now: () => number;
  private readonly unsubscribe: (() => void)[] = [];
  private lastPriceProblem: string | null = null;
  private priceCache: { key: string; table: PriceTable } | undefined;

  constructor(private readonly options: MetricsOptions) {
    this.now = options.now ?? Date.now;
    this.recorder = new MetricsRecorder(options.database, this.now, options.log);
  }

  /** For the JobStore's `meter` option: the statements that count a job's end. */
  readonly meter = (job: MeteredJob, isParent: boolean): MetricsStatement[] => jobMeterStatements(job, isParent, this.now());

  /** Counts and times every MCP tools/call (push it into PersonaServices.toolCallHooks). */
  get toolCallHook(): MetricsRecorder['toolCallHook'] {
    return this.recorder.toolCallHook;
  }

  /** Listens to the standards index (every search), the proposals and the workflow sessions. */
  attach(sources: MetricsSources): void {
    const r = this.recorder;
    if (sources.standards) this.unsubscribe.push(sources.standards.events.on('standards:searched', (s) => r.searched(s.query, s.hits, s.ms)));
    const proposals = sources.proposals;
    if (proposals) {
      this.unsubscribe.push(
        proposals.events.on('proposal:created', () => r.count(COUNTERS.proposed)),
        proposals.events.on('proposal:approved', (p) => {
          r.count(COUNTERS.approved);
          if (p.decidedAt !== null) r.sample(SERIES.decision, '', p.decidedAt - p.createdAt);
        }),
        proposals.events.on('proposal:rejected', (p) => {
          r.count(COUNTERS.rejected);
          if (p.decidedAt !== null) r.sample(SERIES.decision, '', p.decidedAt - p.createdAt);
        }),
      );
    }
    if (sources.sessions) {
      this.unsubscribe.push(
        sources.sessions.events.on('session:step', (step) => {
          const id = step.session.workflowId;
          if (step.kind === 'started') r.count(COUNTERS.workflowStarted, id);
          else if (step.kind === 'refused') r.count(COUNTERS.workflowRefused, id, String(step.phase));
          else if (step.kind === 'completed') r.count(COUNTERS.workflowCompleted, id);
        }),
      );
    }
  }

  /** The report (synchronous: what the recorder holds is applied first, so it is current). */
  report(request: ReportRequest): MetricsReport {
    void this.recorder.flush();
    return buildReport(this.options.database, this.prices(), { ...request, now: request.now ?? this.now() });
  }

  /** What one job cost (a panel's coordinator: nothing of its own; its children are priced one by one). */
  jobCost(job: { tokensIn: number; tokensOut: number; cacheReadTokens: number; cacheWriteTokens: number; modelId: string | null }): Cost {
    return costOf([[job.modelId ?? '', { input: job.tokensIn, output: job.tokensOut, cacheRead: job.cacheReadTokens, cacheWrite: job.cacheWriteTokens }]], this.prices());
  }

  /** The built-ins, or the setting merged over them; a malformed setting is logged once per distinct problem. */
  prices(): PriceTable {
    const raw = this.options.prices?.();
    // jobCost runs for every tooltip: the setting is parsed again only when it changed.
    const key = JSON.stringify(raw) ?? '';
    if (this.priceCache?.key === key) return this.priceCache.table;
    const { table, problem } = PriceTable.fromSetting(raw);
    const text = problem ? `${problem.message} ${problem.hint}` : null;
    if (text && text !== this.lastPriceProblem) this.options.log(`${problem!.code}: ${text}`);
    this.lastPriceProblem = text;
    this.priceCache = { key, table };
    return table;
  }

  /** Writes what is buffered and stops listening; call before the database closes. */
  async dispose(): Promise<void> {
    for (const stop of this.unsubscribe.splice(0)) stop();
    await this.recorder.close();
  }

}
