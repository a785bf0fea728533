-- A test adapter's first table.
CREATE TABLE test_notes (id INT NOT NULL PRIMARY KEY, note VARCHAR(100) NOT NULL);
