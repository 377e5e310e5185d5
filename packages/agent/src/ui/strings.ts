import { deviceStatusCatalog, monitoringStatusCatalog } from '@tutti/protocol';

/**
 * Every string of the local UI, by key. English only for now; another locale is another object of the same shape.
 * Status names come from the protocol catalog so they match the hub's.
 */
export const uiStrings = {
  en: {
    title: 'Tutti Local Agent',
    version: 'Version {{version}}',
    sectionHub: 'Connect to a central hub',
    sectionSubnets: 'Subnets',
    sectionDevices: 'Discovered devices',
    sectionOutbox: 'Events waiting for the hub',
    hubUrl: 'Central hub URL',
    agentName: 'Name',
    password: 'Password',
    passwordKept: 'Leave empty to keep the saved password',
    organization: 'Organization account number (optional)',
    save: 'Save',
    saved: 'Saved.',
    linkState: 'Hub connection',
    lastError: 'Last error',
    organizationName: 'Organization',
    monitoring: 'Monitoring',
    linkStates: {
      not_configured: 'Not configured',
      connecting: 'Connecting…',
      connected: 'Connected',
      auth_failed: 'Authentication failed: check the name and password',
      disconnected: 'Disconnected',
    },
    monitoringStates: Object.fromEntries(
      Object.entries(monitoringStatusCatalog).map(([code, entry]) => [code, entry.label]),
    ) as Record<keyof typeof monitoringStatusCatalog, string>,
    deviceStatuses: Object.fromEntries(
      Object.entries(deviceStatusCatalog).map(([code, entry]) => [code, entry.label]),
    ) as Record<keyof typeof deviceStatusCatalog, string>,
    sessionStates: {
      connecting: 'Connecting',
      connected: 'Connected',
      login_failed: 'Login failed',
      unreachable: 'Unreachable',
    },
    subnet: 'Subnet',
    interfaceName: 'Interface',
    enabled: 'Enabled',
    lastScan: 'Last scan',
    answered: 'Devices answering',
    scanning: 'Scanning…',
    never: 'Never',
    addSubnet: 'Add subnet',
    rescan: 'Scan now',
    enabledCount: '{{enabled}} of {{total}} enabled',
    status: 'Status',
    model: 'Model',
    name: 'Name',
    serial: 'Serial number',
    ip: 'IP address',
    connectionPath: 'Connection',
    session: 'Session',
    noDevices: 'No devices discovered yet.',
    outboxDepth: '{{depth}} events ({{bytes}} bytes), {{compacted}} compacted',
    pending: 'Unknown',
  },
} as const;

export type UiLocale = keyof typeof uiStrings;
