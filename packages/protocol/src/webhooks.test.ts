import { describe, expect, it } from 'vitest';
import { createWebhookRequestSchema, updateWebhookRequestSchema, webhookUrlProblem } from './webhooks.ts';

describe('webhook URLs (checked without connecting)', () => {
  it.each([
    'https://hooks.example.com/tutti',
    'https://93.184.215.14:8443/in',
    'http://127.0.0.1:9000/receiver',
    'https://127.3.2.1/receiver',
  ])('accepts %s', (url) => {
    expect(webhookUrlProblem(url)).toBeNull();
  });

  it.each([
    ['not a url', 'An http or https URL.'],
    ['ftp://files.example.com/', 'An http or https URL.'],
    ['http://hooks.example.com/', 'An https URL.'],
    ['https://user:pass@hooks.example.com/', 'A URL without a user name or password in it.'],
    ['https://10.1.2.3/', 'A public address, not a private or reserved one.'],
    ['https://172.20.0.5/', 'A public address, not a private or reserved one.'],
    ['https://192.168.1.10/', 'A public address, not a private or reserved one.'],
    ['https://169.254.169.254/latest/meta-data', 'A public address, not a private or reserved one.'],
    ['https://100.64.0.1/', 'A public address, not a private or reserved one.'],
    ['https://0.0.0.0/', 'A public address, not a private or reserved one.'],
    ['https://[::1]/', 'A host name or IPv4 address, not an IPv6 literal.'],
    ['https://localhost/', 'A public host name.'],
    ['https://printer.local/', 'A public host name.'],
    ['https://api.internal/', 'A public host name.'],
  ])('refuses %s', (url, problem) => {
    expect(webhookUrlProblem(url)).toBe(problem);
  });
});

describe('webhook requests', () => {
  it('needs at least one event type, each once', () => {
    const url = 'https://hooks.example.com/in';
    expect(createWebhookRequestSchema.safeParse({ url, eventTypes: ['device.status'] }).success).toBe(true);
    expect(createWebhookRequestSchema.safeParse({ url, eventTypes: [] }).success).toBe(false);
    expect(createWebhookRequestSchema.safeParse({ url, eventTypes: ['device.status', 'device.status'] }).success).toBe(
      false,
    );
    expect(createWebhookRequestSchema.safeParse({ url, eventTypes: ['device.exploded'] }).success).toBe(false);
  });

  it('refuses an update that changes nothing', () => {
    expect(updateWebhookRequestSchema.safeParse({}).success).toBe(false);
    expect(updateWebhookRequestSchema.safeParse({ enabled: true }).success).toBe(true);
  });
});
