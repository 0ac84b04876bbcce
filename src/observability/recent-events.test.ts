// Tests for the dashboard's debug memory: refused token requests and flow timelines, bounded and newest first.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from './events.js';
import { attachRecentEvents } from './recent-events.js';

const failure = (clientId: string) => ({ type: 'token.failed' as const, clientId, grantType: 'authorization_code', error: 'invalid_grant', reason: 'pkce', refusedByGrant: true });

describe('recent events', () => {
  it('keeps the latest refused token requests with who sent them, newest first, within its limit', () => {
    let now = 100;
    const bus = new EventBus(assert.fail);
    const recent = attachRecentEvents(bus, () => now, { failedTokenRequests: 2, flows: 5, eventsPerFlow: 5, perSource: 5 });
    for (const clientId of ['first', 'second', 'third']) {
      now += 1;
      bus.emit(failure(clientId), { requestId: `req-${clientId}`, ip: '203.0.113.9', flowId: null });
    }
    bus.emit({ type: 'client.created', clientId: 'not-a-failure' });
    assert.deepEqual(recent.failedTokenRequests(), [
      { at: 103, clientId: 'third', grantType: 'authorization_code', error: 'invalid_grant', reason: 'pkce', ip: '203.0.113.9', requestId: 'req-third', flowId: null },
      { at: 102, clientId: 'second', grantType: 'authorization_code', error: 'invalid_grant', reason: 'pkce', ip: '203.0.113.9', requestId: 'req-second', flowId: null },
    ]);
    assert.deepEqual(recent.recentFlows(), [], 'events outside a flow make no timeline');
  });

  it('records each flow\'s events in order, forgets the oldest flow and the oldest events beyond the limits', () => {
    let now = 0;
    const bus = new EventBus(assert.fail);
    const recent = attachRecentEvents(bus, () => (now += 1), { failedTokenRequests: 5, flows: 2, eventsPerFlow: 3, perSource: 5 });
    bus.emit({ type: 'code.issued', userId: 'u1', clientId: 'c1' }, { flowId: 'flow-a', requestId: 'r1', ip: '198.51.100.1' });
    bus.emit({ type: 'code.issued', userId: 'u2', clientId: 'c2' }, { flowId: 'flow-b' });
    bus.emit(failure('c1'), { flowId: 'flow-a', requestId: 'r2' });
    assert.deepEqual(recent.flow('flow-a'), [
      { at: 1, type: 'code.issued', requestId: 'r1', ip: '198.51.100.1', facts: [['userId', 'u1'], ['clientId', 'c1']] },
      { at: 3, type: 'token.failed', requestId: 'r2', ip: null, facts: [['clientId', 'c1'], ['grantType', 'authorization_code'], ['error', 'invalid_grant'], ['reason', 'pkce'], ['refusedByGrant', 'true']] },
    ]);
    assert.equal(recent.failedTokenRequests()[0]?.flowId, 'flow-a');

    bus.emit({ type: 'code.issued', userId: 'u3', clientId: 'c3' }, { flowId: 'flow-c' });
    assert.equal(recent.flow('flow-a'), undefined, 'the first flow seen is forgotten first');
    assert.deepEqual(recent.recentFlows().map((flow) => flow.flowId), ['flow-c', 'flow-b']);

    for (let step = 0; step < 4; step += 1) bus.emit({ type: 'refresh_token.reused', userId: 'u3', clientId: 'c3', familyId: 'f', firstUse: { ip: null, userAgent: 'x' } }, { flowId: 'flow-c' });
    const flowC = recent.flow('flow-c') ?? [];
    assert.equal(flowC.length, 3);
    assert.deepEqual(flowC.map((event) => event.type), ['refresh_token.reused', 'refresh_token.reused', 'refresh_token.reused']);
    assert.deepEqual(flowC[0]?.facts.at(-1), ['firstUse', '{"ip":null,"userAgent":"x"}']);
  });

  it('keeps refusals naming a client apart from anonymous ones, and lets no source flush the rest', () => {
    let now = 0;
    const bus = new EventBus(assert.fail);
    const recent = attachRecentEvents(bus, () => (now += 1), { failedTokenRequests: 4, flows: 4, eventsPerFlow: 3, perSource: 2 });
    bus.emit(failure('photo-printer'), { ip: '198.51.100.7' });
    bus.emit(failure('other-app'), { ip: '198.51.100.8' });
    bus.emit({ ...failure('x'), clientId: null }, { ip: '198.51.100.9' });
    // A stranger sends a hundred unauthenticated refusals, then a hundred naming one public client.
    for (let request = 0; request < 100; request += 1) bus.emit({ ...failure('x'), clientId: null, error: 'invalid_client' }, { ip: '203.0.113.66' });
    for (let request = 0; request < 100; request += 1) bus.emit(failure('photo-printer'), { ip: '203.0.113.66' });
    const kept = recent.failedTokenRequests();
    assert.deepEqual(
      kept.map((entry) => `${entry.clientId ?? '-'} ${entry.ip}`),
      ['photo-printer 203.0.113.66', 'photo-printer 203.0.113.66', '- 203.0.113.66', '- 203.0.113.66', '- 198.51.100.9', 'other-app 198.51.100.8'],
      'the flood keeps its share of each list; the other sources keep theirs',
    );

    // Flows, by the IP that started them: a flood of flows from one address pushes out only its own.
    bus.emit({ type: 'code.issued', userId: 'u1', clientId: 'c1' }, { flowId: 'real-flow', ip: '198.51.100.7' });
    for (let flow = 0; flow < 50; flow += 1) bus.emit({ type: 'authorization.requested', clientId: 'c1' }, { flowId: `noise-${flow}`, ip: '203.0.113.66' });
    assert.deepEqual(recent.recentFlows().map((flow) => flow.flowId), ['noise-49', 'noise-48', 'real-flow']);
  });
});
