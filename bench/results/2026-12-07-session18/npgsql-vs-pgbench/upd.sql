\set i random(1, 20000)
UPDATE t SET value = decode(repeat('cd',1024),'hex'), version = nextval('t_version') WHERE key = 'k' || :i;
