-- A first migration that stops half way: its table made and a row written, then the JVM waits to be killed.
CREATE TABLE test_notes (id INT NOT NULL PRIMARY KEY, body VARCHAR(200) NOT NULL);
INSERT INTO test_notes VALUES (1, 'written before the kill');
CALL tesseras_test_pause();
CREATE TABLE test_after_pause (id INT NOT NULL PRIMARY KEY);
