-- Chat, calls and COLLABORATE Space links are tenant data. Everyone with a membership in the organization (its own
-- people and support people granted access there) sees its channels and threads; direct conversations are also
-- checked against their members in code. Nobody else sees them.
GRANT SELECT, INSERT, UPDATE, DELETE
  ON conversations, conversation_members, messages, message_attachments, calls, space_accounts, space_link_requests
  TO tutti_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON SEQUENCE messages_id_seq TO tutti_app;
--> statement-breakpoint
ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY conversations_tenant ON conversations
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE conversation_members ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY conversation_members_tenant ON conversation_members
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY messages_tenant ON messages
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE message_attachments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY message_attachments_tenant ON message_attachments
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE calls ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY calls_tenant ON calls
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE space_accounts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY space_accounts_tenant ON space_accounts
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
--> statement-breakpoint
ALTER TABLE space_link_requests ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY space_link_requests_tenant ON space_link_requests
  USING (org_id = ANY (tutti_org_ids())) WITH CHECK (org_id = ANY (tutti_org_ids()));
