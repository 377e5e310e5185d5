-- Tenancy: requests run as the unprivileged role tutti_app with their organizations in tutti.org_ids;
-- row-level security admits only those organizations' rows. The role is cluster-wide, so create it only once.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tutti_app') THEN
    CREATE ROLE tutti_app NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION tutti_org_ids() RETURNS uuid[]
  LANGUAGE sql STABLE
  AS $$ SELECT coalesce(string_to_array(nullif(current_setting('tutti.org_ids', true), ''), ',')::uuid[], '{}'::uuid[]) $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO tutti_app;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION tutti_org_ids() TO tutti_app;
--> statement-breakpoint
GRANT SELECT ON organizations TO tutti_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships, agents, devices TO tutti_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON device_events, audit_log TO tutti_app;
--> statement-breakpoint
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO tutti_app;
--> statement-breakpoint
ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY organizations_tenant ON organizations USING (id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY memberships_tenant ON memberships USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE agents ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY agents_tenant ON agents USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE devices ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY devices_tenant ON devices USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE device_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY device_events_tenant ON device_events USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY audit_log_tenant ON audit_log USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
-- The audit log and the event history are append-only for everyone, owner included.
CREATE OR REPLACE FUNCTION tutti_forbid_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION tutti_forbid_change();
--> statement-breakpoint
CREATE TRIGGER device_events_append_only BEFORE UPDATE ON device_events
  FOR EACH ROW EXECUTE FUNCTION tutti_forbid_change();
