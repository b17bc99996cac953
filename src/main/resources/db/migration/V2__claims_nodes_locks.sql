-- Claims with leases: a running job belongs to node until lease_until (the database's clock, with time
-- zone so nodes in different zones agree); the holder renews it while the video is made.
ALTER TABLE jobs ADD COLUMN node VARCHAR(200);
ALTER TABLE jobs ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;
CREATE INDEX jobs_node ON jobs(node);

-- The nodes sharing this store, each seen at its last heartbeat (status and health list the live ones).
CREATE TABLE nodes (
  node_id VARCHAR(200) PRIMARY KEY,
  host VARCHAR(255) NOT NULL,
  pid BIGINT NOT NULL,
  home VARCHAR(4096) NOT NULL,
  started_at TIMESTAMP WITH TIME ZONE NOT NULL,
  last_seen TIMESTAMP WITH TIME ZONE NOT NULL);

-- Short named locks with an expiry (finishing a drop: archived or quarantined by one node only).
CREATE TABLE locks (
  name VARCHAR(2048) PRIMARY KEY,
  node VARCHAR(200) NOT NULL,
  until_at TIMESTAMP WITH TIME ZONE NOT NULL);
