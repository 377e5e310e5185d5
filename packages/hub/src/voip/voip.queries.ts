import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../db/index.ts';
import { devices, voipLines } from '../db/schema.ts';

export type VoipLineRow = typeof voipLines.$inferSelect;

export interface VoipLineInput {
  serial: string;
  line: number;
  state: string;
  reason: string | null;
  server: string;
  port: number;
  transport: string;
  user: string;
  extension: string;
  display_name: string;
  at: string;
}

/**
 * Stores the lines devices reported, many per statement. A line keeps `since` while its state and reason stay the
 * same; lines a device no longer reports are removed.
 */
export async function upsertVoipLines(db: Queryable, orgId: string, rows: readonly VoipLineInput[], serials: string[]) {
  if (serials.length === 0) return;
  const keys = rows.map((row) => `${row.serial}:${row.line}`);
  await db.execute(sql`
    DELETE FROM voip_lines AS v USING devices AS d
    WHERE v.device_id = d.id AND d.org_id = ${orgId}::uuid
      AND d.serial IN (SELECT jsonb_array_elements_text(${JSON.stringify(serials)}::jsonb))
      AND (d.serial || ':' || v.line) NOT IN (SELECT jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))`);
  if (rows.length === 0) return;
  await db.execute(sql`
    INSERT INTO voip_lines (org_id, device_id, line, state, reason, server, port, transport, "user", extension,
                            display_name, since, updated_at)
    SELECT d.org_id, d.id, r.line, r.state, r.reason, r.server, r.port, r.transport, r.user, r.extension,
           r.display_name, r.at, r.at
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
      serial text, line int, state text, reason text, server text, port int, transport text, "user" text,
      extension text, display_name text, at timestamptz)
    JOIN devices AS d ON d.org_id = ${orgId}::uuid AND d.serial = r.serial
    ON CONFLICT (device_id, line) DO UPDATE SET
      since = CASE WHEN voip_lines.state = EXCLUDED.state AND voip_lines.reason IS NOT DISTINCT FROM EXCLUDED.reason
              THEN voip_lines.since ELSE EXCLUDED.since END,
      state = EXCLUDED.state, reason = EXCLUDED.reason, server = EXCLUDED.server, port = EXCLUDED.port,
      transport = EXCLUDED.transport, "user" = EXCLUDED."user", extension = EXCLUDED.extension,
      display_name = EXCLUDED.display_name, updated_at = EXCLUDED.updated_at`);
}

export async function listVoipLines(db: Queryable, orgId: string, deviceId: string): Promise<VoipLineRow[]> {
  return db
    .select()
    .from(voipLines)
    .where(and(eq(voipLines.orgId, orgId), eq(voipLines.deviceId, deviceId)))
    .orderBy(asc(voipLines.line));
}

export interface VoipDeviceRow {
  id: string;
  serial: string;
  name: string;
  model: string;
}

export async function devicesBySerial(db: Queryable, orgId: string, serials: string[]): Promise<VoipDeviceRow[]> {
  if (serials.length === 0) return [];
  return db
    .select({ id: devices.id, serial: devices.serial, name: devices.name, model: devices.model })
    .from(devices)
    .where(and(eq(devices.orgId, orgId), inArray(devices.serial, serials)));
}

export async function findVoipDevice(db: Queryable, orgId: string, id: string): Promise<VoipDeviceRow | undefined> {
  const [row] = await db
    .select({ id: devices.id, serial: devices.serial, name: devices.name, model: devices.model })
    .from(devices)
    .where(and(eq(devices.orgId, orgId), eq(devices.id, id)));
  return row;
}
