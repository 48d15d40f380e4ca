CREATE TABLE coordtree (key text COLLATE "C" PRIMARY KEY, value bytea NOT NULL, version bigint NOT NULL);
CREATE SEQUENCE coordtree_version;

CREATE OR REPLACE FUNCTION coordtree_commit(c int[], kinds int[], keys text[], vals bytea[], toks bigint[])
RETURNS TABLE(commit_no int, conflict text, versions bigint[])
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  n int := coalesce(array_length(keys, 1), 0);
  i int := 1;
  j int;
  last int;
  v bigint;
  vs bigint[];
  failed boolean;
BEGIN
  PERFORM pg_advisory_xact_lock(h)
    FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(keys) AS k ORDER BY 1) AS locks;
  WHILE i <= n LOOP
    last := i;
    WHILE last < n AND c[last + 1] = c[i] LOOP last := last + 1; END LOOP;
    commit_no := c[i];
    conflict := NULL;
    versions := NULL;
    FOR j IN i..last LOOP
      SELECT r.version INTO v FROM coordtree AS r WHERE r.key = keys[j];
      failed := CASE kinds[j] WHEN 0 THEN v IS NOT NULL
                              WHEN 3 THEN v IS NULL
                              ELSE v IS NULL OR (toks[j] >= 0 AND v <> toks[j]) END;
      IF failed THEN
        conflict := keys[j];
        EXIT;
      END IF;
    END LOOP;
    IF conflict IS NULL THEN
      vs := '{}';
      FOR j IN i..last LOOP
        CASE kinds[j]
          WHEN 0 THEN
            INSERT INTO coordtree (key, value, version) VALUES (keys[j], vals[j], nextval('coordtree_version'))
              RETURNING version INTO v;
          WHEN 1 THEN
            UPDATE coordtree AS r SET value = vals[j], version = nextval('coordtree_version')
              WHERE r.key = keys[j] RETURNING r.version INTO v;
          WHEN 2 THEN
            DELETE FROM coordtree AS r WHERE r.key = keys[j];
            v := 0;
          ELSE
            SELECT r.version INTO v FROM coordtree AS r WHERE r.key = keys[j];
        END CASE;
        vs := vs || v;
      END LOOP;
      versions := vs;
    END IF;
    RETURN NEXT;
    i := last + 1;
  END LOOP;
END
$fn$;

INSERT INTO coordtree VALUES ('parent', '\x00', nextval('coordtree_version'));
