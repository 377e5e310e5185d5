import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { hubSettingsSchema, subnetSettingSchema, type HubSettings, type SubnetSetting } from './agent-config.ts';

/** What the agent's own UI may change; kept in the data dir and laid over the config file on start. */
export interface PersistedSettings {
  hub?: HubSettings | null;
  subnets?: SubnetSetting[];
}

const persistedSettingsSchema = z.object({
  hub: hubSettingsSchema.nullable().optional(),
  subnets: z.array(subnetSettingSchema).optional(),
});

export const SETTINGS_FILE = 'agent-settings.json';

export interface SettingsStore {
  load(): PersistedSettings;
  save(settings: PersistedSettings): void;
}

/** JSON file written atomically (temp file + rename), readable by its owner only: it holds the hub password. */
export function createSettingsStore(dataDir: string): SettingsStore {
  const file = join(dataDir, SETTINGS_FILE);
  return {
    load() {
      if (!existsSync(file)) return {};
      const parsed = persistedSettingsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      return parsed.success ? parsed.data : {};
    },
    save(settings) {
      mkdirSync(dataDir, { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
      chmodSync(temp, 0o600);
      renameSync(temp, file);
    },
  };
}
