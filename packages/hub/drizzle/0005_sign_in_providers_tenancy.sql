-- Sign-in providers are tenant data: admins of an organization read and change only their own. Sign-in itself
-- reads them as system work (ADR 003). The app role never sees users.identity_org_id or users.external_id.
GRANT SELECT, INSERT, UPDATE, DELETE ON sign_in_providers TO tutti_app;
--> statement-breakpoint
ALTER TABLE sign_in_providers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY sign_in_providers_tenant ON sign_in_providers
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
