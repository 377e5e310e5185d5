-- Identity and access (issue 5). The app role reads organizations of its scope and the clients below them,
-- creates and edits client organizations only under a parent in scope, and sees people only through memberships.
DROP POLICY organizations_tenant ON organizations;
--> statement-breakpoint
CREATE POLICY organizations_read ON organizations FOR SELECT
  USING (id = ANY (tutti_org_ids()) OR parent_id = ANY (tutti_org_ids()));
--> statement-breakpoint
CREATE POLICY organizations_add_client ON organizations FOR INSERT WITH CHECK (parent_id = ANY (tutti_org_ids()));
--> statement-breakpoint
CREATE POLICY organizations_edit_client ON organizations FOR UPDATE
  USING (parent_id = ANY (tutti_org_ids())) WITH CHECK (parent_id = ANY (tutti_org_ids()));
--> statement-breakpoint
GRANT INSERT, UPDATE ON organizations TO tutti_app;
--> statement-breakpoint
-- People: no password hashes for the app role, and only those with a membership in scope.
GRANT SELECT (id, email, name, language, status, type, last_accessed_at, created_at) ON users TO tutti_app;
--> statement-breakpoint
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY users_members ON users FOR SELECT
  USING (EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id AND m.org_id = ANY (tutti_org_ids())));
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON invitations, api_tokens TO tutti_app;
--> statement-breakpoint
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY invitations_tenant ON invitations USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY api_tokens_tenant ON api_tokens USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
-- Inviting someone who may already hold an account elsewhere: finds the person by email or creates an invited
-- local user, answering only the id. The caller still needs a membership in scope to see anything of them.
CREATE OR REPLACE FUNCTION tutti_find_or_invite_user(p_email text, p_name text, p_language text) RETURNS uuid
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
DECLARE
  found uuid;
BEGIN
  IF cardinality(tutti_org_ids()) = 0 THEN
    RAISE EXCEPTION 'no organization in scope';
  END IF;
  SELECT id INTO found FROM users WHERE lower(email) = lower(p_email);
  IF found IS NULL THEN
    INSERT INTO users (email, name, language, status, type)
      VALUES (p_email, p_name, p_language, 'invited', 'local') RETURNING id INTO found;
  END IF;
  RETURN found;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION tutti_find_or_invite_user(text, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION tutti_find_or_invite_user(text, text, text) TO tutti_app;
--> statement-breakpoint
-- Usage of organizations in scope and of their clients: counts only, for the Organizations table.
CREATE OR REPLACE FUNCTION tutti_org_usage(pro_audio_models text[])
  RETURNS TABLE (org_id uuid, pro_audio_devices int, servers int)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
  SELECT o.id,
         (SELECT count(*)::int FROM devices d WHERE d.org_id = o.id AND d.model = ANY (pro_audio_models)),
         (SELECT count(*)::int FROM agents a WHERE a.org_id = o.id)
  FROM organizations o
  WHERE o.id = ANY (tutti_org_ids()) OR o.parent_id = ANY (tutti_org_ids())
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION tutti_org_usage(text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION tutti_org_usage(text[]) TO tutti_app;
--> statement-breakpoint
-- The audit chain spans organizations: every append links to the true last entry, whoever may see it.
CREATE OR REPLACE FUNCTION tutti_audit_last_hash() RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1 $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION tutti_audit_last_hash() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION tutti_audit_last_hash() TO tutti_app;
