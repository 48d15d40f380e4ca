\set i random(1, 20000)
BEGIN;
SELECT pg_advisory_xact_lock(hashtextextended('k' || :i, 0));
UPDATE t SET value = decode(repeat('cd',1024),'hex'), version = nextval('t_version') WHERE key = 'k' || :i RETURNING version;
COMMIT;
