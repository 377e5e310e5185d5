CREATE TABLE "configuration_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"file_name" text NOT NULL,
	"model" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"uploaded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "configuration_files" ADD CONSTRAINT "configuration_files_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "configuration_files_org_model_idx" ON "configuration_files" USING btree ("org_id","model");--> statement-breakpoint
-- The configuration library is tenant data.
GRANT SELECT, INSERT, UPDATE, DELETE ON configuration_files TO tutti_app;
--> statement-breakpoint
ALTER TABLE configuration_files ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY configuration_files_tenant ON configuration_files
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
