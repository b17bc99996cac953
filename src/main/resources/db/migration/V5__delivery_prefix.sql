-- A job's own settings (lipdrop.yaml: s3-prefix) may put its files under another key prefix than lipdrop.s3.prefix;
-- NULL: the node's prefix. Kept with each delivery, so a pending upload keeps its key across restarts and nodes.
ALTER TABLE deliveries ADD COLUMN s3_prefix VARCHAR(1024);
