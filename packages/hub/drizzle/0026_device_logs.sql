CREATE TABLE "device_logs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"device_id" uuid,
	"serial" text NOT NULL,
	"device_name" text NOT NULL,
	"model" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"job_id" uuid,
	"target_id" uuid,
	"attempt" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "device_logs" ADD CONSTRAINT "device_logs_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_logs" ADD CONSTRAINT "device_logs_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_logs" ADD CONSTRAINT "device_logs_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "device_logs_target_attempt_key" ON "device_logs" USING btree ("target_id","attempt");--> statement-breakpoint
CREATE INDEX "device_logs_org_device_idx" ON "device_logs" USING btree ("org_id","device_id","created_at");--> statement-breakpoint
CREATE INDEX "device_logs_job_idx" ON "device_logs" USING btree ("job_id");--> statement-breakpoint
-- Collected device logs are tenant data.
GRANT SELECT, INSERT, UPDATE, DELETE ON device_logs TO tutti_app;
--> statement-breakpoint
ALTER TABLE device_logs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY device_logs_tenant ON device_logs
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
