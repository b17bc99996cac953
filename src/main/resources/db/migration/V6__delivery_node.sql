-- The node that queued each delivery: in bucket mode (lipdrop.intake.source=s3) a result lives in the outbox of the
-- node that made it until it is uploaded, so each node uploads its own. NULL for rows from before: any node's.
ALTER TABLE deliveries ADD COLUMN node VARCHAR(255);
