-- Alert rules, alerts, their delivery queue and maintenance windows are tenant data: an organization's people see
-- and change only their own. The evaluator and the delivery worker run as the hub itself, across organizations.
GRANT SELECT, INSERT, UPDATE, DELETE ON alert_rules, alerts, alert_deliveries, maintenance_windows TO tutti_app;
--> statement-breakpoint
ALTER TABLE alert_rules ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY alert_rules_tenant ON alert_rules
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE alerts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY alerts_tenant ON alerts
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE alert_deliveries ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY alert_deliveries_tenant ON alert_deliveries
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE maintenance_windows ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY maintenance_windows_tenant ON maintenance_windows
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
