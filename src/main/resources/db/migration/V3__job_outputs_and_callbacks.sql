-- Every name a job's result was delivered under: the name it was made for, and each duplicate drop's own
-- name (a hard link or copy of the same video), so "outbox/renamed.mp4 belongs to job K" is answerable
-- after the drop is archived. An output name belongs to one job at a time (a name freed by housekeeping
-- may be taken by another job later).
CREATE TABLE job_outputs (
  output VARCHAR(4096) PRIMARY KEY,
  job_key VARCHAR(64) NOT NULL,
  job_name VARCHAR(2048),
  reused BOOLEAN NOT NULL,
  created_at TIMESTAMP NOT NULL);
CREATE INDEX job_outputs_job ON job_outputs(job_key);

-- the outputs of jobs finished before this table existed; a name two done jobs had (the first one's file
-- deleted, the name taken again) is the later one's
INSERT INTO job_outputs (output, job_key, job_name, reused, created_at)
  SELECT j.output, j.job_key, j.name, FALSE, j.updated_at FROM jobs j
  WHERE j.status = 'DONE' AND j.output IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM jobs k WHERE k.status = 'DONE' AND k.output = j.output
      AND (k.updated_at > j.updated_at OR (k.updated_at = j.updated_at AND k.job_key > j.job_key)));

-- Completion callbacks waiting to be sent: written in the transaction that records the job's outcome, sent
-- by one node (a master route), marked SENT after a 2xx, GAVE_UP after a permanent refusal or too long.
-- id is the X-LipDrop-Delivery header: the same on every attempt, so a receiver can drop a repeat.
CREATE TABLE callbacks (
  id VARCHAR(64) PRIMARY KEY,
  event VARCHAR(32) NOT NULL,
  job_key VARCHAR(64),
  job_name VARCHAR(2048),
  url VARCHAR(4096) NOT NULL,
  body VARCHAR(1000000) NOT NULL,
  status VARCHAR(16) NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  next_attempt BIGINT NOT NULL,
  last_error VARCHAR(4000),
  created_at TIMESTAMP NOT NULL,
  sent_at TIMESTAMP);
CREATE INDEX callbacks_due ON callbacks(status, next_attempt);
