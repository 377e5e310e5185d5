import type { DeviceDetail, DeviceDto, DeviceList } from '@tutti/protocol';

/** A cached page with the live changes applied to the rows it holds. */
export function applyChanges(list: DeviceList, changed: Map<string, DeviceDto>): DeviceList {
  // Counts follow the rows this list holds at once; the throttled refetch settles everything else.
  const counts = { ...list.counts };
  const items = list.items.map((item) => {
    const next = changed.get(item.id);
    if (!next) return item;
    counts[item.severity] -= 1;
    counts[next.severity] += 1;
    return next;
  });
  return { ...list, items, counts };
}

/** A cached page without removed devices; the total and counts wait for the refetch. */
export function applyRemovals(list: DeviceList, removed: Set<string>): DeviceList {
  return { ...list, items: list.items.filter((item) => !removed.has(item.id)) };
}

/** A cached device page with live changes applied to the device itself and to the units drawn around it. */
export function applyDetailChanges(detail: DeviceDetail, changed: Map<string, DeviceDto>): DeviceDetail {
  const pick = (device: DeviceDto): DeviceDto => changed.get(device.id) ?? device;
  const self = changed.get(detail.id);
  return {
    ...detail,
    ...(self ?? {}),
    host: detail.host ? pick(detail.host) : null,
    peripherals: detail.peripherals.map(pick),
    stack: detail.stack
      ? {
          ...detail.stack,
          members: detail.stack.members.map((member) => ({
            device: pick(member.device),
            peripherals: member.peripherals.map(pick),
          })),
        }
      : null,
  };
}
