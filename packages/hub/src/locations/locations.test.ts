import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DeviceList, LocationDto, LocationList } from '@tutti/protocol';
import { rowsOf } from '../db/index.ts';
import { makeDevices, makeOrg, makeUser } from '../testing/factories.ts';
import { signInCookies } from '../testing/sign-in.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

let hub: TestHub;
let orgId: string;
let cookies: Record<string, string>;
let monitorCookies: Record<string, string>;
let deviceIds: string[];

beforeAll(async () => {
  hub = await startTestHub();
  const org = await makeOrg(hub.database.db, { name: 'Locations Inc' });
  orgId = org.id;
  const admin = await makeUser(hub.database.db, org.id);
  const monitor = await makeUser(hub.database.db, org.id, { role: 'monitor' });
  await makeDevices(hub.database.db, org.id, 5);
  cookies = await signInCookies(hub.app, admin.email, admin.password);
  monitorCookies = await signInCookies(hub.app, monitor.email, monitor.password);
  const list = await hub.app.inject({ method: 'GET', url: '/api/v1/devices?sort=serial', cookies });
  deviceIds = list.json<DeviceList>().items.map((device) => device.id);
});
afterAll(async () => hub.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, as = cookies) =>
  hub.app.inject({ method, url: `/api/v1${url}`, cookies: as, ...(payload ? { payload } : {}) });

async function add(name: string, kind: string, parentId: string | null = null): Promise<LocationDto> {
  const response = await call('POST', '/locations', { name, kind, parentId });
  expect(response.statusCode).toBe(201);
  return response.json<LocationDto>();
}

const tree = async () => (await call('GET', '/locations')).json<LocationList>();
const byName = async (name: string) => (await tree()).items.find((item) => item.name === name)!;
const devices = async (query: string) => (await call('GET', `/devices?${query}`)).json<DeviceList>();

