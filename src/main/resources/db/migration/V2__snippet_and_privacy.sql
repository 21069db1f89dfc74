-- Snippet settings per property, and the visitor's Global Privacy Control signal per session.
ALTER TABLE property ADD COLUMN consent_mode VARCHAR(16) DEFAULT 'required' NOT NULL;
ALTER TABLE property ADD COLUMN anti_flicker BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE visit_session ADD COLUMN gpc BOOLEAN DEFAULT FALSE NOT NULL;
