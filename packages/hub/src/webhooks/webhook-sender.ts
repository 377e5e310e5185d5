import { createHmac } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { isLoopbackWebhookTarget, webhookHeaders, webhookUrlProblem } from '@tutti/protocol';

const TIMEOUT_MS = 10_000;

/** Addresses a webhook must never reach, whatever a host name resolves to (a DNS answer may point inside). */
const nonPublic = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv6');
}

const isLoopbackAddress = (address: string) => /^127\./.test(address) || address === '::1';

/** dns.lookup that refuses private, link-local and reserved answers (loopback only where allowed). */
function guardedLookup(allowLoopback: boolean): LookupFunction {
  const refused = (address: string) =>
    nonPublic.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4') && !(allowLoopback && isLoopbackAddress(address));
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 4);
      const bad = addresses.find((entry) => refused(entry.address));
      if (bad) {
        return callback(
          Object.assign(new Error(`${hostname} resolves to a non-public address (${bad.address})`), { code: 'EACCES' }),
          '',
          4,
        );
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      return callback(null, first.address, first.family);
    });
  };
}

export interface SignedPost {
  url: string;
  secret: string;
  deliveryId: string;
  eventType: string;
  body: string;
  /** Seconds since the epoch, signed with the body so a receiver can refuse replays. */
  timestamp: number;
}

export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type PostOutcome = { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string };

/**
 * POSTs one signed delivery. Never follows redirects; a 2xx answer is success, anything else (or no answer within
 * 10 s) a failure to retry.
 */
export function postSignedWebhook(post: SignedPost, options: { allowLoopback: boolean }): Promise<PostOutcome> {
  const problem = webhookUrlProblem(post.url);
  if (problem) return Promise.resolve({ ok: false, statusCode: null, error: `The URL is not allowed: ${problem}` });
  if (isLoopbackWebhookTarget(post.url) && !options.allowLoopback) {
    return Promise.resolve({ ok: false, statusCode: null, error: 'Loopback targets are not allowed on this hub.' });
  }
  const url = new URL(post.url);
  const requestOptions: RequestOptions = {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(post.body),
      'user-agent': 'Tutti-Webhooks/1',
      [webhookHeaders.event]: post.eventType,
      [webhookHeaders.delivery]: post.deliveryId,
      [webhookHeaders.timestamp]: String(post.timestamp),
      [webhookHeaders.signature]: webhookSignature(post.secret, post.timestamp, post.body),
    },
    lookup: guardedLookup(options.allowLoopback),
    timeout: TIMEOUT_MS,
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const request = send(url, requestOptions, (response) => {
      // Only the status matters; drain the body so the socket is released.
      response.resume();
      const statusCode = response.statusCode ?? 0;
      resolve(
        statusCode >= 200 && statusCode < 300
          ? { ok: true, statusCode }
          : { ok: false, statusCode, error: `The receiver answered HTTP ${statusCode}.` },
      );
    });
    request.on('timeout', () => request.destroy(new Error('No answer within 10 s.')));
    request.on('error', (error) => resolve({ ok: false, statusCode: null, error: error.message }));
    request.end(post.body);
  });
}
