-- Row-level security keeps an index from serving `ILIKE`: the operator is not leakproof, so PostgreSQL evaluates it
-- after the policy, row by row, and the trigram index of 0024 went unused. The search therefore runs in this
-- function as the tables' owner, limited to one organization the session may see (the same rule as the policy),
-- and the list keeps the rows whose ids it returns: row-level security still applies to the list itself.
CREATE OR REPLACE FUNCTION tutti_search_devices(p_org uuid, p_pattern text) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT id FROM devices
    WHERE org_id = p_org AND p_org = ANY (tutti_org_ids())
      AND (name ILIKE p_pattern OR serial ILIKE p_pattern OR firmware ILIKE p_pattern OR access_ip ILIKE p_pattern
           OR mac ILIKE p_pattern OR stack ILIKE p_pattern)
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION tutti_search_devices(uuid, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION tutti_search_devices(uuid, text) TO tutti_app;
--> statement-breakpoint
-- One trigram index over the six searched fields: each `ILIKE` above uses its column, and the rows are checked
-- against the field that matched, not against one long joined text.
DROP INDEX IF EXISTS devices_search_trgm_idx;
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX devices_search_trgm_idx ON devices USING gin (
      name gin_trgm_ops, serial gin_trgm_ops, firmware gin_trgm_ops, access_ip gin_trgm_ops, mac gin_trgm_ops,
      stack gin_trgm_ops);
  END IF;
END $$;
--> statement-breakpoint
-- The list joins every device it reads to its server: read the session's organizations once there too (0024).
ALTER POLICY agents_tenant ON agents
  USING (org_id = ANY ((SELECT tutti_org_ids())::uuid[]))
  WITH CHECK (org_id = ANY ((SELECT tutti_org_ids())::uuid[]));
