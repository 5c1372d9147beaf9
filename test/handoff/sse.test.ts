import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerSentEventParser, type ServerSentEvent } from '../../scripts/handoff/sse.ts';
import { parseConversationEvent } from '../../scripts/handoff/miaw-client.ts';
import { salesforceEvent, salesforcePing } from '../../testkit/emulator/index.ts';

const encoder = new TextEncoder();

function parseAll(chunks: (string | Uint8Array)[], lastEventId = ''): ServerSentEvent[] {
    const parser = new ServerSentEventParser(lastEventId);
    return chunks.flatMap((chunk) => parser.push(chunk));
}

describe('server-sent events parser', () => {
    test('reads event, id and multi-line data, and skips comments', () => {
        const events = parseAll([
            ': keep-alive\n',
            'id: 41\nevent: CONVERSATION_MESSAGE\ndata: {"a":1,\ndata: "b":2}\n\n'
        ]);
        assert.deepEqual(events, [
            { type: 'CONVERSATION_MESSAGE', data: '{"a":1,\n"b":2}', lastEventId: '41' }
        ]);
    });

    test('gives the same events whatever the chunk boundaries, byte by byte included', () => {
        const stream =
            'id: 1\r\nevent: ping\r\ndata: 0\r\n\r\n' +
            'id: 2\revent: CONVERSATION_MESSAGE\rdata: {"text":"héllo ✓"}\r\r' +
            'id: 3\nevent: CONVERSATION_ROUTING_RESULT\ndata: {}\n\n';
        const whole = parseAll([stream]);
        assert.equal(whole.length, 3);
        const bytes = encoder.encode(stream);
        const byteByByte = parseAll([...bytes].map((byte) => Uint8Array.of(byte)));
        assert.deepEqual(byteByByte, whole);
        // Split right between a CR and its LF: still one line break, not an empty line.
        const crlfSplit = stream.indexOf('\r\n') + 1;
        assert.deepEqual(parseAll([stream.slice(0, crlfSplit), stream.slice(crlfSplit)]), whole);
        assert.equal(whole[1].data, '{"text":"héllo ✓"}');
    });

    test('keeps the last event id across events and connections, and ignores ids with NUL', () => {
        const parser = new ServerSentEventParser('7');
        const [first] = parser.push('data: x\n\n');
        assert.equal(first.lastEventId, '7');
        parser.push('id: 8\ndata: y\n\n');
        parser.push('id: bad\u0000id\ndata: z\n\n');
        assert.equal(parser.lastEventId, '8');
        const next = new ServerSentEventParser(parser.lastEventId);
        assert.equal(next.lastEventId, '8');
    });

    test('an event cut off by a dropped connection is not dispatched', () => {
        const parser = new ServerSentEventParser();
        assert.deepEqual(parser.push('id: 9\nevent: CONVERSATION_MESSAGE\ndata: {"par'), []);
        parser.end();
        assert.deepEqual(parser.push('data: after\n\n'), [
            { type: 'message', data: 'after', lastEventId: '9' }
        ]);
    });

    test('an event with no data is not dispatched; retry is read', () => {
        const parser = new ServerSentEventParser();
        assert.deepEqual(parser.push('event: nothing\n\nretry: 1500\n\n'), []);
        assert.equal(parser.retryMs, 1500);
    });

    test("the event router's own bytes (the emulator's independent writer): no space after the colon, pings between events", () => {
        const data = JSON.stringify({
            conversationId: 'c-1',
            conversationEntry: {
                identifier: 'e-1',
                entryType: 'Message',
                sender: { role: 'Agent' },
                senderDisplayName: 'Ada: "hi"',
                entryPayload: JSON.stringify({
                    abstractMessage: { staticContent: { formatType: 'Text', text: 'Grüße: a:b' } }
                })
            }
        });
        const wire =
            salesforcePing() +
            salesforceEvent({ id: 1042, type: 'CONVERSATION_MESSAGE', data }) +
            salesforcePing();
        assert.equal(wire.split('\n')[3], 'id:1042');
        const bytes = encoder.encode(wire);
        const byteByByte = parseAll([...bytes].map((byte) => Uint8Array.of(byte)));
        assert.deepEqual(byteByByte, parseAll([wire]));
        assert.deepEqual(
            byteByByte.map((event) => [event.type, event.lastEventId]),
            [
                ['ping', ''],
                ['CONVERSATION_MESSAGE', '1042'],
                // A keep-alive carries no id: Last-Event-Id stays on the last conversation event.
                ['ping', '1042']
            ]
        );
        assert.equal(byteByByte[1].data, data);
        assert.equal(parseConversationEvent(byteByByte[0]), null);
        assert.equal(parseConversationEvent(byteByByte[1])?.text, 'Grüße: a:b');
    });
});
