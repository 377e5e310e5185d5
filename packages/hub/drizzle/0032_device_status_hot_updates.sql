CREATE TABLE "device_statuses" (
	"device_id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"severity" text NOT NULL,
	"status" text NOT NULL,
	"status_since" timestamp with time zone NOT NULL
);
--> statement-breakpoint
DROP INDEX "devices_org_severity_status_idx";--> statement-breakpoint
DROP INDEX "devices_org_status_idx";--> statement-breakpoint
DROP INDEX "devices_org_status_since_idx";--> statement-breakpoint
ALTER TABLE "device_statuses" ADD CONSTRAINT "device_statuses_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_statuses" ADD CONSTRAINT "device_statuses_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "device_statuses_org_severity_status_idx" ON "device_statuses" USING btree ("org_id","severity","status");--> statement-breakpoint
CREATE INDEX "device_statuses_org_status_since_idx" ON "device_statuses" USING btree ("org_id","status_since","device_id");--> statement-breakpoint
-- Room on every page of devices for the next version of its rows, so a status change stays on its page (HOT).
ALTER TABLE "devices" SET (fillfactor = 50);
--> statement-breakpoint
-- device_statuses mirrors each device's status, severity and status start for the list's counts and sort; these
-- triggers are its only writer. The function runs as the tables' owner: it copies rows the statement has just
-- written, whoever wrote them.
CREATE OR REPLACE FUNCTION tutti_mirror_device_statuses() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  BEGIN
    INSERT INTO device_statuses (device_id, org_id, severity, status, status_since)
      SELECT id, org_id, severity, status, status_since FROM written
      ON CONFLICT (device_id) DO UPDATE
        SET org_id = excluded.org_id, severity = excluded.severity, status = excluded.status,
            status_since = excluded.status_since
        WHERE (device_statuses.org_id, device_statuses.severity, device_statuses.status, device_statuses.status_since)
          IS DISTINCT FROM (excluded.org_id, excluded.severity, excluded.status, excluded.status_since);
    RETURN NULL;
  END
  $$;
--> statement-breakpoint
CREATE TRIGGER devices_mirror_statuses_after_insert AFTER INSERT ON devices REFERENCING NEW TABLE AS written
  FOR EACH STATEMENT EXECUTE FUNCTION tutti_mirror_device_statuses();
--> statement-breakpoint
CREATE TRIGGER devices_mirror_statuses_after_update AFTER UPDATE ON devices REFERENCING NEW TABLE AS written
  FOR EACH STATEMENT EXECUTE FUNCTION tutti_mirror_device_statuses();
--> statement-breakpoint
INSERT INTO device_statuses (device_id, org_id, severity, status, status_since)
  SELECT id, org_id, severity, status, status_since FROM devices;
--> statement-breakpoint
-- Tenant data, read-only for the app (the triggers write it).
GRANT SELECT ON device_statuses TO tutti_app;
--> statement-breakpoint
ALTER TABLE device_statuses ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY device_statuses_tenant ON device_statuses USING (org_id = ANY ((SELECT tutti_org_ids())::uuid[]));
