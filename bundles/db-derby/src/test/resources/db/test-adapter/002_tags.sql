-- A test adapter's second migration.
CREATE TABLE test_tags (note_id INT NOT NULL REFERENCES test_notes (id), tag VARCHAR(20) NOT NULL);
