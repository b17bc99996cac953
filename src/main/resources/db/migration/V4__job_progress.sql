-- Live progress of running jobs, written every few seconds by the node making each one, so that the jobs page on
-- any node shows every node's progress. The row goes when its job ends here; a row whose job is no longer running
-- (its node died) is ignored by readers and replaced by the next node's.
CREATE TABLE job_progress (
  job_key VARCHAR(64) PRIMARY KEY,
  node VARCHAR(200) NOT NULL,
  frames_done INT NOT NULL,
  frames_total INT NOT NULL,
  frames_per_second DOUBLE PRECISION NOT NULL,
  started_at TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL);
