-- Stands for 001_base.sql edited after it was released.
CREATE TABLE fragment_plans (tessera_hash CHAR(64) NOT NULL PRIMARY KEY);
