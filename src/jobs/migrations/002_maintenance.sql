-- Maintenance bookkeeping and the index retention deletes by.
CREATE TABLE maintenance (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  last_cleanup_at INTEGER
);
INSERT INTO maintenance (id, last_cleanup_at) VALUES (1, NULL);
CREATE INDEX jobs_finished ON jobs (status, finished_at);
CREATE INDEX jobs_persona_finished ON jobs (persona, status, finished_at DESC);
