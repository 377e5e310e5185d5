import {
  appError,
  isLoopbackCandidate,
  keepLoopbackCandidatesInSdp,
  type CallDto,
  type CallList,
  type CallSignal,
  type StartCallRequest,
} from '@tutti/protocol';
import { recordAudit } from '../audit/index.ts';
import type { ClientInfo } from '../auth/index.ts';
import type { ChatCaller, ChatEvent } from '../chat/index.ts';
import { listChatPeople } from '../chat/index.ts';
import type { Tx } from '../db/index.ts';
import { findCall, insertCall, listCallsOf, updateCallState, type CallRow } from './calls.queries.ts';

export function toCallDto(row: CallRow): CallDto {
  return {
    id: row.id,
    media: row.media,
    state: row.state,
    caller: { userId: row.callerUserId, name: row.callerName },
    callee: { userId: row.calleeUserId, name: row.calleeName },
    createdAt: row.createdAt.toISOString(),
    answeredAt: row.answeredAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
  };
}

export interface CallChange {
  call: CallDto;
  /** `call.updated` for both parties; publish after commit. */
  event: ChatEvent;
}

function changeOf(row: CallRow): CallChange {
  const call = toCallDto(row);
  const userIds = [row.callerUserId, row.calleeUserId].filter((id): id is string => id !== null);
  return { call, event: { orgId: row.orgId, userIds, message: { type: 'call.updated', call } } };
}

async function audit(tx: Tx, row: CallRow, actor: ChatCaller | null, action: string, ip: string | null) {
  await recordAudit(tx, {
    orgId: row.orgId,
    actorUserId: actor?.userId ?? null,
    actorLabel: actor?.email ?? 'system',
    action,
    target: `call:${row.id}`,
    after: { state: row.state, media: row.media },
    ip,
  });
}

export async function listCalls(tx: Tx, caller: ChatCaller, limit = 50): Promise<CallList> {
  return { items: (await listCallsOf(tx, caller.orgId, caller.userId, limit)).map(toCallDto) };
}

/** Rings a person of the organization; the call is missed unless they answer within the ring time. */
export async function startCall(
  tx: Tx,
  caller: ChatCaller,
  request: StartCallRequest,
  client: ClientInfo,
  now: Date,
): Promise<CallChange> {
  if (request.calleeUserId === caller.userId) throw appError('VALIDATION_FAILED', { calleeUserId: 'yourself' });
  const people = (await listChatPeople(tx, caller)).items;
  const me = people.find((person) => person.userId === caller.userId);
  const callee = people.find((person) => person.userId === request.calleeUserId);
  if (!me) throw appError('NOT_A_MEMBER');
  if (!callee) throw appError('USER_NOT_FOUND', { id: request.calleeUserId });
  const row = await insertCall(tx, {
    orgId: caller.orgId,
    callerUserId: me.userId,
    callerName: me.name,
    calleeUserId: callee.userId,
    calleeName: callee.name,
    media: request.media,
    state: 'ringing',
    createdAt: now,
  });
  await audit(tx, row, caller, 'call.start', client.ip);
  return changeOf(row);
}

async function partyCall(tx: Tx, caller: ChatCaller, id: string): Promise<CallRow> {
  const row = await findCall(tx, caller.orgId, id);
  if (!row || (row.callerUserId !== caller.userId && row.calleeUserId !== caller.userId)) {
    throw appError('CALL_NOT_FOUND', { id });
  }
  return row;
}

export type CallAction = 'accept' | 'decline' | 'hang-up';

/**
 * The callee accepts or declines a ringing call; either party hangs up. Hanging up a call nobody answered
 * makes it missed; hanging up an accepted one ends it.
 */
export async function actOnCall(
  tx: Tx,
  caller: ChatCaller,
  id: string,
  action: CallAction,
  client: ClientInfo,
  now: Date,
): Promise<CallChange> {
  const row = await partyCall(tx, caller, id);
  const isCallee = row.calleeUserId === caller.userId;
  let updated: CallRow | null = null;
  if (action === 'accept' && isCallee && row.state === 'ringing') {
    updated = await updateCallState(tx, caller.orgId, id, 'ringing', { state: 'accepted', answeredAt: now });
  } else if (action === 'decline' && isCallee && row.state === 'ringing') {
    updated = await updateCallState(tx, caller.orgId, id, 'ringing', { state: 'declined', endedAt: now });
  } else if (action === 'hang-up' && (row.state === 'ringing' || row.state === 'accepted')) {
    const state = row.state === 'ringing' ? 'missed' : 'ended';
    updated = await updateCallState(tx, caller.orgId, id, row.state, { state, endedAt: now });
  }
  if (!updated) throw appError('CALL_NOT_ACTIVE', { id, state: row.state });
  await audit(tx, updated, caller, `call.${action}`, client.ip);
  return changeOf(updated);
}

/** Ring time is over: a call still ringing is missed (system work, scoped to the call's organization). */
export async function missUnansweredCall(tx: Tx, orgId: string, id: string, now: Date): Promise<CallChange | null> {
  const updated = await updateCallState(tx, orgId, id, 'ringing', { state: 'missed', endedAt: now });
  if (!updated) return null;
  await audit(tx, updated, null, 'call.missed', null);
  return changeOf(updated);
}

/**
 * Relays an offer, answer or ICE candidate to the other party of an accepted call. With `loopbackOnly` (tests,
 * and any hub that must keep media on this machine) only 127.0.0.0/8 and ::1 candidates pass; null means dropped.
 */
export async function signalEvent(
  tx: Tx,
  caller: ChatCaller,
  callId: string,
  signal: CallSignal,
  loopbackOnly: boolean,
): Promise<ChatEvent | null> {
  const row = await partyCall(tx, caller, callId);
  if (row.state !== 'accepted') throw appError('CALL_NOT_ACTIVE', { id: callId, state: row.state });
  const other = row.callerUserId === caller.userId ? row.calleeUserId : row.callerUserId;
  if (!other) return null;
  let relayed: CallSignal = signal;
  if (loopbackOnly) {
    if (signal.kind === 'candidate') {
      // An empty candidate marks the end of gathering; it carries no address.
      if (signal.candidate !== '' && !isLoopbackCandidate(signal.candidate)) return null;
    } else {
      relayed = { kind: signal.kind, sdp: keepLoopbackCandidatesInSdp(signal.sdp) };
    }
  }
  return {
    orgId: row.orgId,
    userIds: [other],
    message: { type: 'call.signal', callId, fromUserId: caller.userId, signal: relayed },
  };
}
