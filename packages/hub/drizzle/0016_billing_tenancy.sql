-- Billing (issue 8). A support organization owns its service plans; a client organization's billing rows (plan,
-- usage, invoices, payments, reminders) are read by the client and its support organization and written only by
-- the support organization. The daily usage and billing ticks run as the owner, outside any tenant.
GRANT SELECT, INSERT, UPDATE, DELETE ON service_plans, organization_plans TO tutti_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON invoices, payments TO tutti_app;
--> statement-breakpoint
GRANT SELECT ON usage_snapshots, invoice_lines, billing_reminders TO tutti_app;
--> statement-breakpoint
ALTER TABLE service_plans ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY service_plans_read ON service_plans FOR SELECT
  USING (org_id = ANY (tutti_org_ids()) OR EXISTS (
    SELECT 1 FROM organization_plans p WHERE p.plan_id = service_plans.id AND p.org_id = ANY (tutti_org_ids())));
--> statement-breakpoint
CREATE POLICY service_plans_write ON service_plans FOR ALL
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE organization_plans ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY organization_plans_read ON organization_plans FOR SELECT
  USING (org_id = ANY (tutti_org_ids()) OR support_org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
CREATE POLICY organization_plans_write ON organization_plans FOR ALL
  USING (support_org_id = ANY (tutti_org_ids())) WITH CHECK (support_org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE usage_snapshots ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY usage_snapshots_read ON usage_snapshots FOR SELECT
  USING (org_id = ANY (tutti_org_ids()) OR support_org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY invoices_read ON invoices FOR SELECT
  USING (org_id = ANY (tutti_org_ids()) OR support_org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
CREATE POLICY invoices_write ON invoices FOR ALL
  USING (support_org_id = ANY (tutti_org_ids())) WITH CHECK (support_org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE invoice_lines ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY invoice_lines_read ON invoice_lines FOR SELECT
  USING (org_id = ANY (tutti_org_ids()) OR support_org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE payments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY payments_read ON payments FOR SELECT
  USING (org_id = ANY (tutti_org_ids()) OR support_org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
CREATE POLICY payments_write ON payments FOR ALL
  USING (support_org_id = ANY (tutti_org_ids())) WITH CHECK (support_org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE billing_reminders ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY billing_reminders_read ON billing_reminders FOR SELECT
  USING (org_id = ANY (tutti_org_ids()) OR support_org_id = ANY (tutti_org_ids()));
