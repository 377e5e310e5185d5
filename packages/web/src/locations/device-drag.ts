/** The drag-and-drop payload of device rows: their ids, under a type of our own so other drops are ignored. */
export const DEVICE_DRAG_TYPE = 'application/x-tutti-device-ids';

/** Whether a drag carries devices (its data can only be read on drop; its types can be read while it hovers). */
export function carriesDevices(types: readonly string[]): boolean {
  return types.includes(DEVICE_DRAG_TYPE);
}

export function writeDeviceDrag(data: { setData(type: string, value: string): void }, ids: readonly string[]): void {
  data.setData(DEVICE_DRAG_TYPE, JSON.stringify(ids));
  data.setData('text/plain', ids.join('\n'));
}

/** The dropped device ids; none when the drop came from elsewhere or was tampered with. */
export function readDeviceDrag(data: { getData(type: string): string }): string[] {
  try {
    const value: unknown = JSON.parse(data.getData(DEVICE_DRAG_TYPE) || '[]');
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** Dragging a selected row moves the whole selection; dragging any other row moves that row alone. */
export function draggedIds(rowId: string, selected: ReadonlySet<string>): string[] {
  return selected.has(rowId) ? [...selected] : [rowId];
}
