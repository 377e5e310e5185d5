import type { DeviceModel } from '@tutti/protocol';
import type { EndpointType } from '../codec.ts';

/**
 * Channels per endpoint type for each DSP model. Counts are plausible rather than exact [INF]:
 * T models carry a telephone line, V models VoIP, D models Dante. BFM channels come from the
 * Beamforming Mic Array 2 peripherals and are added per box.
 */
export type EndpointCounts = Partial<Record<EndpointType, number>>;

const base128: EndpointCounts = { MIC: 12, OUTPUT: 12, FADER: 16, PROC: 8, SGEN: 1, GPIO: 1, USB_RX: 1, USB_TX: 1 };
const base48: EndpointCounts = { MIC: 4, OUTPUT: 8, FADER: 16, PROC: 8, SGEN: 1, GPIO: 1, USB_RX: 1, USB_TX: 1 };
const telco: EndpointCounts = { TELCO_RX: 1, TELCO_TX: 1 };
const voip: EndpointCounts = { VOIP_RX: 2, VOIP_TX: 2, UA: 2 };
const dante: EndpointCounts = { DANTE: 8 };

export const modelEndpoints: Partial<Record<DeviceModel, EndpointCounts>> = {
  CONVERGE_PRO_2_128: base128,
  CONVERGE_PRO_2_128D: { ...base128, ...dante },
  CONVERGE_PRO_2_128T: { ...base128, ...telco },
  CONVERGE_PRO_2_128TD: { ...base128, ...telco, ...dante },
  CONVERGE_PRO_2_128V: { ...base128, ...voip },
  CONVERGE_PRO_2_128VD: { ...base128, ...voip, ...dante },
  CONVERGE_PRO_2_48T: { ...base48, ...telco },
  CONVERGE_PRO_2_48V: { ...base48, ...voip },
  CONVERGE_PRO_2_120: { MIC: 12, OUTPUT: 0, FADER: 16, PROC: 8, SGEN: 1, GPIO: 1 },
  CONVERGE_HUDDLE: {
    MIC: 4,
    OUTPUT: 4,
    SPEAKER: 2,
    FADER: 8,
    PROC: 4,
    USB_RX: 1,
    USB_TX: 1,
    VOIP_RX: 1,
    VOIP_TX: 1,
    UA: 1,
  },
};

/** Whether the model is one the simulator runs as a box (CP2 or Huddle). */
export function isSimulatedBoxModel(model: DeviceModel): boolean {
  return modelEndpoints[model] !== undefined;
}
