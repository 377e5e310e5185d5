-- Webhooks are tenant data: an organization's admins manage their own subscriptions and read their delivery log.
-- Queueing and sending run as the owner role (system work), scoped by organization in code.
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_subscriptions TO tutti_app;
--> statement-breakpoint
GRANT SELECT ON webhook_deliveries, webhook_attempts TO tutti_app;
--> statement-breakpoint
ALTER TABLE webhook_subscriptions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY webhook_subscriptions_tenant ON webhook_subscriptions
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY webhook_deliveries_tenant ON webhook_deliveries
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE webhook_attempts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY webhook_attempts_tenant ON webhook_attempts
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
