import { deviceModelSchema, isLoopbackIpv4, type DeviceModel } from '@tutti/protocol';
import { discovery } from './system-commands.ts';

/** One answer to the UDP discovery probe of DEVICE-PROTOCOL §6.6 [INV]. */
export interface DiscoveryAnswer {
  model: DeviceModel;
  boxName: string;
  serial: string;
  mac: string;
  ip: string;
  telnetPort: number;
  stackName: string;
}

export function formatDiscoveryAnswer(answer: DiscoveryAnswer): string {
  return (
    `${discovery.answerPrefix} model=${answer.model} box=${answer.boxName} sn=${answer.serial} ` +
    `mac=${answer.mac} ip=${answer.ip} telnet=${answer.telnetPort} stack=${answer.stackName}\r\n`
  );
}

/** Parses an answer line; anything malformed (or not loopback) yields undefined rather than throwing. */
export function parseDiscoveryAnswer(text: string): DiscoveryAnswer | undefined {
  const [prefix, ...pairs] = text.trim().split(/\s+/);
  if (prefix !== discovery.answerPrefix) return undefined;
  const fields = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq > 0) fields.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const model = deviceModelSchema.safeParse(fields.get('model'));
  const boxName = fields.get('box');
  const serial = fields.get('sn');
  const mac = fields.get('mac');
  const ip = fields.get('ip');
  const telnetPort = Number(fields.get('telnet'));
  const stackName = fields.get('stack');
  if (!model.success || !boxName || !serial || !mac || !ip || !stackName) return undefined;
  if (!isLoopbackIpv4(ip) || !Number.isInteger(telnetPort) || telnetPort < 1 || telnetPort > 65535) return undefined;
  return { model: model.data, boxName, serial, mac, ip, telnetPort, stackName };
}

export function isDiscoveryRequest(text: string): boolean {
  return text.trim() === discovery.request;
}
