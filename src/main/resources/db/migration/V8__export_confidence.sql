-- Conversions go to ad platforms only when their attribution is trusted: confidence 0.9 means one wrong
-- attribution in a hundred (see the pool lab's calibration).
ALTER TABLE conversion_action ADD COLUMN export_min_confidence DECIMAL(4, 3) DEFAULT 0.900 NOT NULL;
