// What the rehearsal says when something is wrong: one clear error (exit 2) when the handoff
// cannot run, a failed check with its fix (exit 1) when it ran but landed wrong.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import {
    DASH_KID_KEY_PATH,
    ISSUER,
    handoffOf,
    startHandoffFixture,
    type HandoffFixture
} from './support.ts';
import { miawState } from '../../testkit/emulator/index.ts';

function authenticatedArgs(fixture: HandoffFixture, keyPath: string, kid = fixture.kid): string[] {
    return [
        ...fixture.baseArgs(),
        '--authenticated',
        '--email',
        'jane@example.com',
        '--private-key',
        keyPath,
        '--kid',
        kid,
        '--issuer',
        ISSUER,
        '--listen',
        '0'
    ];
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}

describe('identity token problems, as Salesforce treats them', () => {
    let fixture: HandoffFixture;
    before(async () => {
        // A fixed key whose kid starts with "-": deterministic, and the hard case every run.
        fixture = await startHandoffFixture({ keyPath: DASH_KID_KEY_PATH });
    });
    after(() => fixture.stop());

    for (const [label, keyPath, kid] of [
        ['signed with another key', () => fixture.otherKeyPath, () => fixture.kid],
        ['with a kid the keyset does not have', () => fixture.keyPath, () => 'not-registered'],
        ['with the wrong issuer', () => fixture.keyPath, () => fixture.kid]
    ] as const) {
        test(`a token ${label} gets a guest token: the command fails the identity check and says so`, async () => {
            const args = authenticatedArgs(fixture, keyPath(), kid());
            if (label === 'with the wrong issuer')
                args.splice(args.indexOf(ISSUER), 1, 'someone-else');
            const run = await fixture.run(args);
            assert.equal(run.exitCode, 1, run.stdout + run.stderr);
            const identity = run.result!.checks.find(
                (check) => check.name === 'identity token verified'
            )!;
            assert.equal(identity.ok, false);
            assert.match(identity.detail, /guest token.*did not verify the identity token/);
            assert.match(
                identity.fix!,
                /kid must be the kid of a key in the PublicKeyCertificateSet OpenCX_Identity_Keys/
            );
            const handoff = handoffOf(run.result, 'verified');
            assert.equal(handoff.visitor.verified, false);
            assert.match(handoff.visitor.subject!, /^v2\/iamessage\/UNAUTH\//);
            assert.match(run.stdout, /✗ identity token verified/);
            assert.match(
                run.stdout,
                /✗ access token {5}verified signed \(provisioned key\) → .*: 200 UNAUTH token/
            );
            assert.equal(run.result!.verdict.guestFallback, true);
        });
    }
});

describe('identity token problems when the messaging host answers 401 instead', () => {
    let fixture: HandoffFixture;
    before(async () => {
        fixture = await startHandoffFixture({
            identityFailure: 'reject',
            keyPath: DASH_KID_KEY_PATH
        });
    });
    after(() => fixture.stop());

    test('one clear error naming the kid and issuer, and nothing is created', async () => {
        const run = await fixture.run(authenticatedArgs(fixture, fixture.otherKeyPath));
        assert.equal(run.exitCode, 2);
        assert.equal(
            run.stderr.split('\n')[0],
            `error: Salesforce rejected the identity token (HTTP 401): kid ${fixture.kid}, iss opencx-handoff.`
        );
        assert.match(run.stderr, /fix: Sign with the private key provisioning wrote/);
        assert.equal(miawState(fixture.emulator.state).conversations.size, 0);
    });
});

describe('errors that stop the handoff', () => {
    let fixture: HandoffFixture;
    before(async () => {
        fixture = await startHandoffFixture();
    });
    after(() => fixture.stop());

    test('a wrong ES developer name', async () => {
        const run = await fixture.run([
            ...fixture.baseArgs(),
            '--es-name',
            'OpenCX_Handof',
            '--listen',
            '0'
        ]);
        assert.equal(run.exitCode, 2);
        assert.equal(
            run.stderr.split('\n')[0],
            'error: The org has no Messaging for In-App and Web deployment named "OpenCX_Handof" (it has: OpenCX_Handoff).'
        );
        assert.match(run.stderr, /fix: Pass the right name with --es-name/);
        assert.equal(run.stdout.includes('✓ access token'), false);
    });

    test('a deployment that exists but is not published', async () => {
        const deployment = fixture.emulator.state.tooling.all('EmbeddedServiceConfig')[0];
        fixture.emulator.state.publishedDeployments.delete(deployment.Id);
        try {
            const run = await fixture.run([...fixture.baseArgs(), '--listen', '0']);
            assert.equal(run.exitCode, 2);
            assert.equal(
                run.stderr.split('\n')[0],
                'error: The deployment "OpenCX_Handoff" exists in the org but the messaging host does not serve it: it is not published.'
            );
            assert.match(
                run.stderr,
                /fix: Setup → Embedded Service Deployments → OpenCX_Handoff → Publish/
            );
        } finally {
            fixture.emulator.state.publishedDeployments.set(deployment.Id, 1);
        }
    });

    test('an --org-id that is not the connected org', async () => {
        const run = await fixture.run([...fixture.baseArgs(), '--org-id', '00D000000000042AAA']);
        assert.equal(run.exitCode, 2);
        assert.match(
            run.stderr,
            /^error: --org-id 00D000000000042AAA is not the org http:\/\/127\.0\.0\.1:\d+ is logged in to \(00D/
        );
    });

    test('an unreachable messaging host', async () => {
        const port = await closedPort();
        const args = fixture.baseArgs();
        args.splice(args.indexOf('--messaging-host') + 1, 1, `http://127.0.0.1:${port}`);
        const run = await fixture.run([...args, '--listen', '0']);
        assert.equal(run.exitCode, 2);
        assert.equal(
            run.stderr.split('\n')[0],
            `error: Cannot reach the messaging host http://127.0.0.1:${port} (ECONNREFUSED).`
        );
        assert.match(run.stderr, /fix: The host is your My Domain with \.my\.salesforce-scrt\.com/);
    });

    test('an expired org login, before anything is sent to the messaging host', async () => {
        const conversationsBefore = miawState(fixture.emulator.state).calls.conversation ?? 0;
        fixture.emulator.expireSession();
        try {
            const run = await fixture.run([...fixture.baseArgs(), '--listen', '0', '--json']);
            assert.equal(run.exitCode, 2);
            const document = JSON.parse(run.stdout) as {
                ok: boolean;
                error: { code: string; message: string; fix: string };
            };
            assert.equal(document.ok, false);
            assert.equal(document.error.code, 'LOGIN');
            assert.match(
                document.error.message,
                /^The Salesforce session for http:\/\/127\.0\.0\.1:\d+ has expired or is invalid/
            );
            assert.match(document.error.fix, /SF_ACCESS_TOKEN/);
            assert.equal(
                miawState(fixture.emulator.state).calls.conversation ?? 0,
                conversationsBefore
            );
        } finally {
            fixture.emulator.state.sessionExpired = false;
        }
    });

    test('bad flags: one usage error, nothing contacted', async () => {
        const calls = fixture.emulator.callCount();
        for (const [argv, message] of [
            [['--authenticated'], /--target-org/],
            [[...fixture.baseArgs(), '--authenticated'], /--authenticated needs --email/],
            [
                [...fixture.baseArgs(), '--visitor', 'anonymous', '--email', 'a@b.co'],
                /not with --visitor anonymous/
            ],
            [[...fixture.baseArgs(), '--session-id', 'x'], /--session-id names one conversation/],
            [[...fixture.baseArgs(), '--visitor', 'robot'], /--visitor takes anonymous/],
            [
                [...fixture.baseArgs(), '--visitor-verification', 'maybe'],
                /--visitor-verification takes verified or open/
            ],
            [[...fixture.baseArgs(), '--listen', '1.5'], /--listen takes whole seconds/],
            [[...fixture.baseArgs(), '--org-id', '001000000000000'], /not a Salesforce org id/],
            [
                [...fixture.baseArgs(), '--transcript', '/nonexistent/file.txt'],
                /Cannot read the transcript/
            ]
        ] as const) {
            const run = await fixture.run([...argv]);
            assert.equal(run.exitCode, 2, `${argv.join(' ')}: ${run.stderr}`);
            assert.match(run.stderr, message);
        }
        assert.equal(fixture.emulator.callCount(), calls);
    });
});

describe('org-side causes: the handoff runs, the checks say what is wrong and how to fix it', () => {
    let fixture: HandoffFixture;
    before(async () => {
        fixture = await startHandoffFixture();
    });
    after(() => fixture.stop());

    test('channel not active: no session; the fix names the channel, deployment and flow', async () => {
        const channel = fixture.emulator.state.data.all('MessagingChannel')[0];
        fixture.emulator.state.data.update('MessagingChannel', channel.Id, { IsActive: false });
        try {
            const run = await fixture.run([
                ...fixture.baseArgs(),
                '--visitor',
                'anonymous',
                '--listen',
                '0'
            ]);
            assert.equal(run.exitCode, 1);
            const check = run.result!.checks.find(
                (item) => item.name === 'MessagingSession created'
            )!;
            assert.equal(check.ok, false);
            assert.match(check.fix!, /OpenCX_Messaging is active/);
            assert.match(run.stdout, /FAIL: 1 check\(s\) failed/);
        } finally {
            fixture.emulator.state.data.update('MessagingChannel', channel.Id, { IsActive: true });
        }
    });

    test('flow not set on the channel: fallback queue, attributes not stamped, both with fixes', async () => {
        const channel = fixture.emulator.state.data.all('MessagingChannel')[0];
        const handler = channel.SessionHandlerId;
        fixture.emulator.state.data.update('MessagingChannel', channel.Id, {
            SessionHandlerId: null
        });
        try {
            const run = await fixture.run([
                ...fixture.baseArgs(),
                '--visitor',
                'anonymous',
                '--listen',
                '0'
            ]);
            assert.equal(run.exitCode, 1);
            const checks = Object.fromEntries(
                run.result!.checks.map((check) => [check.name, check])
            );
            assert.equal(checks['MessagingSession created'].ok, true);
            assert.equal(checks['attributes stamped'].ok, false);
            assert.match(
                checks['attributes stamped'].detail,
                /OpenCX_Session_Id__c \(sent ".*", found blank\)/
            );
            assert.equal(checks['routed to the expected queue'].ok, false);
            assert.match(
                checks['routed to the expected queue'].detail,
                /routed to OpenCX_Fallback, the rules say OpenCX_Anonymous_Visitors/
            );
            assert.match(
                checks['routed to the expected queue'].fix!,
                /OpenCX_Route_Handoff is the channel's routing flow/
            );
        } finally {
            fixture.emulator.state.data.update('MessagingChannel', channel.Id, {
                SessionHandlerId: handler
            });
        }
    });

    test('the rule records decide: a deactivated rule sends the same visitor to the fallback queue', async () => {
        const rule = fixture.emulator.state.data
            .all('OpenCX_Routing_Rule__mdt')
            .find((row) => row.Consumer_Type__c === 'Anonymous')!;
        fixture.emulator.state.data.update('OpenCX_Routing_Rule__mdt', rule.Id, {
            Active__c: false
        });
        try {
            const run = await fixture.run([
                ...fixture.baseArgs(),
                '--visitor',
                'anonymous',
                '--listen',
                '0'
            ]);
            assert.equal(run.exitCode, 0, run.stdout);
            const session = handoffOf(run.result, 'anonymous').session!;
            assert.equal(session.routedQueue?.developerName, 'OpenCX_Fallback');
            assert.match(session.expectedQueue.reason, /no active rule for "Anonymous"/);
        } finally {
            fixture.emulator.state.data.update('OpenCX_Routing_Rule__mdt', rule.Id, {
                Active__c: true
            });
        }
    });

    test('a consumer type in another spelling and case still lands where its rule says', async () => {
        const run = await fixture.run([
            ...fixture.baseArgs(),
            '--consumer-type',
            '  vERIFIED ',
            '--listen',
            '0'
        ]);
        assert.equal(run.exitCode, 0, run.stdout);
        for (const handoff of run.result!.handoffs) {
            assert.equal(handoff.session?.routedQueue?.developerName, 'OpenCX_Verified_Visitors');
        }
    });
});