describe('locations', () => {
  it('builds a tree, assigns devices, rolls counts up, filters the device list by subtree, moves and deletes', async () => {
    const virginia = await add('Virginia', 'building');
    const demoKit = await add("Terry's Demo Kit", 'room', virginia.id);
    expect(demoKit.path).toBe("Virginia > Terry's Demo Kit");
    const florida = await add('Florida', 'other');
    const miami = await add('Miami HQ', 'building', florida.id);
    const floor = await add('Floor 3', 'floor', miami.id);
    const boardroom = await add('Boardroom', 'room', floor.id);

    const duplicate = await call('POST', '/locations', { name: 'miami hq', parentId: florida.id });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('LOCATION_NAME_TAKEN');
    const orphan = await call('POST', '/locations', { name: 'X', parentId: '00000000-0000-4000-8000-000000000000' });
    expect(orphan.json().error.code).toBe('LOCATION_NOT_FOUND');
    expect((await call('POST', '/locations', { name: ' ' })).json().error.code).toBe('VALIDATION_FAILED');

    const [first, second, third, fourth] = deviceIds;
    const assigned = await call('POST', '/locations/assign', {
      locationId: boardroom.id,
      deviceIds: [first, second, third],
    });
    expect(assigned.json()).toEqual({ assigned: 3 });
    await call('POST', '/locations/assign', { locationId: demoKit.id, deviceIds: [fourth] });

    const listed = await tree();
    expect(listed.items.map((item) => item.path)).toEqual([
      'Virginia',
      "Virginia > Terry's Demo Kit",
      'Florida',
      'Florida > Miami HQ',
      'Florida > Miami HQ > Floor 3',
      'Florida > Miami HQ > Floor 3 > Boardroom',
    ]);
    const floridaNow = listed.items.find((item) => item.id === florida.id)!;
    expect(floridaNow.devices).toEqual({ healthy: 3, issue: 0, down: 0, total: 3 });
    expect(floridaNow.directDevices).toBe(0);
    expect(listed.unassigned.total).toBe(1);

    const inFlorida = await devices(`location=${florida.id}`);
    expect(inFlorida.total).toBe(3);
    expect(inFlorida.items[0]!.location).toBe('Florida > Miami HQ > Floor 3 > Boardroom');
    expect((await devices(`location=${demoKit.id}`)).items[0]).toMatchObject({
      id: fourth,
      location: "Virginia > Terry's Demo Kit",
      locationId: demoKit.id,
    });
    expect((await devices('location=none')).total).toBe(1);
    // Sorted by path: Florida's Boardroom before Virginia's Demo Kit; the unassigned device last, first descending.
    const byPath = (query: string) => devices(query).then((list) => list.items.map((item) => item.location));
    const boardroomPath = 'Florida > Miami HQ > Floor 3 > Boardroom';
    const demoKitPath = "Virginia > Terry's Demo Kit";
    expect(await byPath('sort=location')).toEqual([boardroomPath, boardroomPath, boardroomPath, demoKitPath, null]);
    expect(await byPath('sort=-location')).toEqual([null, demoKitPath, boardroomPath, boardroomPath, boardroomPath]);
    const sortedCsv = await call('GET', '/devices/export.csv?sort=location&columns=location');
    expect(sortedCsv.body.trim().split('\n').slice(1, 5)).toEqual([
      boardroomPath,
      boardroomPath,
      boardroomPath,
      demoKitPath,
    ]);

    const csv = await call(
      'GET',
      `/devices/export.csv?location=${florida.id}&sort=-serial&columns=serial&columns=location`,
    );
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const serials = [first, second, third].map((id) => inFlorida.items.find((item) => item.id === id)!.serial).sort();
    expect(csv.body).toBe(
      [
        'Serial Number,Location',
        ...serials.reverse().map((serial) => `${serial},Florida > Miami HQ > Floor 3 > Boardroom`),
      ]
        .join('\n')
        .concat('\n'),
    );
    expect((await call('GET', '/devices/export.csv?columns=colour')).statusCode).toBe(400);
    expect((await call('GET', '/devices?location=florida')).json().error.code).toBe('VALIDATION_FAILED');

    const cycle = await call('PATCH', `/locations/${florida.id}`, { parentId: boardroom.id });
    expect(cycle.statusCode).toBe(409);
    expect(cycle.json().error.code).toBe('LOCATION_CYCLE');
    const moved = await call('PATCH', `/locations/${floor.id}`, { parentId: virginia.id, name: 'Floor 4' });
    expect(moved.json<LocationDto>()).toMatchObject({ path: 'Virginia > Floor 4', devices: { total: 3 } });
    expect((await byName('Virginia')).devices.total).toBe(4);
    expect((await byName('Florida')).devices.total).toBe(0);

    const deleted = await call('DELETE', `/locations/${floor.id}`);
    expect(deleted.json()).toEqual({ devicesMovedTo: virginia.id, devicesMoved: 0, childrenMoved: 1 });
    expect((await byName('Boardroom')).path).toBe('Virginia > Boardroom');
    const deletedRoom = await call('DELETE', `/locations/${boardroom.id}`);
    expect(deletedRoom.json()).toEqual({ devicesMovedTo: virginia.id, devicesMoved: 3, childrenMoved: 0 });
    expect((await byName('Virginia')).directDevices).toBe(3);
    await call('DELETE', `/locations/${demoKit.id}`);
    const top = await call('DELETE', `/locations/${virginia.id}`);
    expect(top.json()).toEqual({ devicesMovedTo: null, devicesMoved: 4, childrenMoved: 0 });
    expect((await devices('location=none')).total).toBe(5);

    const actions = rowsOf<{ action: string }>(
      await hub.database.db.execute(
        sql`SELECT action FROM audit_log WHERE org_id = ${orgId}::uuid AND (action LIKE 'location.%' OR action = 'device.assign_location') ORDER BY id`,
      ),
    ).map((row) => row.action);
    expect(actions).toEqual(
      expect.arrayContaining(['location.create', 'device.assign_location', 'location.move', 'location.delete']),
    );
  });

  it('assigns all devices or none, and lets a monitor look but not change', async () => {
    const room = await add('Lab', 'room');
    const unknown = await call('POST', '/locations/assign', {
      locationId: room.id,
      deviceIds: [deviceIds[0], '00000000-0000-4000-8000-000000000001'],
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('DEVICE_NOT_FOUND');
    expect((await byName('Lab')).devices.total).toBe(0);

    expect((await call('GET', '/locations', undefined, monitorCookies)).statusCode).toBe(200);
    const denied = await call('POST', '/locations', { name: 'Nope' }, monitorCookies);
    expect(denied.statusCode).toBe(403);
    const deniedAssign = await call(
      'POST',
      '/locations/assign',
      { locationId: room.id, deviceIds: [deviceIds[0]] },
      monitorCookies,
    );
    expect(deniedAssign.statusCode).toBe(403);
  });
});
