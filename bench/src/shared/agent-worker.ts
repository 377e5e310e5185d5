import { createAgent, parseAgentConfig, type Agent, type AgentStatus } from '@tutti/agent';
import { probeSubnet } from '@tutti/devices';
import { sleep } from '../wait.ts';
import { cpuMs, serveWorker } from '../worker.ts';
import { WORKER_LIFETIME_MS, type AgentReply, type AgentRequest, type MemorySample } from './messages.ts';

/** The Local Agent under test, alone in its process as it would be on a site. */
let agent: Agent | null = null;
/** When the last `start` request began (performance.now()), the origin of `identified` times. */
let startedAt = 0;

function identifiedOf(status: AgentStatus): number {
  let count = 0;
  for (const device of status.devices) {
    if (device.session === 'connected' && device.firmware !== '' && device.status !== null) count += 1;
  }
  return count;
}

function memory(): MemorySample {
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external, arrayBuffers };
}

/** Several full collections: one pass can leave garbage that only the next one frees (weak refs, finalizers). */
async function collect(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the agent worker needs --expose-gc for a memory sample after GC');
  for (let pass = 0; pass < 3; pass += 1) {
    gc();
    await sleep(50);
  }
}

function running(): Agent {
  if (!agent) throw new Error('agent not started');
  return agent;
}

serveWorker<AgentRequest, AgentReply>(async (message) => {
  switch (message.type) {
    case 'start':
      startedAt = performance.now();
      agent = createAgent({ ui: false, config: parseAgentConfig(message.config) });
      await agent.start();
      return { type: 'started', startMs: performance.now() - startedAt };
    case 'status': {
      const status = running().status();
      return {
        type: 'status',
        outboxDepth: status.outbox.depth,
        lastSeq: status.outbox.lastSeq,
        lastAckedSeq: status.link.lastAckedSeq,
        link: status.link.state,
        connectedSessions: status.sessions.connected,
        devices: status.devices.length,
        identified: identifiedOf(status),
        scans: status.subnets.reduce((sum, subnet) => sum + subnet.scan.scans, 0),
      };
    }
    case 'identified': {
      const deadline = performance.now() + message.timeoutMs;
      let firstMs = Number.NaN;
      for (;;) {
        const status = running().status();
        const identified = identifiedOf(status);
        const ms = performance.now() - startedAt;
        if (identified > 0 && Number.isNaN(firstMs)) firstMs = ms;
        if (identified >= message.count) {
          return { type: 'identified', ms, firstMs, identified, devices: status.devices.length };
        }
        if (performance.now() > deadline) {
          throw new Error(`only ${identified} of ${message.count} devices identified after ${message.timeoutMs} ms`);
        }
        // status() copies every device: poll often while few are monitored, less often for large fleets.
        await sleep(status.devices.length > 500 ? 100 : 5);
      }
    }
    case 'subnets':
      for (const subnet of message.subnets) running().setSubnet({ subnet, enabled: true, interfaceName: 'lo' });
      return { type: 'subnets' };
    case 'memory':
      if (message.gc) await collect();
      if (message.gc && message.settleMs) {
        await sleep(message.settleMs);
        await collect();
      }
      return { type: 'memory', ...memory() };
    case 'probe': {
      const began = performance.now();
      const answers = await probeSubnet(message.subnet, {
        port: message.port,
        timeoutMs: message.timeoutMs,
        concurrency: message.concurrency,
      });
      return { type: 'probe', ms: performance.now() - began, answers: answers.length };
    }
    case 'cpu':
      return { type: 'cpu', cpuMs: cpuMs() };
    case 'stop':
      await agent?.close();
      agent = null;
      process.send?.({ type: 'stopped' } satisfies AgentReply, () => process.exit(0));
      return null;
  }
}, WORKER_LIFETIME_MS);
