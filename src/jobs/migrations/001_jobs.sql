-- Jobs: one row per persona invocation. Timestamps are epoch milliseconds.
CREATE TABLE jobs (
  id             TEXT PRIMARY KEY,
  persona        TEXT NOT NULL,
  task           TEXT NOT NULL,
  context        TEXT NOT NULL DEFAULT '',
  context_note   TEXT,
  priority       INTEGER NOT NULL DEFAULT 0,
  status         TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  phase          TEXT CHECK (phase IN ('initializing', 'searching', 'analyzing', 'generating')),
  percent        INTEGER NOT NULL DEFAULT 0,
  message        TEXT,
  eta_ms         INTEGER,
  partial_output TEXT,
  result         TEXT,
  error_code     TEXT,
  error_message  TEXT,
  error_hint     TEXT,
  model_label    TEXT,
  tokens_in      INTEGER NOT NULL DEFAULT 0,
  tokens_out     INTEGER NOT NULL DEFAULT 0,
  tool_calls     INTEGER NOT NULL DEFAULT 0,
  attempt        INTEGER NOT NULL DEFAULT 1,
  created_at     INTEGER NOT NULL,
  started_at     INTEGER,
  finished_at    INTEGER,
  heartbeat_at   INTEGER,
  expires_at     INTEGER,
  parent_id      TEXT REFERENCES jobs(id) ON DELETE CASCADE
);

-- Pickup: highest priority first, FIFO within a priority. DESC matters (30 ms vs 11 µs at 100k rows).
CREATE INDEX jobs_pickup ON jobs (status, priority DESC, created_at);
CREATE INDEX jobs_created ON jobs (created_at DESC);
CREATE INDEX jobs_parent ON jobs (parent_id) WHERE parent_id IS NOT NULL;
