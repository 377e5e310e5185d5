import type { Permission } from '@tutti/protocol';

export const helpScreens = ['dashboard', 'devices', 'locations', 'downloads', 'space', 'backups'] as const;
export type HelpScreen = (typeof helpScreens)[number];

export const helpTopicKeys = [
  'dashboard',
  'devices',
  'locations',
  'locateLight',
  'backupRestore',
  'firmwareUpdate',
  'loadConfiguration',
  'credentials',
  'ftp',
  'voip',
  'downloads',
  'collaborateSpace',
] as const;
export type HelpTopicKey = (typeof helpTopicKeys)[number];

export interface HelpTopic {
  key: HelpTopicKey;
  /** Screens where this topic is the help for what is on screen. */
  screens: readonly HelpScreen[];
  /** What a role needs to do what the topic describes; without it the topic says whom to ask. */
  permission: Permission | null;
}

/** The cloud guide's topics, written for Tutti, in the order a new user meets them. */
export const helpTopics: readonly HelpTopic[] = [
  { key: 'dashboard', screens: ['dashboard'], permission: null },
  { key: 'devices', screens: ['devices'], permission: null },
  { key: 'locations', screens: ['locations', 'dashboard'], permission: 'locations.manage' },
  { key: 'locateLight', screens: ['devices'], permission: 'devices.control' },
  { key: 'backupRestore', screens: ['devices', 'backups'], permission: 'devices.control' },
  { key: 'firmwareUpdate', screens: ['devices'], permission: 'firmware.update' },
  { key: 'loadConfiguration', screens: ['devices', 'backups'], permission: 'devices.control' },
  { key: 'credentials', screens: ['devices'], permission: 'devices.control' },
  { key: 'ftp', screens: ['devices'], permission: 'devices.control' },
  { key: 'voip', screens: ['devices'], permission: 'voip.provision' },
  { key: 'downloads', screens: ['downloads'], permission: 'servers.manage' },
  { key: 'collaborateSpace', screens: ['space'], permission: 'space.manage' },
];

/** Topics for a screen first, then the rest, each in guide order. */
export function topicsFor(screen: HelpScreen | undefined): { here: HelpTopic[]; others: HelpTopic[] } {
  const here = screen ? helpTopics.filter((topic) => topic.screens.includes(screen)) : [];
  return { here, others: helpTopics.filter((topic) => !here.includes(topic)) };
}

export function parseHelpScreen(value: unknown): HelpScreen | undefined {
  return helpScreens.find((screen) => screen === value);
}
