-- Findings: what each completed review raised, one row each, written in the same durable write
-- as the job's completion. Deleting a job (retention, reset) deletes its findings.
CREATE TABLE findings (
  job_id         TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  ordinal        INTEGER NOT NULL,
  persona        TEXT NOT NULL,
  root_job_id    TEXT NOT NULL,
  severity       TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
  title          TEXT NOT NULL,
  file           TEXT,
  start_line     INTEGER,
  end_line       INTEGER,
  code           TEXT,
  evidence       TEXT,
  why            TEXT,
  recommendation TEXT,
  fingerprint    TEXT NOT NULL,
  anchored       INTEGER NOT NULL,
  scope          TEXT CHECK (scope IN ('changed', 'preexisting')),
  created_at     INTEGER NOT NULL,
  PRIMARY KEY (job_id, ordinal)
) WITHOUT ROWID;

CREATE INDEX findings_file ON findings (file);
CREATE INDEX findings_fingerprint ON findings (fingerprint);
CREATE INDEX findings_root ON findings (root_job_id);
