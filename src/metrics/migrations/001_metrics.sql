-- Metrics: counters and histograms per UTC day (YYYY-MM-DD), kept apart from the jobs so that
-- retention and reset, which delete jobs, never change them. Each row is added to by upserts.

-- Job ends, per day and persona (a panel's coordinator is the persona `panel`).
CREATE TABLE metrics_job_days (
  day         TEXT NOT NULL,
  persona     TEXT NOT NULL,
  invocations INTEGER NOT NULL DEFAULT 0,
  completed   INTEGER NOT NULL DEFAULT 0,
  failed      INTEGER NOT NULL DEFAULT 0,
  cancelled   INTEGER NOT NULL DEFAULT 0,
  tool_calls  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, persona)
) WITHOUT ROWID;

-- Where the ended jobs were asked from (palette, chat, mcp, cli, workflow, api).
CREATE TABLE metrics_job_sources (
  day     TEXT NOT NULL,
  persona TEXT NOT NULL,
  source  TEXT NOT NULL,
  count   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, persona, source)
) WITHOUT ROWID;

-- Failed jobs by error code.
CREATE TABLE metrics_job_failures (
  day     TEXT NOT NULL,
  persona TEXT NOT NULL,
  code    TEXT NOT NULL,
  count   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, persona, code)
) WITHOUT ROWID;

-- Tokens by the model that answered: cost is computed when read, from the price table of the
-- moment, so a price override re-prices history. `model` is '' when the job named none.
CREATE TABLE metrics_job_tokens (
  day         TEXT NOT NULL,
  persona     TEXT NOT NULL,
  model       TEXT NOT NULL,
  input       INTEGER NOT NULL DEFAULT 0,
  output      INTEGER NOT NULL DEFAULT 0,
  cache_read  INTEGER NOT NULL DEFAULT 0,
  cache_write INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, persona, model)
) WITHOUT ROWID;

-- Log-bucketed histograms: bucket k holds samples in (2^((k-1)/4), 2^(k/4)] ms (bucket 0: <= 1 ms).
-- series: job.duration and job.queue_wait (key: persona), standards.decision, search.latency
-- (key ''), mcp.latency (key: tool).
CREATE TABLE metrics_histograms (
  day    TEXT NOT NULL,
  series TEXT NOT NULL,
  key    TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  count  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, series, key, bucket)
) WITHOUT ROWID;

-- Everything else that is counted: standards.proposed|approved|rejected, search.queries,
-- search.zero_hit, mcp.calls and mcp.errors (key: tool), workflow.started|completed (key:
-- workflow id), workflow.refused (key: workflow id, detail: phase number).
CREATE TABLE metrics_counters (
  day    TEXT NOT NULL,
  name   TEXT NOT NULL,
  key    TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '',
  count  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, name, key, detail)
) WITHOUT ROWID;

-- Searches that found nothing: redacted, lower-cased, trimmed, at most 200 characters; at most
-- 500 rows are kept (the rarest are pruned).
CREATE TABLE metrics_zero_hits (
  day   TEXT NOT NULL,
  query TEXT NOT NULL,
  count INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, query)
) WITHOUT ROWID;
