-- The list's search returns the matching rows themselves, not their ids: the list read 20,000 ids of a broad search
-- back through the primary key one by one (about as long again as the search), and did it twice, for the page and
-- for the counts. The hub now reads the rows once per request (a CTE that both use). Devices whose model name
-- matches (`p_models`, computed by the hub from the catalog) are part of the result, through the model index.
-- Same rule as the policy: only an organization of the session, as the tables' owner past row-level security.
-- `EXECUTE` plans the statement with the values of each call: the generic plan of a SQL function cannot tell a
-- rare text from a common one (or an empty model list from a long one) and read every device.
CREATE OR REPLACE FUNCTION tutti_search_device_rows(p_org uuid, p_pattern text, p_models text[]) RETURNS SETOF devices
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  BEGIN
    IF p_org = ANY (tutti_org_ids()) THEN
      RETURN QUERY EXECUTE
        'SELECT * FROM devices WHERE org_id = $1 AND (name ILIKE $2 OR serial ILIKE $2 OR firmware ILIKE $2
           OR access_ip ILIKE $2 OR mac ILIKE $2 OR stack ILIKE $2 OR model = ANY ($3))'
        USING p_org, p_pattern, p_models;
    END IF;
  END
  $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION tutti_search_device_rows(uuid, text, text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION tutti_search_device_rows(uuid, text, text[]) TO tutti_app;
--> statement-breakpoint
DROP FUNCTION IF EXISTS tutti_search_devices(uuid, text);
