-- Licenses are tenant data: an organization's admins read and replace only their own.
GRANT SELECT, INSERT, UPDATE, DELETE ON licenses TO tutti_app;
--> statement-breakpoint
ALTER TABLE licenses ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY licenses_tenant ON licenses
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
