import { isAppError, modelInfo } from '@tutti/protocol';
import { DEFAULT_CREDENTIALS } from './box.ts';
import type { Misbehaviour, SimulatedDevice, SimulatedPeripheral, Simulator } from './types.ts';

/** Fault commands `tutti sim` reads from stdin; each answers with one message. */
export interface FaultController {
  execute(line: string): Promise<string>;
  /** Stops flapping and chaos timers. */
  close(): void;
}

export interface CreateFaultControllerOptions {
  /** Random source for chaos and generated passwords. Default Math.random. */
  random?: () => number;
  /** Things that happen later (a restart finished, a chaos event): one line each. */
  onEvent?: (message: string) => void;
}

const HOT_C = 82;
const NORMAL_C = 41;
/** Chaos undoes each fault after this long, so a chaotic site keeps moving rather than decaying. */
const CHAOS_RECOVERY_MS = 20_000;
const MAX_CHAOS_PER_MINUTE = 6_000;

const help = `Commands (serials as in \`list\`; peripherals take down/up/locate):
  list [text]                      units (and peripherals) whose serial, model or address contains text
  down <serial> | up <serial>      unit stops/starts answering; a peripheral drops off/rejoins its P-Link chain
  overheat <serial> [°C] | cool <serial>
  login-fail <serial> | login-ok <serial>     other password on the unit | back to the site's
  voip-fail <serial> | voip-ok <serial>       SIP registrar rejects | accepts the unit's lines
  voip-restart-pending <serial>
  locate <serial> [on|off]
  safety-mute <serial> [on|off]
  restart <serial>                 reboot (Restarting..., then back)
  update-firmware <serial>         firmware transfer (Updating Firmware), then a reboot
  unconfigure <serial> | configure <serial>   no project (Unconfigured) | load one (Configuring...)
  comm-fail <serial> | comm-ok <serial>       COLLABORATE Live communication service
  misbehave <serial> none|mute|slow <ms>|garbage|reset-mid-reply|half-open
  flap <serial> [periodSeconds] | flap <serial> off
  chaos <eventsPerMinute> | chaos off
  help`;

const targetCommands = new Set([
  'down',
  'up',
  'locate',
  'flap',
  'overheat',
  'cool',
  'login-fail',
  'login-ok',
  'voip-fail',
  'voip-ok',
  'voip-restart-pending',
  'safety-mute',
  'restart',
  'update-firmware',
  'unconfigure',
  'configure',
  'comm-fail',
  'comm-ok',
  'misbehave',
]);

type Target = { kind: 'unit'; unit: SimulatedDevice } | { kind: 'peripheral'; peripheral: SimulatedPeripheral };

function parseOnOff(value: string | undefined): boolean | undefined {
  if (value === undefined || value === 'on' || value === '1') return true;
  if (value === 'off' || value === '0') return false;
  return undefined;
}

function parseMisbehaviour(mode: string | undefined, argument: string | undefined): Misbehaviour | string {
  switch (mode ?? '') {
    case 'none':
    case 'mute':
    case 'garbage':
    case 'reset-mid-reply':
    case 'half-open':
      return { mode: mode as 'none' | 'mute' | 'garbage' | 'reset-mid-reply' | 'half-open' };
    case 'slow': {
      const delayMs = Number(argument ?? '2000');
      return Number.isFinite(delayMs) && delayMs >= 0
        ? { mode: 'slow', delayMs }
        : 'slow takes a delay in ms, e.g. slow 3000';
    }
    default:
      return 'misbehave takes none, mute, slow <ms>, garbage, reset-mid-reply or half-open';
  }
}

/**
 * Interprets fault commands against a running simulator. Pure apart from the simulator it drives and
 * the flap/chaos timers it keeps (stopped by `close()`).
 */
