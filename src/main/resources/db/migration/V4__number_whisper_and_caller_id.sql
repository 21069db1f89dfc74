-- Per tracking number: a whisper read to the business when it answers, and which number it sees calling.
ALTER TABLE tracking_number ADD COLUMN whisper VARCHAR(200);
ALTER TABLE tracking_number ADD COLUMN caller_id VARCHAR(16) DEFAULT 'caller' NOT NULL;
