-- Every query of events by property also names their type (reports count phone-link clicks), which the index on
-- (property_id, type, occurred_at) serves; the one on (property_id, occurred_at) only cost each stored event.
DROP INDEX tracking_event_property_time;