export function createFaultController(
  simulator: Simulator,
  options: CreateFaultControllerOptions = {},
): FaultController {
  const random = options.random ?? Math.random;
  const report = options.onEvent ?? (() => undefined);
  const flaps = new Map<string, NodeJS.Timeout>();
  let chaos: NodeJS.Timeout | undefined;
  const recoveries = new Set<NodeJS.Timeout>();

  function find(serial: string | undefined): Target | string {
    if (serial === undefined) return 'Which device? Give its serial (see `list`).';
    const unit = simulator.device(serial);
    if (unit) return { kind: 'unit', unit };
    const peripheral = simulator.peripheral(serial);
    if (peripheral) return { kind: 'peripheral', peripheral };
    return `No simulated device or peripheral has serial ${serial} (see \`list\`).`;
  }

  function unitOnly(target: Target, serial: string): SimulatedDevice | string {
    return target.kind === 'unit' ? target.unit : `${serial} is a P-Link peripheral: only down, up and locate apply.`;
  }

  async function setUp(target: Target, up: boolean): Promise<void> {
    if (target.kind === 'peripheral') target.peripheral.setLink(up);
    else if (up) await target.unit.comeBack();
    else await target.unit.goDown();
  }

  function list(filter: string | undefined): string {
    const lines: string[] = [];
    for (const unit of simulator.devices()) {
      const text = `${unit.spec.serial} ${unit.spec.model} ${unit.address}:${unit.port}`;
      const state = [unit.up ? 'up' : 'down', unit.unitState.toLowerCase()];
      if (unit.misbehaviour.mode !== 'none') state.push(unit.misbehaviour.mode);
      if (filter === undefined || text.includes(filter))
        lines.push(`${text} ${unit.spec.boxName} [${state.join(', ')}]`);
      for (const peripheral of unit.peripherals()) {
        const ptext = `  ${peripheral.spec.serial} ${peripheral.spec.model} P-Link ${peripheral.spec.plink}`;
        if (filter === undefined || ptext.includes(filter) || text.includes(filter)) {
          lines.push(`${ptext} [${peripheral.linkUp ? 'linked' : 'off the chain'}]`);
        }
      }
    }
    return lines.length > 0 ? lines.join('\n') : 'Nothing matches.';
  }

  function stopFlap(serial: string): boolean {
    const timer = flaps.get(serial);
    clearInterval(timer);
    return flaps.delete(serial);
  }

  function later(ms: number, action: () => Promise<void> | void): void {
    const timer = setTimeout(() => {
      recoveries.delete(timer);
      Promise.resolve(action()).catch((error: unknown) => report(`chaos: ${(error as Error).message}`));
    }, ms).unref();
    recoveries.add(timer);
  }

  /** One random fault on one random unit (or peripheral), undone after a while. */
  async function chaosEvent(): Promise<void> {
    const units = simulator.devices();
    const unit = units[Math.floor(random() * units.length)];
    if (!unit) return;
    const peripherals = unit.peripherals();
    const codec = modelInfo(unit.spec.model).family === 'collaborate_live';
    const roll = Math.floor(random() * 7);
    const serial = unit.spec.serial;
    if (roll === 0 || !unit.up) {
      await unit.goDown();
      report(`chaos: ${serial} down`);
      later(CHAOS_RECOVERY_MS, () => unit.comeBack());
    } else if (codec) {
      unit.setCommunicationService(false);
      report(`chaos: ${serial} communication service failed`);
      later(CHAOS_RECOVERY_MS, () => unit.setCommunicationService(true));
    } else if (roll === 1) {
      unit.setTemperature(HOT_C);
      report(`chaos: ${serial} overheating`);
      later(CHAOS_RECOVERY_MS, () => unit.setTemperature(NORMAL_C));
    } else if (roll === 2 && unit.uaLines > 0) {
      unit.setRegistration('FAILED');
      report(`chaos: ${serial} VoIP registration failed`);
      later(CHAOS_RECOVERY_MS, () => unit.setRegistration('REGISTERED'));
    } else if (roll === 3) {
      report(`chaos: ${serial} restarting`);
      void unit.restart();
    } else if (roll === 4 && peripherals.length > 0) {
      const peripheral = peripherals[Math.floor(random() * peripherals.length)] as SimulatedPeripheral;
      peripheral.setLink(false);
      report(`chaos: ${peripheral.spec.serial} off its P-Link chain`);
      later(CHAOS_RECOVERY_MS, () => peripheral.setLink(true));
    } else {
      unit.setLocate(true);
      report(`chaos: ${serial} locate light on`);
    }
  }

  async function run(words: string[]): Promise<string> {
    const [command = '', serial, argument, extra] = words;
    switch (command) {
      case '':
        return '';
      case 'help':
        return help;
      case 'list':
        return list(serial);
      case 'chaos': {
        clearInterval(chaos);
        chaos = undefined;
        if (serial === 'off') return 'Chaos off.';
        const rate = Number(serial);
        if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_CHAOS_PER_MINUTE) {
          return `chaos takes events per minute (0 < rate ≤ ${MAX_CHAOS_PER_MINUTE}) or off.`;
        }
        chaos = setInterval(() => {
          chaosEvent().catch((error: unknown) => report(`chaos: ${(error as Error).message}`));
        }, 60_000 / rate);
        chaos.unref();
        return `Chaos on: about ${rate} random faults a minute, each undone after ${CHAOS_RECOVERY_MS / 1000} s.`;
      }
      default:
        break;
    }
    if (!targetCommands.has(command)) return `Unknown command "${command}". Type help.`;
    const target = find(serial);
    if (typeof target === 'string') return target;
    const name = serial ?? '';
    switch (command) {
      case 'down':
        stopFlap(name);
        await setUp(target, false);
        return target.kind === 'unit'
          ? `${name} is down: connections refused, discovery silent.`
          : `${name} dropped off its P-Link chain.`;
      case 'up':
        stopFlap(name);
        await setUp(target, true);
        return target.kind === 'unit' ? `${name} is up.` : `${name} is back on its P-Link chain.`;
      case 'locate': {
        const on = parseOnOff(argument);
        if (on === undefined) return 'locate takes on or off.';
        if (target.kind === 'peripheral') target.peripheral.setLocate(on);
        else target.unit.setLocate(on);
        return `${name}: locate light ${on ? 'on' : 'off'}.`;
      }
      case 'flap': {
        if (argument === 'off') return stopFlap(name) ? `${name} stops flapping.` : `${name} was not flapping.`;
        const period = Number(argument ?? '10');
        if (!Number.isFinite(period) || period <= 0) return 'flap takes a period in seconds, or off.';
        stopFlap(name);
        let up = false;
        const timer = setInterval(
          () => {
            setUp(target, up).catch((error: unknown) => report(`flap: ${(error as Error).message}`));
            up = !up;
          },
          (period * 1000) / 2,
        );
        timer.unref();
        flaps.set(name, timer);
        await setUp(target, false);
        return `${name} flaps: down and up every ${period} s (flap ${name} off to stop).`;
      }
      default:
        break;
    }
    const unit = unitOnly(target, name);
    if (typeof unit === 'string') return unit;
    switch (command) {
      case 'overheat': {
        const celsius = Number(argument ?? HOT_C);
        if (!Number.isFinite(celsius)) return 'overheat takes a temperature in °C.';
        unit.setTemperature(celsius);
        return `${name} now reports ${celsius.toFixed(1)} °C.`;
      }
      case 'cool':
        unit.setTemperature(NORMAL_C);
        return `${name} now reports ${NORMAL_C.toFixed(1)} °C.`;
      case 'login-fail': {
        const password = `wrong-${Math.floor(random() * 1e6)}`;
        unit.setCredentials(unit.spec.credentials?.username ?? DEFAULT_CREDENTIALS.username, password);
        return `${name} now expects password ${password}: logins with the site's credentials fail.`;
      }
      case 'login-ok': {
        const credentials = unit.spec.credentials ?? DEFAULT_CREDENTIALS;
        unit.setCredentials(credentials.username, credentials.password);
        return `${name} accepts its original credentials again.`;
      }
      case 'voip-fail':
        unit.setRegistration('FAILED');
        return `${name}: the SIP registrar rejects every line.`;
      case 'voip-ok':
        unit.setRegistration('REGISTERED');
        unit.setVoipRestartPending(false);
        return `${name}: every line registered.`;
      case 'voip-restart-pending':
        unit.setVoipRestartPending(true);
        return `${name}: SIP settings changed, waiting for a VoIP restart.`;
      case 'safety-mute': {
        const on = parseOnOff(argument);
        if (on === undefined) return 'safety-mute takes on or off.';
        unit.setSafetyMute(on);
        return `${name}: safety mute ${on ? 'on' : 'off'} (the whole stack).`;
      }
      case 'restart':
        unit.restart().then(
          () => report(`${name} is back from its restart.`),
          (error: unknown) => report(`${name}: ${(error as Error).message}`),
        );
        return `${name} is restarting.`;
      case 'update-firmware':
        unit.updateFirmware(argument).then(
          () => report(`${name} finished its firmware update.`),
          (error: unknown) => report(`${name}: ${(error as Error).message}`),
        );
        return `${name} is updating its firmware.`;
      case 'unconfigure':
        unit.setConfigured(false);
        return `${name} has no project loaded (Unconfigured).`;
      case 'configure':
        unit.loadConfig(argument).then(
          () => report(`${name} finished loading its project.`),
          (error: unknown) => report(`${name}: ${(error as Error).message}`),
        );
        return `${name} is loading a project (Configuring).`;
      case 'comm-fail':
        unit.setCommunicationService(false);
        return `${name}: communication service failed.`;
      case 'comm-ok':
        unit.setCommunicationService(true);
        return `${name}: communication service running.`;
      case 'misbehave': {
        const misbehaviour = parseMisbehaviour(argument, extra);
        if (typeof misbehaviour === 'string') return misbehaviour;
        unit.setMisbehaviour(misbehaviour);
        return `${name} now misbehaves: ${misbehaviour.mode}.`;
      }
      default:
        return `Unknown command "${command}". Type help.`;
    }
  }

  return {
    async execute(line) {
      try {
        return await run(line.trim().split(/\s+/));
      } catch (error) {
        if (isAppError(error)) return error.message;
        throw error;
      }
    },
    close() {
      clearInterval(chaos);
      for (const timer of flaps.values()) clearInterval(timer);
      flaps.clear();
      for (const timer of recoveries) clearTimeout(timer);
      recoveries.clear();
    },
  };
}
