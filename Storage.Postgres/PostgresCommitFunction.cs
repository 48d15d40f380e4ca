namespace OrleansCoord.Storage.Postgres;

/// <summary>
/// The server-side half of the group commit: a PL/pgSQL function that applies many commits, each all or nothing,
/// in the caller's one transaction, and returns one row per commit (its new versions, or the key whose condition
/// failed).
/// </summary>
/// <remarks>
/// <para>The writes come as parallel arrays ordered by commit (<c>c</c>: commit number, <c>kinds</c>: 0 insert,
/// 1 replace, 2 delete, 3 touch, <c>toks</c>: the expected version, -1 for any).</para>
/// <para>Conditions are checked before anything of a commit is applied, so a failed commit leaves no trace and
/// needs no savepoint (more than 64 subtransactions in one transaction slow every snapshot on the server). That is
/// only sound while no other transaction changes a checked key between check and write: every writer takes a
/// transaction-level advisory lock on each key's hash first, all of them at the start and in hash order, so two
/// groups (of two silos) never wait on each other in a cycle.</para>
/// </remarks>
internal static class PostgresCommitFunction
{
    public static string Create(PostgresSchema schema) => $$"""
        CREATE OR REPLACE FUNCTION {{schema.CommitFunction}}(c int[], kinds int[], keys text[], vals bytea[], toks bigint[])
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
              SELECT r.version INTO v FROM {{schema.Table}} AS r WHERE r.key = keys[j];
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
                    INSERT INTO {{schema.Table}} (key, value, version) VALUES (keys[j], vals[j], nextval('{{schema.Sequence}}'))
                      RETURNING version INTO v;
                  WHEN 1 THEN
                    UPDATE {{schema.Table}} AS r SET value = vals[j], version = nextval('{{schema.Sequence}}')
                      WHERE r.key = keys[j] RETURNING r.version INTO v;
                  WHEN 2 THEN
                    DELETE FROM {{schema.Table}} AS r WHERE r.key = keys[j];
                    v := 0;
                  ELSE
                    SELECT r.version INTO v FROM {{schema.Table}} AS r WHERE r.key = keys[j];
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
        """;
}
