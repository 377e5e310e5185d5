-- Locations are tenant data: an organization sees and arranges only its own tree.
GRANT SELECT, INSERT, UPDATE, DELETE ON locations TO tutti_app;
--> statement-breakpoint
ALTER TABLE locations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY locations_tenant ON locations
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
