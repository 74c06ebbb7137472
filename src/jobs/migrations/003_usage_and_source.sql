-- Where a job was asked from, and what its model used: metrics count invocations by source and
-- price tokens by the model that answered. Rows from before this migration read as asked
-- through code ('api'): their source was not recorded.
ALTER TABLE jobs ADD COLUMN source TEXT NOT NULL DEFAULT 'api' CHECK (source IN ('palette', 'chat', 'mcp', 'cli', 'workflow', 'api'));
ALTER TABLE jobs ADD COLUMN cache_read_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN model_id TEXT;
