import { Affix, Alert, Badge, Button, Card, CloseButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconPhone, IconPhoneOff, IconVideo } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { CallDto, CallMedia, CallSignal, ChatPerson } from '@tutti/protocol';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorKey } from '../api.ts';
import { useChat, useChatEvents } from '../chat/ChatProvider.tsx';
import { isolate } from '../i18n/format.ts';
import { sessionQueryOptions } from '../session/session.ts';

interface CallsContextValue {
  startCall: (person: ChatPerson, media: CallMedia) => void;
}

const CallsContext = createContext<CallsContextValue | null>(null);

type Notice = { key: 'calls.declined' | 'calls.missed' | 'calls.ended'; name: string } | { error: unknown };

function Video({
  stream,
  muted,
  label,
  testId,
}: {
  stream: MediaStream | null;
  muted: boolean;
  label: string;
  testId: string;
}) {
  const element = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (element.current) element.current.srcObject = stream;
  }, [stream]);
  return (
    <video
      ref={element}
      autoPlay
      playsInline
      muted={muted}
      aria-label={label}
      data-testid={testId}
      style={{ width: '100%', background: 'var(--mantine-color-dark-7)', borderRadius: 'var(--mantine-radius-sm)' }}
    />
  );
}

/**
 * Audio and video calls between two people: the incoming call dialog, the in-call view and the WebRTC peer
 * connection. Offers, answers and ICE candidates travel over the chat socket; call states come from the hub.
 */
