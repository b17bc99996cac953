-- The job store as LipDrop 0.1 created it by hand. IF NOT EXISTS: an H2 file from before Flyway is
-- baselined at this version, and a new database (H2 or PostgreSQL) gets the same tables.
CREATE TABLE IF NOT EXISTS jobs (
  job_key VARCHAR(64) PRIMARY KEY,
  name VARCHAR(2048) NOT NULL,
  status VARCHAR(16) NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  error VARCHAR(4000),
  output VARCHAR(4096),
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status);

-- the delivery ledger: one row per outbox file to upload
CREATE TABLE IF NOT EXISTS deliveries (
  path VARCHAR(4096) PRIMARY KEY,
  job_key VARCHAR(64) NOT NULL,
  status VARCHAR(16) NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  last_error VARCHAR(4000),
  next_attempt BIGINT NOT NULL,
  etag VARCHAR(128),
  created_at TIMESTAMP NOT NULL,
  delivered_at TIMESTAMP);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(status, next_attempt);
