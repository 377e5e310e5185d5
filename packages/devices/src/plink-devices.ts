import { deviceModelSchema, type DeviceModel } from '@tutti/protocol';
import { PLINK_NONE } from './system-commands.ts';

/** One entry of `PLINK DEVICES` [INV]: `<plink>:<MODEL>:<SN>:<FW>:<NAME>`. */
export interface PlinkEntry {
  /** 1-based position on the host's P-Link chain. */
  plink: number;
  model: DeviceModel;
  serial: string;
  firmware: string;
  name: string;
}

/** Names travel inside a `:`/`;`-separated list, so those characters and spaces become `_`. */
export function plinkSafeName(name: string): string {
  return name.replace(/[:;\s]/g, '_');
}

export function formatPlinkDevices(entries: readonly PlinkEntry[]): string {
  if (entries.length === 0) return PLINK_NONE;
  return entries
    .map((entry) => `${entry.plink}:${entry.model}:${entry.serial}:${entry.firmware}:${plinkSafeName(entry.name)}`)
    .join(';');
}

/** Parses a `PLINK DEVICES` value; undefined when any entry is unreadable (the caller decides how to fail). */
export function parsePlinkDevices(value: string): PlinkEntry[] | undefined {
  const text = value.trim();
  if (text === PLINK_NONE || text === '') return [];
  const entries: PlinkEntry[] = [];
  for (const entry of text.split(';')) {
    const [plinkText = '', model, serial, firmware, name, ...extra] = entry.split(':');
    const parsedModel = deviceModelSchema.safeParse(model);
    const plink = Number(plinkText);
    if (
      !parsedModel.success ||
      !/^\d+$/.test(plinkText) ||
      plink < 1 ||
      !serial ||
      !/^[A-Za-z0-9-]+$/.test(serial) ||
      firmware === undefined ||
      extra.length > 0
    ) {
      return undefined;
    }
    entries.push({ plink, model: parsedModel.data, serial, firmware, name: name ?? '' });
  }
  return entries;
}
