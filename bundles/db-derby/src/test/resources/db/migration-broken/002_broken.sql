-- A migration that fails half way: its first table must not survive.
CREATE TABLE half_written (id INT NOT NULL PRIMARY KEY);
CREATE TABLE this is not sql;
