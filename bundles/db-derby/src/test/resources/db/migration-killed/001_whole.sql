-- The same first migration without the pause, as the adapter's next start runs it.
CREATE TABLE test_notes (id INT NOT NULL PRIMARY KEY, body VARCHAR(200) NOT NULL);
INSERT INTO test_notes VALUES (1, 'written after the restart');
CREATE TABLE test_after_pause (id INT NOT NULL PRIMARY KEY);