export function CallProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const { send } = useChat();
  const { data: session } = useQuery(sessionQueryOptions);
  const myId = session?.user.id;
  const [call, setCall] = useState<CallDto | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [connection, setConnection] = useState<RTCPeerConnectionState>('new');
  const [localStream, setLocalStream] = useState<MediaStream | null>(null);
  const [remoteStream, setRemoteStream] = useState<MediaStream | null>(null);
  const peer = useRef<RTCPeerConnection | null>(null);
  const local = useRef<MediaStream | null>(null);
  const pendingSignals = useRef<CallSignal[]>([]);
  const pendingCandidates = useRef<RTCIceCandidateInit[]>([]);
  const current = useRef<CallDto | null>(null);
  current.current = call;

  const cleanUp = useCallback(() => {
    peer.current?.close();
    peer.current = null;
    for (const track of local.current?.getTracks() ?? []) track.stop();
    local.current = null;
    pendingSignals.current = [];
    pendingCandidates.current = [];
    setLocalStream(null);
    setRemoteStream(null);
    setConnection('new');
    setCall(null);
    void queryClient.invalidateQueries({ queryKey: ['calls'] });
  }, [queryClient]);

  const fail = useCallback(
    (error: unknown) => {
      const active = current.current;
      if (active) void api.hangUpCall(active.id).catch(() => undefined);
      cleanUp();
      setNotice({ error });
    },
    [cleanUp],
  );

  async function openMedia(media: CallMedia): Promise<MediaStream> {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: media === 'video' });
    local.current = stream;
    setLocalStream(stream);
    return stream;
  }

  async function handleSignal(callId: string, signal: CallSignal) {
    const connectionNow = peer.current;
    if (!connectionNow) {
      pendingSignals.current.push(signal);
      return;
    }
    if (signal.kind === 'candidate') {
      const candidate = { candidate: signal.candidate, sdpMid: signal.sdpMid, sdpMLineIndex: signal.sdpMLineIndex };
      if (connectionNow.remoteDescription) await connectionNow.addIceCandidate(candidate);
      else pendingCandidates.current.push(candidate);
      return;
    }
    await connectionNow.setRemoteDescription({ type: signal.kind, sdp: signal.sdp });
    for (const candidate of pendingCandidates.current.splice(0)) await connectionNow.addIceCandidate(candidate);
    if (signal.kind === 'offer') {
      await connectionNow.setLocalDescription(await connectionNow.createAnswer());
      send({ type: 'call.signal', callId, signal: { kind: 'answer', sdp: connectionNow.localDescription?.sdp ?? '' } });
    }
  }

  async function createPeer(callId: string, stream: MediaStream): Promise<RTCPeerConnection> {
    const { iceServers } = await api.callSettings();
    const connectionNow = new RTCPeerConnection({ iceServers });
    peer.current = connectionNow;
    for (const track of stream.getTracks()) connectionNow.addTrack(track, stream);
    connectionNow.onicecandidate = (event) => {
      if (!event.candidate) return;
      send({
        type: 'call.signal',
        callId,
        signal: {
          kind: 'candidate',
          candidate: event.candidate.candidate,
          sdpMid: event.candidate.sdpMid,
          sdpMLineIndex: event.candidate.sdpMLineIndex,
        },
      });
    };
    connectionNow.ontrack = (event) => setRemoteStream(event.streams[0] ?? new MediaStream([event.track]));
    connectionNow.onconnectionstatechange = () => setConnection(connectionNow.connectionState);
    for (const signal of pendingSignals.current.splice(0)) await handleSignal(callId, signal);
    return connectionNow;
  }

  async function sendOffer(active: CallDto) {
    const stream = local.current ?? (await openMedia(active.media));
    const connectionNow = await createPeer(active.id, stream);
    await connectionNow.setLocalDescription(await connectionNow.createOffer());
    send({
      type: 'call.signal',
      callId: active.id,
      signal: { kind: 'offer', sdp: connectionNow.localDescription?.sdp ?? '' },
    });
  }

  useChatEvents((event) => {
    if (event.type === 'call.updated') {
      const updated = event.call;
      const active = current.current;
      if (!active) {
        if (updated.state === 'ringing' && updated.callee.userId === myId) setCall(updated);
        return;
      }
      if (updated.id !== active.id) return;
      if (updated.state === 'accepted') {
        setCall(updated);
        if (updated.caller.userId === myId && !peer.current) void sendOffer(updated).catch(fail);
        return;
      }
      if (updated.state === 'declined' || updated.state === 'missed' || updated.state === 'ended') {
        const otherName = updated.caller.userId === myId ? updated.callee.name : updated.caller.name;
        cleanUp();
        setNotice({ key: `calls.${updated.state}`, name: otherName });
      }
      return;
    }
    if (event.type === 'call.signal' && event.callId === current.current?.id) {
      void handleSignal(event.callId, event.signal).catch(fail);
    }
  });

  const startCall = useCallback(
    (person: ChatPerson, media: CallMedia) => {
      if (current.current) return;
      setNotice(null);
      void (async () => {
        await openMedia(media);
        setCall(await api.startCall(person.userId, media));
      })().catch(fail);
    },
    [fail],
  );

  async function accept(active: CallDto) {
    const stream = await openMedia(active.media);
    await createPeer(active.id, stream);
    setCall(await api.acceptCall(active.id));
  }

  async function hangUp(active: CallDto) {
    try {
      await api.hangUpCall(active.id);
    } finally {
      cleanUp();
    }
  }

  const value = useMemo(() => ({ startCall }), [startCall]);
  const incoming = call !== null && call.state === 'ringing' && call.callee.userId === myId;
  const otherName = call ? (call.caller.userId === myId ? call.callee.name : call.caller.name) : '';

  return (
    <CallsContext.Provider value={value}>
      {children}
      <Modal
        opened={incoming && localStream === null}
        onClose={() =>
          call &&
          void api
            .declineCall(call.id)
            .catch(() => undefined)
            .finally(cleanUp)
        }
        title={t('calls.incoming')}
        centered
        data-testid="incoming-call"
      >
        <Stack>
          <Text>
            {call?.media === 'video'
              ? t('calls.incomingVideo', { name: isolate(otherName) })
              : t('calls.incomingAudio', { name: isolate(otherName) })}
          </Text>
          <Group justify="flex-end">
            <Button
              color="red"
              variant="light"
              leftSection={<IconPhoneOff size={16} />}
              onClick={() =>
                call &&
                void api
                  .declineCall(call.id)
                  .catch(() => undefined)
                  .finally(cleanUp)
              }
              data-testid="decline-call"
            >
              {t('calls.decline')}
            </Button>
            <Button
              color="green"
              leftSection={call?.media === 'video' ? <IconVideo size={16} /> : <IconPhone size={16} />}
              onClick={() => call && void accept(call).catch(fail)}
              data-testid="accept-call"
            >
              {t('calls.accept')}
            </Button>
          </Group>
        </Stack>
      </Modal>
      {call && !(incoming && localStream === null) ? (
        <Affix position={{ bottom: 16, right: 16 }} zIndex={300}>
          <Card withBorder shadow="lg" radius="md" w={340} data-testid="call-view" data-state={call.state}>
            <Stack gap="xs">
              <Group justify="space-between">
                <Text fw={600}>
                  {call.state === 'ringing'
                    ? t('calls.calling', { name: isolate(otherName) })
                    : t('calls.with', { name: isolate(otherName) })}
                </Text>
                {call.state === 'accepted' ? (
                  <Badge
                    color={connection === 'connected' ? 'green' : 'gray'}
                    variant="light"
                    data-testid="call-connection"
                    data-connection={connection}
                  >
                    {connection === 'connected' ? t('calls.connected') : t('calls.connecting')}
                  </Badge>
                ) : null}
              </Group>
              <Video
                stream={remoteStream}
                muted={false}
                label={t('calls.remoteVideo', { name: otherName })}
                testId="remote-video"
              />
              <Group justify="space-between" align="flex-end">
                <div style={{ width: 96 }}>
                  <Video stream={localStream} muted label={t('calls.localVideo')} testId="local-video" />
                </div>
                <Button
                  color="red"
                  leftSection={<IconPhoneOff size={16} />}
                  onClick={() => void hangUp(call)}
                  data-testid="hang-up"
                >
                  {t('calls.hangUp')}
                </Button>
              </Group>
            </Stack>
          </Card>
        </Affix>
      ) : null}
      {notice && !call ? (
        <Affix position={{ bottom: 16, right: 16 }} zIndex={300}>
          <Alert
            variant="light"
            color={'error' in notice ? 'red' : 'blue'}
            role="status"
            w={340}
            data-testid="call-notice"
            withCloseButton={false}
          >
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <Text size="sm">
                {'error' in notice
                  ? notice.error instanceof DOMException
                    ? t('calls.mediaFailed')
                    : t(errorKey(notice.error))
                  : t(notice.key, { name: isolate(notice.name) })}
              </Text>
              <CloseButton size="sm" aria-label={t('calls.dismiss')} onClick={() => setNotice(null)} />
            </Group>
          </Alert>
        </Affix>
      ) : null}
    </CallsContext.Provider>
  );
}

export function useCalls(): CallsContextValue {
  const value = useContext(CallsContext);
  if (!value) throw new Error('useCalls outside CallProvider');
  return value;
}
