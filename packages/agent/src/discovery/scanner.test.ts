import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { SubnetSetting } from '../config/agent-config.ts';
import type { DiscoveryAnswer, ProbeSubnetOptions } from '../sessions/device-driver.ts';
import { createScanner } from './scanner.ts';

const log = pino({ level: 'silent' });

function answerFor(subnet: string, host: number): DiscoveryAnswer {
  const ip = subnet.replace(/0$/, String(host));
  return {
    model: 'CONVERGE_PRO_2_128',
    boxName: `box-${ip}`,
    serial: `SN-${ip}`,
    mac: '00:06:E2:00:00:01',
    ip,
    telnetPort: 0,
    stackName: 'S',
  };
}

/** A driver whose sweeps answer at once through onAnswer and then listen for `tailMs`, recording overlap. */
function fakeDriver(tailMs: number) {
  const probed: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  return {
    probed,
    mostInFlight: () => mostInFlight,
    listening: () => inFlight > 0,
    async probeSubnet(subnet: string, options?: ProbeSubnetOptions): Promise<DiscoveryAnswer[]> {
      probed.push(subnet);
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      const answers = [answerFor(subnet, 10), answerFor(subnet, 11)];
      for (const answer of answers) options?.onAnswer?.(answer);
      await new Promise((resolve) => setTimeout(resolve, tailMs));
      inFlight -= 1;
      // A straggler heard only at the end still counts.
      return [...answers, answerFor(subnet, 12)];
    },
  };
}

const subnet = (name: string, enabled = true): SubnetSetting => ({ subnet: name, interfaceName: 'lo', enabled });

function scannerWith(driver: ReturnType<typeof fakeDriver>, subnets: SubnetSetting[], subnetConcurrency: number) {
  const heard: { ip: string; sweepListening: boolean }[] = [];
  const ended = new Map<string, ReadonlySet<string>>();
  let cycles = 0;
  const scanner = createScanner({
    driver,
    subnets: () => subnets,
    intervalMs: 60_000,
    concurrency: 64,
    subnetConcurrency,
    discoveryPort: 50_123,
    timeoutMs: 1_000,
    telnetPort: 2323,
    onAnswer: (answer) => heard.push({ ip: answer.ip, sweepListening: driver.listening() }),
    onScanEnd: (setting, answered) => ended.set(setting.subnet, answered),
    onCycleEnd: () => (cycles += 1),
    log,
  });
  return { scanner, heard, ended, cycles: () => cycles };
}

async function untilCycles(count: () => number, expected: number): Promise<void> {
  while (count() < expected) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('scanner', () => {
  it('passes answers on while the sweep still listens, then reports everything the sweep heard', async () => {
    const driver = fakeDriver(100);
    const { scanner, heard, ended, cycles } = scannerWith(driver, [subnet('127.40.1.0')], 4);
    scanner.start();
    await untilCycles(cycles, 1);
    await scanner.close();
    expect(heard).toEqual([
      { ip: '127.40.1.10', sweepListening: true },
      { ip: '127.40.1.11', sweepListening: true },
      { ip: '127.40.1.12', sweepListening: false },
    ]);
    expect([...ended.get('127.40.1.0')!]).toEqual(['SN-127.40.1.10', 'SN-127.40.1.11', 'SN-127.40.1.12']);
  });

  it('sweeps enabled subnets a few at a time and skips disabled ones', async () => {
    const driver = fakeDriver(50);
    const subnets = [
      subnet('127.40.1.0'),
      subnet('127.40.2.0', false),
      subnet('127.40.3.0'),
      subnet('127.40.4.0'),
      subnet('127.40.5.0'),
    ];
    const { scanner, cycles } = scannerWith(driver, subnets, 2);
    scanner.start();
    await untilCycles(cycles, 1);
    await scanner.close();
    expect(driver.probed.sort()).toEqual(['127.40.1.0', '127.40.3.0', '127.40.4.0', '127.40.5.0']);
    expect(driver.mostInFlight()).toBe(2);
  });

  it('refuses a subnet outside loopback without probing it', async () => {
    const driver = fakeDriver(0);
    const { scanner, cycles } = scannerWith(driver, [subnet('10.1.2.0'), subnet('127.40.6.0')], 1);
    scanner.start();
    await untilCycles(cycles, 1);
    expect(scanner.progress('10.1.2.0').lastError).toMatch(/loopback/i);
    await scanner.close();
    expect(driver.probed).toEqual(['127.40.6.0']);
  });
});
