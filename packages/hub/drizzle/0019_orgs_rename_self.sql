-- Settings > Organization: an organization renames itself. The row policies let the app role edit only the
-- organizations below its scope (their plans); this function changes just the name of one in scope.
CREATE OR REPLACE FUNCTION tutti_rename_organization(p_id uuid, p_name text) RETURNS boolean
  LANGUAGE sql SECURITY DEFINER SET search_path = public
  AS $$
  UPDATE organizations SET name = p_name, updated_at = now()
  WHERE id = p_id AND p_id = ANY (tutti_org_ids())
  RETURNING true
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION tutti_rename_organization(uuid, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION tutti_rename_organization(uuid, text) TO tutti_app;
