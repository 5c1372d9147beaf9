// `--json` prints one JSON document on stdout and nothing else, from the real entry point in its
// own process (so nothing that writes to stdout behind the command's back can hide).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../scripts/lib/project.ts';
import { startHandoffFixture, type HandoffFixture } from './support.ts';
import { miawState, pushAgentReply, waitForConversation } from '../../testkit/emulator/index.ts';

function runEntry(
    args: string[],
    env: NodeJS.ProcessEnv
): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(
            process.execPath,
            ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'handoff-test.ts'), ...args],
            { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } }
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
}

describe('--json', () => {
    let fixture: HandoffFixture;
    before(async () => {
        fixture = await startHandoffFixture();
    });
    after(() => fixture.stop());

    test('one document with the checks, the session, the replies and the transcript count', async () => {
        const transcript = join(fixture.dir, 'transcript.txt');
        writeFileSync(
            transcript,
            'Visitor: my order never arrived\nAI: I can see order 1234 was shipped.\nVisitor: I want a human\n'
        );
        const replying = (async () => {
            const conversation = await waitForConversation(
                fixture.emulator,
                15_000,
                (item) => item.routingAttributes.OpencxSessionId === 'json-0001'
            );
            // Replies arrive while the command listens.
            await new Promise((resolve) => setTimeout(resolve, 200));
            pushAgentReply(fixture.emulator, conversation.id, 'Hello from the console');
        })();
        const run = await runEntry(
            [
                ...fixture.baseArgs(),
                '--state-dir',
                fixture.stateDir,
                '--visitor',
                'anonymous',
                '--session-id',
                'json-0001',
                '--transcript',
                transcript,
                '--listen',
                '2',
                '--json'
            ],
            { SF_ACCESS_TOKEN: fixture.emulator.state.accessToken }
        );
        await replying;
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stderr, '');
        const document = JSON.parse(run.stdout) as {
            ok: boolean;
            handoffs: {
                messagesSent: number;
                replies: { text: string }[];
                session: { routedQueue: { developerName: string } };
            }[];
            checks: { name: string; ok: boolean }[];
            verdict: { needed: string; line: string };
        };
        assert.equal(document.ok, true);
        const [handoff] = document.handoffs;
        assert.equal(handoff.messagesSent, 2);
        assert.deepEqual(
            handoff.replies.map((reply) => reply.text),
            ['Hello from the console']
        );
        assert.equal(handoff.session.routedQueue.developerName, 'OpenCX_Anonymous_Visitors');
        assert.ok(document.checks.length >= 3);
        assert.equal(document.verdict.needed, 'verified');
        // Exactly one JSON value: re-serialising it gives back the whole of stdout.
        assert.equal(`${JSON.stringify(document, null, 2)}\n`, run.stdout);
        // The transcript reached the conversation as the visitor's second message.
        const conversation = [...miawState(fixture.emulator.state).conversations.values()].find(
            (item) => item.routingAttributes.OpencxSessionId === 'json-0001'
        )!;
        const texts = miawState(fixture.emulator.state)
            .events.filter((event) => event.type === 'CONVERSATION_MESSAGE')
            .map(
                (event) =>
                    JSON.parse(event.data) as {
                        conversationId: string;
                        conversationEntry: { entryPayload: string; sender?: { role?: string } };
                    }
            )
            // The visitor's messages only: the agent's reply may land between them under load.
            .filter(
                (event) =>
                    event.conversationId === conversation.id &&
                    event.conversationEntry.sender?.role !== 'Agent'
            )
            .map(
                (event) =>
                    (
                        JSON.parse(event.conversationEntry.entryPayload) as {
                            abstractMessage: { staticContent: { text: string } };
                        }
                    ).abstractMessage.staticContent.text
            );
        assert.equal(texts[0], 'I want to talk to a human');
        assert.match(
            texts[1],
            /^Transcript from OpenCX .*\nVisitor: my order never arrived\nAI: I can see order 1234 was shipped\.\nVisitor: I want a human$/
        );
    });

    test('an error is one document too, with a non-zero exit code and an empty stderr', async () => {
        const run = await runEntry(
            [...fixture.baseArgs(), '--state-dir', fixture.stateDir, '--es-name', 'Nope', '--json'],
            {
                SF_ACCESS_TOKEN: fixture.emulator.state.accessToken
            }
        );
        assert.equal(run.code, 2);
        assert.equal(run.stderr, '');
        const document = JSON.parse(run.stdout) as { ok: boolean; error: { code: string } };
        assert.deepEqual([document.ok, document.error.code], [false, 'deployment-not-found']);
    });
});
