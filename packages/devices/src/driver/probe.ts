import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { appError, isLoopbackIpv4, subnetHosts, subnetOf } from '@tutti/protocol';
import { parseDiscoveryAnswer, type DiscoveryAnswer } from '../discovery.ts';
import { discovery } from '../system-commands.ts';

export interface ProbeSubnetOptions {
  /** Discovery port of the devices. Default 50123. */
  port?: number;
  /** How long to keep listening after the last request went out. Default 500 ms. */
  timeoutMs?: number;
  /** Requests in flight at once. Default 64. */
  concurrency?: number;
  /** Local address of the probing socket. Default 127.0.0.1. */
  localAddress?: string;
  /** Hears each device as soon as it answers, so a caller can start its session before the sweep ends. */
  onAnswer?: (answer: DiscoveryAnswer) => void;
}

const DEFAULT_PROBE_TIMEOUT_MS = 500;
const request = Buffer.from(`${discovery.request}\r\n`, 'latin1');

/** `127.20.1.0` or `127.20.1.0/24` → `127.20.1.0`; refuses anything that is not a loopback /24. */
function normaliseSubnet(subnet: string): string {
  const network = subnet.replace(/\/24$/, '');
  if (!isLoopbackIpv4(network)) throw appError('ADDRESS_NOT_LOOPBACK', { subnet });
  if (!network.endsWith('.0')) throw appError('CONFIG_INVALID', { subnet }, 'A subnet is written as 127.X.Y.0');
  return network;
}

function openSocket(localAddress: string): Promise<UdpSocket> {
  if (!isLoopbackIpv4(localAddress)) return Promise.reject(appError('ADDRESS_NOT_LOOPBACK', { localAddress }));
  const socket = createSocket({ type: 'udp4' });
  return new Promise<UdpSocket>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: localAddress, port: 0 }, () => {
      socket.off('error', reject);
      // Send failures (e.g. a full buffer) only mean a host is not probed; they must not crash the agent.
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

function send(socket: UdpSocket, port: number, address: string): Promise<void> {
  return new Promise<void>((resolve) => socket.send(request, port, address, () => resolve()));
}

/**
 * Sweeps the 254 hosts of a loopback /24 with the UDP discovery request (DEVICE-PROTOCOL §6.6) from a
 * single socket, and returns the answers, sorted by address, heard until `timeoutMs` after the last send. Each
 * answer also goes to `onAnswer` the moment it arrives.
 */
export async function probeSubnet(subnet: string, options: ProbeSubnetOptions = {}): Promise<DiscoveryAnswer[]> {
  const network = normaliseSubnet(subnet);
  const port = options.port ?? discovery.port;
  const concurrency = Math.max(1, options.concurrency ?? 64);
  const socket = await openSocket(options.localAddress ?? '127.0.0.1');
  const answers = new Map<string, DiscoveryAnswer>();
  socket.on('message', (message, remote) => {
    const answer = parseDiscoveryAnswer(message.toString('latin1'));
    // Only answers from the swept subnet count, whatever else shares the port.
    if (!answer || subnetOf(remote.address) !== network || answer.ip !== remote.address) return;
    const first = !answers.has(answer.ip);
    answers.set(answer.ip, answer);
    if (first) options.onAnswer?.(answer);
  });
  try {
    const hosts = subnetHosts(network);
    for (let index = 0; index < hosts.length; index += concurrency) {
      await Promise.all(hosts.slice(index, index + concurrency).map((host) => send(socket, port, host)));
    }
    await new Promise((resolve) => setTimeout(resolve, options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS));
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
  return [...answers.values()].sort((a, b) => Number(a.ip.split('.')[3]) - Number(b.ip.split('.')[3]));
}

export interface ProbeHostOptions {
  port?: number;
  timeoutMs?: number;
  localAddress?: string;
}

/** Asks one address for its discovery answer; undefined if none arrives in time. */
export async function probeHost(address: string, options: ProbeHostOptions = {}): Promise<DiscoveryAnswer | undefined> {
  if (!isLoopbackIpv4(address)) throw appError('ADDRESS_NOT_LOOPBACK', { address });
  const socket = await openSocket(options.localAddress ?? '127.0.0.1');
  try {
    return await new Promise<DiscoveryAnswer | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
      socket.on('message', (message, remote) => {
        const answer = parseDiscoveryAnswer(message.toString('latin1'));
        if (answer && remote.address === address) {
          clearTimeout(timer);
          resolve(answer);
        }
      });
      socket.send(request, options.port ?? discovery.port, address);
    });
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
