import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createApiClient, type ApiClient } from '@tutti/client';
import { rowsOf, testDatabaseKinds } from '@tutti/hub';
import { startTestStack, until, type TestStack } from '../harness.ts';

interface EventRow {
  seq: number;
  kind: string;
  serial: string | null;
  status: string | null;
}

async function storedEvents(stack: TestStack): Promise<EventRow[]> {
  const result = await stack.database.db.execute(
    sql`SELECT seq::int AS seq, kind, serial, payload->>'status' AS status FROM device_events ORDER BY seq`,
  );
  return rowsOf<EventRow>(result);
}

describe.each(await testDatabaseKinds())('simulated site → agent → hub on %s', (databaseKind) => {
  const pidBase = 100 + (process.pid % 50);
  const enabledSubnet = `127.${pidBase}.${databaseKind === 'pglite' ? 1 : 3}.0`;
  const disabledSubnet = `127.${pidBase}.${databaseKind === 'pglite' ? 2 : 4}.0`;
  let stack: TestStack;
  let api: ApiClient;

  beforeAll(async () => {
    stack = await startTestStack({
      databaseKind,
      subnets: [enabledSubnet, disabledSubnet],
      disabledSubnets: [disabledSubnet],
      devicesPerSubnet: 6,
    });
    api = createApiClient({ baseUrl: stack.baseUrl, keepCookies: true });
    await api.signIn({ email: stack.adminEmail, password: stack.adminPassword });
  });
  afterAll(async () => stack?.close());

  const onSubnet = (subnet: string) =>
    stack.simulator.devices().filter((d) => d.address.startsWith(subnet.slice(0, -1)));

  it('discovers the devices of the enabled subnet only, with their identity and place in the stack', async () => {
    const dsps = onSubnet(enabledSubnet);
    const expectedSerials = dsps.flatMap((d) => [d.spec.serial, ...(d.spec.peripherals ?? []).map((p) => p.serial)]);
    await until(async () => (await api.listDevices({ limit: 500 })).total >= expectedSerials.length, 200);
    const listed = (await api.listDevices({ limit: 500 })).items;
    expect(listed.map((d) => d.serial).sort()).toEqual([...expectedSerials].sort());
    const first = dsps[0]!;
    const device = listed.find((d) => d.serial === first.spec.serial)!;
    expect(device.model).toBe(first.spec.model);
    expect(device.firmware).toBe(first.spec.firmware);
    expect(device.accessIp).toBe(first.address);
    expect(device.connectionPath).toContain(`Server ${stack.agentName} > Subnet ${enabledSubnet}`);
    for (const hidden of onSubnet(disabledSubnet)) {
      expect(listed.some((d) => d.serial === hidden.spec.serial)).toBe(false);
    }
  });

  it('shows a simulated status change through the API', async () => {
    const target = onSubnet(enabledSubnet)[0]!;
    target.setLocate(true);
    await until(async () => {
      const { items } = await api.listDevices({ q: target.spec.serial });
      return items.find((d) => d.serial === target.spec.serial)?.status === 'locate_light_on';
    });
    target.setLocate(false);
    await until(async () => {
      const { items } = await api.listDevices({ q: target.spec.serial });
      return items.find((d) => d.serial === target.spec.serial)?.status === 'healthy';
    });
  });

  it('delivers every event exactly once across a hub outage', async () => {
    const flipping = onSubnet(enabledSubnet).slice(0, 3);
    await until(() => stack.agent.status().outbox.depth === 0);
    await stack.stopHub();

    // While the hub is down each device overheats and cools down several times.
    const expected = new Map<string, string[]>();
    for (let round = 0; round < 4; round += 1) {
      for (const device of flipping) {
        device.setTemperature(round % 2 === 0 ? 82 : 40);
        expected.set(device.spec.serial, [
          ...(expected.get(device.spec.serial) ?? []),
          round % 2 === 0 ? 'overheating' : 'healthy',
        ]);
      }
      await until(() =>
        flipping.every(
          (device) =>
            stack.agent.status().devices.find((d) => d.serial === device.spec.serial)?.status ===
            (round % 2 === 0 ? 'overheating' : 'healthy'),
        ),
      );
    }
    expect(stack.agent.status().outbox.depth).toBeGreaterThanOrEqual(flipping.length * 4);

    await stack.startHub();
    await until(() => stack.agent.status().outbox.depth === 0 && stack.agent.status().link.state === 'connected');

    const events = await storedEvents(stack);
    const seqs = events.map((event) => event.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1));
    expect(seqs.at(-1)).toBe(stack.agent.status().outbox.lastSeq);
    for (const device of flipping) {
      const statuses = events
        .filter((e) => e.kind === 'device.status' && e.serial === device.spec.serial)
        .map((e) => e.status);
      expect(statuses.slice(-4)).toEqual(expected.get(device.spec.serial));
    }
    const { items } = await api.listDevices({ limit: 500 });
    for (const device of flipping) expect(items.find((d) => d.serial === device.spec.serial)?.status).toBe('healthy');
  });
});
