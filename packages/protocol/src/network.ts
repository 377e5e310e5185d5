import { z } from 'zod';

const ipv4Pattern = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(value: string): boolean {
  return ipv4Pattern.test(value);
}

/** Tutti talks to devices only on 127.0.0.0/8 (simulated sites live on loopback). Pure check: connects nowhere. */
export function isLoopbackIpv4(value: string): boolean {
  return isIpv4(value) && value.startsWith('127.');
}

const octet = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** The start of an IPv4 address: up to four octets, the last one possibly cut short or followed by its dot. */
const ipv4PrefixPattern = new RegExp(`^(${octet}\\.){0,3}${octet}?$`);
/** Hex groups of at most four digits and colons, with at most one `::`, optionally ending in an IPv4 part. */
const ipv6PrefixPattern =
  /^(?=[^.]*:)(?!.*:::)(?!.*::.*::)(?!.*[0-9a-f]{5})[0-9a-f:]{1,39}?(:((\d{1,3}\.){0,3}\d{0,3}))?$/i;

/** A whole IPv4 or IPv6 address, as text. Pure check: connects nowhere. */
export function isIpAddress(value: string): boolean {
  return isIpv4(value) || z.ipv6().safeParse(value).success;
}

/**
 * The text of an IP address or of its beginning (`10.1.`, `2001:db8:`), as a filter takes it. Pure check: connects
 * nowhere.
 */
export function isIpPrefix(value: string): boolean {
  if (value === '' || value.length > 45) return false;
  if (isIpAddress(value) || ipv4PrefixPattern.test(value)) return true;
  if (!ipv6PrefixPattern.test(value) || value.split(':').length > (value.includes('::') ? 9 : 8)) return false;
  const tail = value.slice(value.lastIndexOf(':') + 1);
  return !tail.includes('.') || ipv4PrefixPattern.test(tail);
}

export const ipv4Schema = z.string().refine(isIpv4, { message: 'Must be an IPv4 address such as 127.20.1.15' });

export const loopbackIpv4Schema = z
  .string()
  .refine(isLoopbackIpv4, { message: 'Only loopback addresses (127.0.0.0/8) may be used' });

/** A /24 subnet written as its network address, e.g. `127.20.1.0`, optionally with `/24`. */
export const loopbackSubnetSchema = z
  .string()
  .transform((value) => value.replace(/\/24$/, ''))
  .refine((value) => isLoopbackIpv4(value) && value.endsWith('.0'), {
    message: 'A subnet is a loopback /24 written as 127.X.Y.0',
  });

/** The 254 host addresses of a /24 subnet given by its network address. */
export function subnetHosts(subnet: string): string[] {
  const prefix = subnet.split('.').slice(0, 3).join('.');
  return Array.from({ length: 254 }, (_, index) => `${prefix}.${index + 1}`);
}

/** `127.20.1.15` → `127.20.1.0`. */
export function subnetOf(address: string): string {
  return `${address.split('.').slice(0, 3).join('.')}.0`;
}
