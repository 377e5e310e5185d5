-- Jobs, their targets and the firmware catalog are tenant data.
GRANT SELECT, INSERT, UPDATE, DELETE ON firmware_packages, jobs, job_targets TO tutti_app;
--> statement-breakpoint
ALTER TABLE firmware_packages ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY firmware_packages_tenant ON firmware_packages
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY jobs_tenant ON jobs
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE job_targets ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY job_targets_tenant ON job_targets
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON device_backups TO tutti_app;
--> statement-breakpoint
ALTER TABLE device_backups ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY device_backups_tenant ON device_backups
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
