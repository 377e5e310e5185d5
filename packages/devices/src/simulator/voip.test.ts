import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceState } from '../driver/device-state.ts';
import { connectDevice, type DeviceSession } from '../driver/session.ts';
import { deriveStatus } from '../driver/status.ts';
import { sipSettingCommands, type SipSettingsInput } from '../sip-account.ts';
import { connectRaw, type RawClient } from '../testing/raw-client.ts';
import { decideRegistration, type SimulatedRegistrar } from './registrar.ts';
import { createSimulator } from './simulator.ts';
import type { SimulatedDeviceSpec, Simulator } from './types.ts';

// This file owns 127.31.7.0/24 with discovery on its own port.
const PORT = 2323;
const DISCOVERY_PORT = 50141;
const registrar: SimulatedRegistrar = {
  servers: [
    { host: 'pbx.site.test', accounts: { '2001': 'right-secret', '2002': 'other-secret' } },
    { host: 'open.site.test' },
  ],
};
const unit: SimulatedDeviceSpec = {
  address: '127.31.7.10',
  model: 'CONVERGE_PRO_2_128V',
  boxName: 'Voip_Dsp',
  serial: '0196-7000-10',
  mac: '00:06:E2:70:00:10',
  firmware: '5.2.0.7',
  stackName: 'VOIP',
  boxNumber: 1,
};

const settings = (overrides: Partial<SipSettingsInput> = {}): SipSettingsInput => ({
  server: 'pbx.site.test',
  port: 5060,
  transport: 'UDP',
  user: '2001',
  authUser: '2001',
  password: 'right-secret',
  extension: '2001',
  displayName: 'Board Room',
  ...overrides,
});

describe('simulated SIP registrar', () => {
  it.each([
    [{}, null],
    [{ password: 'wrong' }, '401 Unauthorized'],
    [{ authUser: '2999' }, '404 Not Found'],
    [{ server: 'nowhere.site.test' }, '408 Request Timeout'],
    [{ port: 5070 }, '408 Request Timeout'],
    [{ transport: 'TLS' as const, port: 5061 }, null],
    [{ server: 'open.site.test', authUser: 'anyone', password: 'x' }, null],
    [{ server: 'open.site.test', password: '' }, '401 Unauthorized'],
    [{ user: '' }, 'No SIP account configured'],
  ])('%o → %s', (overrides, reason) => {
    const outcome = decideRegistration(registrar, settings(overrides));
    expect(outcome.registered ? null : outcome.reason).toBe(reason);
  });
});

