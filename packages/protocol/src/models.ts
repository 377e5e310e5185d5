import { z } from 'zod';

export const deviceFamilies = [
  'converge_pro_2',
  'converge_huddle',
  'expander',
  'beamforming_mic',
  'dialog_20',
  'collaborate_live',
  'collaborate_space',
] as const;
export const deviceFamilySchema = z.enum(deviceFamilies);
export type DeviceFamily = z.infer<typeof deviceFamilySchema>;

/** Pro Audio devices count against a service plan; video devices and Space accounts do not. */
export type DeviceCategory = 'pro_audio' | 'video' | 'service';

interface ModelInfo {
  family: DeviceFamily;
  name: string;
  category: DeviceCategory;
  /** Whether the unit is a DSP that can sit on the C-Link expansion bus and host P-Link peripherals. */
  dsp: boolean;
}

/** Model codes as devices report them (DEVICE-PROTOCOL.md §6.4), with the product name users know. */
export const deviceModelCatalog = {
  CONVERGE_PRO_2_128: { family: 'converge_pro_2', name: 'CONVERGE Pro 2 128', category: 'pro_audio', dsp: true },
  CONVERGE_PRO_2_128D: { family: 'converge_pro_2', name: 'CONVERGE Pro 2 128D', category: 'pro_audio', dsp: true },
  CONVERGE_PRO_2_128T: { family: 'converge_pro_2', name: 'CONVERGE Pro 2 128T', category: 'pro_audio', dsp: true },
  CONVERGE_PRO_2_128TD: { family: 'converge_pro_2', name: 'CONVERGE Pro 2 128TD', category: 'pro_audio', dsp: true },
  CONVERGE_PRO_2_128V: { family: 'converge_pro_2', name: 'CONVERGE Pro 2 128V', category: 'pro_audio', dsp: true },
  CONVERGE_PRO_2_128VD: { family: 'converge_pro_2', name: 'CONVERGE Pro 2 128VD', category: 'pro_audio', dsp: true },
  CONVERGE_PRO_2_48T: { family: 'converge_pro_2', name: 'CONVERGE Pro 2 48T', category: 'pro_audio', dsp: true },
  CONVERGE_PRO_2_48V: { family: 'converge_pro_2', name: 'CONVERGE Pro 2 48V', category: 'pro_audio', dsp: true },
  CONVERGE_PRO_2_120: { family: 'converge_pro_2', name: 'CONVERGE Pro 2 120', category: 'pro_audio', dsp: true },
  CONVERGE_HUDDLE: { family: 'converge_huddle', name: 'CONVERGE Huddle', category: 'pro_audio', dsp: true },
  CP2_USB_EXPANDER: { family: 'expander', name: 'CONVERGE Pro 2 USB Expander', category: 'pro_audio', dsp: false },
  CP2_GPIO_EXPANDER: { family: 'expander', name: 'CONVERGE Pro 2 GPIO Expander', category: 'pro_audio', dsp: false },
  BLUETOOTH_EXPANDER: { family: 'expander', name: 'CONVERGE Bluetooth Expander', category: 'pro_audio', dsp: false },
  BMA_360: { family: 'beamforming_mic', name: 'BMA 360', category: 'pro_audio', dsp: false },
  BMA_CT: { family: 'beamforming_mic', name: 'BMA CT', category: 'pro_audio', dsp: false },
  BMA_CTH: { family: 'beamforming_mic', name: 'BMA CTH', category: 'pro_audio', dsp: false },
  BMA_2: { family: 'beamforming_mic', name: 'Beamforming Mic Array 2', category: 'pro_audio', dsp: false },
  DIALOG_20: { family: 'dialog_20', name: 'DIALOG 20', category: 'pro_audio', dsp: false },
  COLLABORATE_LIVE_200: { family: 'collaborate_live', name: 'COLLABORATE Live 200', category: 'video', dsp: false },
  COLLABORATE_LIVE_600: { family: 'collaborate_live', name: 'COLLABORATE Live 600', category: 'video', dsp: false },
  COLLABORATE_LIVE_900: { family: 'collaborate_live', name: 'COLLABORATE Live 900', category: 'video', dsp: false },
  COLLABORATE_SPACE: { family: 'collaborate_space', name: 'COLLABORATE Space', category: 'service', dsp: false },
} as const satisfies Record<string, ModelInfo>;

export type DeviceModel = keyof typeof deviceModelCatalog;
export const deviceModels = Object.keys(deviceModelCatalog) as [DeviceModel, ...DeviceModel[]];
export const deviceModelSchema = z.enum(deviceModels);

export function modelInfo(model: DeviceModel): ModelInfo {
  return deviceModelCatalog[model];
}
