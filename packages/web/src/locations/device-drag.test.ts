import { describe, expect, it } from 'vitest';
import { carriesDevices, DEVICE_DRAG_TYPE, draggedIds, readDeviceDrag, writeDeviceDrag } from './device-drag.ts';

function transfer() {
  const data = new Map<string, string>();
  return {
    setData: (type: string, value: string) => void data.set(type, value),
    getData: (type: string) => data.get(type) ?? '',
    types: () => [...data.keys()],
  };
}

describe('device drag and drop', () => {
  it('carries the device ids to the drop', () => {
    const data = transfer();
    writeDeviceDrag(data, ['a', 'b']);
    expect(carriesDevices(data.types())).toBe(true);
    expect(readDeviceDrag(data)).toEqual(['a', 'b']);
  });

  it('ignores drops of anything else', () => {
    const data = transfer();
    data.setData('text/plain', 'a');
    expect(carriesDevices(data.types())).toBe(false);
    expect(readDeviceDrag(data)).toEqual([]);
    data.setData(DEVICE_DRAG_TYPE, '{"not": "a list"');
    expect(readDeviceDrag(data)).toEqual([]);
    data.setData(DEVICE_DRAG_TYPE, '["a", 3]');
    expect(readDeviceDrag(data)).toEqual(['a']);
  });

  it('moves the selection when a selected row is dragged, else the row alone', () => {
    expect(draggedIds('a', new Set(['a', 'b']))).toEqual(['a', 'b']);
    expect(draggedIds('c', new Set(['a', 'b']))).toEqual(['c']);
  });
});
