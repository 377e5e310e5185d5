CREATE TABLE "voip_lines" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"state" text NOT NULL,
	"reason" text,
	"server" text NOT NULL,
	"port" integer NOT NULL,
	"transport" text NOT NULL,
	"user" text NOT NULL,
	"extension" text NOT NULL,
	"display_name" text NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "voip_lines_device_id_line_pk" PRIMARY KEY("device_id","line")
);
--> statement-breakpoint
ALTER TABLE "voip_lines" ADD CONSTRAINT "voip_lines_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voip_lines" ADD CONSTRAINT "voip_lines_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "voip_lines_org_idx" ON "voip_lines" USING btree ("org_id");--> statement-breakpoint
-- VoIP lines are tenant data.
GRANT SELECT, INSERT, UPDATE, DELETE ON voip_lines TO tutti_app;
--> statement-breakpoint
ALTER TABLE voip_lines ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY voip_lines_tenant ON voip_lines
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
