CREATE TABLE "licenses" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"payload" jsonb NOT NULL,
	"signature" text NOT NULL,
	"max_pro_audio_devices" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "licenses" ADD CONSTRAINT "licenses_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;