describe('VoIP line settings, restart pending and registration (§6.4)', () => {
  let simulator: Simulator;
  let raw: RawClient;
  let session: DeviceSession;
  let latest: DeviceState;

  beforeAll(async () => {
    simulator = createSimulator({ devices: [unit], port: PORT, discoveryPort: DISCOVERY_PORT, registrar });
    await simulator.start();
    raw = await connectRaw(unit.address, PORT);
    await raw.logIn();
    session = await connectDevice({
      address: unit.address,
      port: PORT,
      username: 'clearone',
      password: 'converge',
      discoveryPort: DISCOVERY_PORT,
      boxName: unit.boxName,
      timeoutMs: 2_000,
    });
    latest = await session.readState();
    session.onStateChange((state) => (latest = state));
    await session.subscribe();
  });

  afterAll(async () => {
    raw.destroy();
    await session.close();
    await simulator.close();
  });

  it('starts registered on the default account, with no reason and nothing pending', async () => {
    expect(await raw.ask('EP UA 101 INQUIRE REG_STATUS')).toBe('EP UA 101 INQUIRE REG_STATUS REGISTERED');
    expect(await raw.ask('EP UA 101 INQUIRE REG_REASON')).toBe('EP UA 101 INQUIRE REG_REASON NONE');
    expect(await raw.ask('EP UA 101 INQUIRE SIP_ACCOUNT')).toBe(
      'EP UA 101 INQUIRE SIP_ACCOUNT SERVER=127.30.0.5;PORT=5060;TRANSPORT=UDP;USER=101;AUTH_USER=101;EXTENSION=101;DISPLAY_NAME=;PENDING=0',
    );
    expect(await raw.ask('BOX Voip_Dsp VOIP RESTART_PENDING')).toBe('BOX Voip_Dsp VOIP RESTART_PENDING 0');
  });

  it('refuses malformed settings and never reads the password back', async () => {
    expect(await raw.ask('EP UA 101 SETTINGS SIP_TRANSPORT SCTP')).toBe('Error Value Out Of Range');
    expect(await raw.ask('EP UA 101 SETTINGS SIP_PORT 70000')).toBe('Error Value Out Of Range');
    expect(await raw.ask('EP UA 101 SETTINGS SIP_SERVER bad_host!')).toBe('Error Value Out Of Range');
    expect(await raw.ask('EP UA 101 SETTINGS AUTH_PASSWORD')).toBe('EP UA 101 SETTINGS AUTH_PASSWORD ********');
    expect(await raw.ask('BOX Voip_Dsp VOIP RESTART_PENDING')).toBe('BOX Voip_Dsp VOIP RESTART_PENDING 0');
  });

  it('holds written settings as Restart Pending until VOIP RESTART, then registers line 1 and fails line 2 with the reason', async () => {
    for (const line of sipSettingCommands('101', settings())) {
      expect(await raw.ask(line)).not.toMatch(/Error/);
    }
    for (const line of sipSettingCommands('102', settings({ user: '2002', authUser: '2002', password: 'wrong' }))) {
      expect(await raw.ask(line)).not.toMatch(/Error/);
    }
    expect(await raw.ask('EP UA 101 SETTINGS DISPLAY_NAME')).toBe('EP UA 101 SETTINGS DISPLAY_NAME Board Room');
    expect(await raw.ask('BOX Voip_Dsp VOIP RESTART_PENDING')).toBe('BOX Voip_Dsp VOIP RESTART_PENDING 1');
    // Nothing applies before the restart: the old registration stands.
    expect(await raw.ask('EP UA 102 INQUIRE REG_STATUS')).toBe('EP UA 102 INQUIRE REG_STATUS REGISTERED');
    await expect.poll(() => session.readState().then((state) => state.uaDetails['101']?.account?.pending)).toBe(true);
    let state = await session.readState();
    expect(deriveStatus({ reachable: true, loginFailed: false, state })).toBe('voip_restart_pending');
    expect(state.uaDetails['101']?.account).toMatchObject({ server: 'pbx.site.test', user: '2001', pending: true });

    expect(await raw.ask('BOX Voip_Dsp VOIP RESTART')).toBe('BOX Voip_Dsp VOIP RESTART');
    expect(await raw.ask('EP UA 101 INQUIRE REG_STATUS')).toBe('EP UA 101 INQUIRE REG_STATUS REGISTERED');
    expect(await raw.ask('EP UA 102 INQUIRE REG_STATUS')).toBe('EP UA 102 INQUIRE REG_STATUS FAILED');
    expect(await raw.ask('EP UA 102 INQUIRE REG_REASON')).toBe('EP UA 102 INQUIRE REG_REASON 401 Unauthorized');
    expect(await raw.ask('BOX Voip_Dsp VOIP RESTART_PENDING')).toBe('BOX Voip_Dsp VOIP RESTART_PENDING 0');

    // The subscribed session learns it all from status lines, without asking.
    await expect.poll(() => latest.uaDetails['102']?.reason ?? null).toBe('401 Unauthorized');
    state = latest;
    expect(state.uaRegistration).toEqual({ '101': 'REGISTERED', '102': 'FAILED' });
    expect(state.uaDetails['101']?.account?.pending).toBe(false);
    expect(deriveStatus({ reachable: true, loginFailed: false, state })).toBe('voip_registration_failed');
  });

  it('a server the site does not have times out; correcting the account and restarting registers again', async () => {
    expect(await raw.ask('EP UA 102 SETTINGS SIP_SERVER nowhere.site.test')).toBe(
      'EP UA 102 SETTINGS SIP_SERVER nowhere.site.test',
    );
    await raw.ask('BOX Voip_Dsp VOIP RESTART');
    expect(await raw.ask('EP UA 102 INQUIRE REG_REASON')).toBe('EP UA 102 INQUIRE REG_REASON 408 Request Timeout');
    for (const line of sipSettingCommands(
      '102',
      settings({ user: '2002', authUser: '2002', password: 'other-secret' }),
    )) {
      await raw.ask(line);
    }
    await raw.ask('BOX Voip_Dsp VOIP RESTART');
    expect(await raw.ask('EP UA 102 INQUIRE REG_STATUS')).toBe('EP UA 102 INQUIRE REG_STATUS REGISTERED');
    await expect.poll(() => latest.registration).toBe('REGISTERED');
    expect(latest.uaDetails['102']?.reason).toBeNull();
    expect(deriveStatus({ reachable: true, loginFailed: false, state: latest })).toBe('healthy');
  });
});
