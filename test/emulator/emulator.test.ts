// The emulator itself, driven through real jsforce over HTTP: the API shapes provisioning relies on,
// the platform limits it enforces, the faults it injects and the call log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from 'jsforce';
import { startEmulator, type Emulator } from '../../testkit/emulator/index.ts';

function connect(emulator: Emulator, version = '66.0'): Connection {
    return new Connection({
        instanceUrl: emulator.url,
        accessToken: emulator.state.accessToken,
        version
    });
}

describe('Salesforce API emulator', () => {
    let emulator: Emulator;
    let conn: Connection;
    before(async () => {
        emulator = await startEmulator({ users: ['rep1@acme.example', 'rep2@acme.example'] });
        conn = connect(emulator);
    });
    after(() => emulator.stop());

    test('answers SOQL with relationship fields, and logs reads as reads', async () => {
        emulator.resetLog();
        const result = await conn.tooling.query<{
            DeveloperName: string;
            LatestVersion: { VersionNumber: number };
        }>(
            "SELECT Id, DeveloperName, LatestVersion.VersionNumber FROM FlowDefinition WHERE DeveloperName = 'OpenCX_Route_Handoff'"
        );
        assert.equal(result.records[0].LatestVersion.VersionNumber, 1);
        assert.deepEqual(
            emulator.calls.map((call) => [call.method, call.isWrite]),
            [['GET', false]]
        );
    });

    test('rejects a field the object does not have, as the API does', async () => {
        await assert.rejects(
            async () => conn.query('SELECT Id, Nope FROM User'),
            /No such column 'Nope'/
        );
    });

    test('pages query results by 2000 and jsforce follows nextRecordsUrl', async () => {
        const local = await startEmulator({
            users: Array.from({ length: 4500 }, (_, index) => `u${index}@acme.example`)
        });
        try {
            const records = await connect(local)
                .query('SELECT Id, Username FROM User')
                .execute({ autoFetch: true, maxFetch: 10000, responseTarget: 'Records' });
            assert.equal(records.length, 4501);
            assert.equal(local.callCount(), 3);
        } finally {
            await local.stop();
        }
    });

    test('sObject Collections: 200 records at most, no mixing setup objects, unique keys', async () => {
        const [user] = (
            await conn.query<{ Id: string }>(
                "SELECT Id FROM User WHERE Username = 'rep1@acme.example'"
            )
        ).records;
        const [queue] = (
            await conn.query<{ Id: string }>(
                "SELECT Id FROM Group WHERE DeveloperName = 'OpenCX_Fallback'"
            )
        ).records;
        const [permissionSet] = (
            await conn.query<{ Id: string }>(
                "SELECT Id FROM PermissionSet WHERE Name = 'OpenCX_Handoff_Rep'"
            )
        ).records;
        const member = {
            attributes: { type: 'GroupMember' },
            GroupId: queue.Id,
            UserOrGroupId: user.Id
        };
        const tooMany = Array.from({ length: 201 }, () => member);
        await assert.rejects(
            conn.request({
                method: 'POST',
                url: '/composite/sobjects',
                body: JSON.stringify({ records: tooMany }),
                headers: { 'content-type': 'application/json' }
            }),
            /cannot submit more than 200/
        );
        const mixed = [
            member,
            {
                attributes: { type: 'PermissionSetAssignment' },
                AssigneeId: user.Id,
                PermissionSetId: permissionSet.Id
            }
        ];
        await assert.rejects(
            conn.request({
                method: 'POST',
                url: '/composite/sobjects',
                body: JSON.stringify({ records: mixed }),
                headers: { 'content-type': 'application/json' }
            }),
            /Setup area/
        );
        const results = await conn.request<
            { success: boolean; errors: { statusCode: string }[] }[]
        >({
            method: 'POST',
            url: '/composite/sobjects',
            body: JSON.stringify({ records: [member, member] }),
            headers: { 'content-type': 'application/json' }
        });
        assert.equal(results[0].success, true);
        assert.equal(results[1].errors[0].statusCode, 'DUPLICATE_VALUE');
    });

    test('Composite: at most 5 collections or queries among its subrequests', async () => {
        const query = { method: 'GET', url: '/services/data/v66.0/query?q=SELECT+Id+FROM+User' };
        const body = (count: number) =>
            JSON.stringify({
                compositeRequest: Array.from({ length: count }, (_, index) => ({
                    ...query,
                    referenceId: `q${index}`
                }))
            });
        const ok = await conn.request<{ compositeResponse: { httpStatusCode: number }[] }>({
            method: 'POST',
            url: '/composite',
            body: body(5),
            headers: { 'content-type': 'application/json' }
        });
        assert.deepEqual(
            ok.compositeResponse.map((response) => response.httpStatusCode),
            [200, 200, 200, 200, 200]
        );
        await assert.rejects(
            conn.request({
                method: 'POST',
                url: '/composite',
                body: body(6),
                headers: { 'content-type': 'application/json' }
            }),
            /at most 5 sObject Collections or query subrequests/
        );
    });

    test('Metadata API read and upsert through jsforce SOAP', async () => {
        const [missing] = await conn.metadata.read('PublicKeyCertificate' as never, ['Nope']);
        assert.equal((missing as { fullName?: string }).fullName, undefined);
        const upsert = await conn.metadata.upsert(
            'PublicKeyCertificate' as never,
            {
                fullName: 'Key_1',
                isActive: true,
                jsonWebKey: JSON.stringify({ kty: 'RSA', kid: 'k1', n: 'x', e: 'AQAB' }),
                masterLabel: 'Key 1'
            } as never
        );
        // Elements out of the WSDL's sequence are refused, as the SOAP API does.
        await assert.rejects(
            conn.metadata.upsert(
                'PublicKeyCertificate' as never,
                { fullName: 'Key_2', masterLabel: 'Key 2', isActive: true } as never
            ),
            /isActive invalid at this location/
        );
        assert.equal((upsert as unknown as { created: boolean }).created, true);
        const [keySet] = await conn.metadata.read('PublicKeyCertificateSet' as never, [
            'OpenCX_Identity_Keys'
        ]);
        assert.equal((keySet as { jwtIssuer?: string }).jwtIssuer, 'opencx-handoff');
        const bad = await conn.metadata.upsert(
            'PublicKeyCertificateSet' as never,
            {
                fullName: 'OpenCX_Identity_Keys',
                masterLabel: 'Keys',
                publicKeyCertificateSetKeys: [{ publicKeyCertificate: 'Missing_Key' }],
                type: 'JWKS'
            } as never
        );
        assert.equal((bad as unknown as { success: boolean }).success, false);
    });

    test('faults: 500 on the k-th write, dropped connection, expired session', async () => {
        const local = await startEmulator();
        try {
            const client = connect(local);
            const [channel] = (
                await client.query<{ Id: string }>('SELECT Id FROM MessagingChannel')
            ).records;
            local.injectFault({ on: { write: 1 }, effect: { status: 500 } });
            await assert.rejects(
                client.sobject('MessagingChannel').update({ Id: channel.Id, IsActive: true })
            );
            local.injectFault({ on: { write: 2 }, effect: { drop: 'after' } });
            await assert.rejects(
                client.sobject('MessagingChannel').update({ Id: channel.Id, IsActive: true })
            );
            // The dropped write landed before the connection went.
            const [after] = (
                await client.query<{ IsActive: boolean }>('SELECT IsActive FROM MessagingChannel')
            ).records;
            assert.equal(after.IsActive, true);
            local.injectFault({
                on: { call: local.callCount() + 1 },
                effect: { expireSession: true }
            });
            await assert.rejects(
                async () => client.query('SELECT Id FROM User'),
                (error: Error) => error.name === 'INVALID_SESSION_ID'
            );
            assert.equal(local.writeCount(), 2);
        } finally {
            await local.stop();
        }
    });
});
