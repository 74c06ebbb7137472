-- Phase-gated workflow sessions. One row per session, so every change of a session is one
-- statement (one journal record): a phase is accepted and the next made current together.
-- `definition` is the workflow as it was when the session started: editing the file does not
-- change the gates under a running session. `phases` holds, per phase in order,
-- {attempts, refusals, last_refusal, evidence, accepted_at}.
CREATE TABLE workflow_sessions (
  id            TEXT PRIMARY KEY,
  workflow_id   TEXT NOT NULL,
  title         TEXT NOT NULL,
  source        TEXT NOT NULL,
  definition    TEXT NOT NULL,
  target        TEXT NOT NULL,
  options       TEXT NOT NULL DEFAULT '{}',
  status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'abandoned')),
  current_index INTEGER,
  phases        TEXT NOT NULL,
  job_id        TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  finished_at   INTEGER
);
CREATE INDEX workflow_sessions_job ON workflow_sessions (job_id);
CREATE INDEX workflow_sessions_recent ON workflow_sessions (updated_at DESC);
