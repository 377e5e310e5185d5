DROP INDEX "devices_org_severity_idx";--> statement-breakpoint
CREATE INDEX "devices_org_severity_status_idx" ON "devices" USING btree ("org_id","severity","status");--> statement-breakpoint
CREATE INDEX "devices_org_model_idx" ON "devices" USING btree ("org_id","model","id");--> statement-breakpoint
CREATE INDEX "devices_org_firmware_idx" ON "devices" USING btree ("org_id","firmware","id");--> statement-breakpoint
CREATE INDEX "devices_org_status_since_idx" ON "devices" USING btree ("org_id","status_since","id");