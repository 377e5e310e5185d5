import { z } from 'zod';

export const callStates = ['ringing', 'accepted', 'declined', 'missed', 'ended'] as const;
export const callStateSchema = z.enum(callStates);
export type CallState = z.infer<typeof callStateSchema>;
export const callMediaSchema = z.enum(['audio', 'video']);
export type CallMedia = z.infer<typeof callMediaSchema>;

const party = z.object({ userId: z.string().nullable(), name: z.string() });

export const callDtoSchema = z.object({
  id: z.string(),
  media: callMediaSchema,
  state: callStateSchema,
  caller: party,
  callee: party,
  createdAt: z.string(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});
export type CallDto = z.infer<typeof callDtoSchema>;
export const callListSchema = z.object({ items: z.array(callDtoSchema) });
export type CallList = z.infer<typeof callListSchema>;

export const startCallRequestSchema = z.strictObject({ calleeUserId: z.uuid(), media: callMediaSchema });
export type StartCallRequest = z.infer<typeof startCallRequestSchema>;

/** STUN/TURN servers for RTCPeerConnection, from the hub's settings. */
export const iceServerSchema = z.object({
  urls: z.array(z.string()),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export const callSettingsSchema = z.object({ iceServers: z.array(iceServerSchema), ringSeconds: z.number().int() });
export type CallSettings = z.infer<typeof callSettingsSchema>;

/** WebRTC signalling relayed by the hub between the two parties of a call. */
export const callSignalSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.enum(['offer', 'answer']), sdp: z.string().max(100_000) }),
  z.strictObject({
    kind: z.literal('candidate'),
    candidate: z.string().max(2000),
    sdpMid: z.string().max(100).nullable(),
    sdpMLineIndex: z.number().int().min(0).max(100).nullable(),
  }),
]);
export type CallSignal = z.infer<typeof callSignalSchema>;

/** The connection address of an ICE candidate line (`candidate:… <component> <proto> <prio> <address> <port> typ …`). */
export function candidateAddress(candidate: string): string | null {
  const fields = candidate.replace(/^a=/, '').trim().split(/\s+/);
  return fields.length >= 8 && fields[0]?.startsWith('candidate:') ? (fields[4] ?? null) : null;
}

export function isLoopbackCandidate(candidate: string): boolean {
  const address = candidateAddress(candidate);
  return address !== null && (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address === '::1');
}

/** Drops every `a=candidate` line of an SDP whose address is not loopback (the end-of-candidates line stays). */
export function keepLoopbackCandidatesInSdp(sdp: string): string {
  return sdp
    .split(/\r\n/)
    .filter((line) => !line.startsWith('a=candidate:') || isLoopbackCandidate(line))
    .join('\r\n');
}
