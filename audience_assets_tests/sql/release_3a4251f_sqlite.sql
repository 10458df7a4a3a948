-- The SQLite schema of the previous release (commit 3a4251f), as its make_engine /
-- ensure_schema created it: generated once from that commit's table declarations
-- (core/store.py, analysis/fact_sheets_store.py, core/drafts_store.py) and frozen.
CREATE TABLE audience_records (
	id INTEGER NOT NULL,
	broadcast_date VARCHAR(10) NOT NULL,
	channel VARCHAR(64) NOT NULL,
	title VARCHAR(512) NOT NULL,
	description VARCHAR(512) NOT NULL,
	start VARCHAR(19) NOT NULL,
	"end" VARCHAR(19) NOT NULL,
	genre VARCHAR(64) NOT NULL,
	share FLOAT NOT NULL,
	avg_audience BIGINT NOT NULL,
	unique_viewers BIGINT NOT NULL,
	target VARCHAR(128) NOT NULL,
	region VARCHAR(128) NOT NULL,
	extra TEXT NOT NULL,
	source_file VARCHAR(512) NOT NULL,
	source_sha256 VARCHAR(64) NOT NULL,
	PRIMARY KEY (id)
);

CREATE INDEX ix_audience_records_broadcast_date ON audience_records (broadcast_date);

CREATE INDEX ix_audience_records_title_channel ON audience_records (title, channel);

CREATE TABLE deliveries (
	sha256 VARCHAR(64) NOT NULL,
	broadcast_date VARCHAR(10) NOT NULL,
	file_name VARCHAR(512) NOT NULL,
	archived_path VARCHAR(1024) NOT NULL,
	kind VARCHAR(64) NOT NULL,
	target VARCHAR(128) NOT NULL,
	region VARCHAR(128) NOT NULL,
	size BIGINT NOT NULL,
	rows INTEGER NOT NULL,
	received_at FLOAT NOT NULL,
	PRIMARY KEY (sha256, broadcast_date)
);

CREATE TABLE fact_sheets (
	id INTEGER NOT NULL,
	broadcast_date VARCHAR(10) NOT NULL,
	sheet_key VARCHAR(1024) NOT NULL,
	priority INTEGER NOT NULL,
	event VARCHAR(512) NOT NULL,
	data TEXT NOT NULL,
	PRIMARY KEY (id)
);

CREATE INDEX ix_fact_sheets_broadcast_date ON fact_sheets (broadcast_date);

CREATE TABLE post_drafts (
	id INTEGER NOT NULL,
	broadcast_date VARCHAR(10) NOT NULL,
	sheet_key VARCHAR(1024) NOT NULL,
	network VARCHAR(16) NOT NULL,
	text TEXT NOT NULL,
	mode VARCHAR(16) NOT NULL,
	writer VARCHAR(16) NOT NULL,
	model VARCHAR(256) NOT NULL,
	prompt_name VARCHAR(256) NOT NULL,
	prompt_sha256 VARCHAR(64) NOT NULL,
	valid BOOLEAN NOT NULL,
	fell_back BOOLEAN NOT NULL,
	attempt_count INTEGER NOT NULL,
	llm_seconds FLOAT NOT NULL,
	eval_count INTEGER NOT NULL,
	violations TEXT NOT NULL,
	attempts TEXT NOT NULL,
	fact_sheet TEXT NOT NULL,
	status VARCHAR(32) NOT NULL,
	created_at FLOAT NOT NULL,
	PRIMARY KEY (id)
);

CREATE INDEX ix_post_drafts_broadcast_date ON post_drafts (broadcast_date);
