-- Standards proposed by personas, agents or people, waiting for a human decision.
-- Approval (a person, in the editor) writes the file; the row keeps the decision.
CREATE TABLE standard_proposals (
  id          TEXT PRIMARY KEY,
  domain      TEXT NOT NULL,
  topic       TEXT NOT NULL,
  title       TEXT NOT NULL,
  body        TEXT NOT NULL,
  tags        TEXT NOT NULL DEFAULT '[]',
  created_by  TEXT NOT NULL,
  job_id      TEXT REFERENCES jobs(id) ON DELETE SET NULL,
  status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  created_at  INTEGER NOT NULL,
  decided_at  INTEGER,
  decided_by  TEXT,
  reason      TEXT,
  path        TEXT
);
CREATE INDEX standard_proposals_status ON standard_proposals (status, created_at);
