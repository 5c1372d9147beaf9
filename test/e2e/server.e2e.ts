// The preview server as `npm start` runs it: port printed, pages served, a taken port reported
// clearly, Ctrl-C stops it cleanly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
    projectRoot,
    stopChild,
    usePreview,
    type RunningPreview
} from './support/preview-server.ts';

/** Runs `node preview/server.mjs <args>` to its end (for the cases that exit by themselves). */
async function runServer(args: string[], env: NodeJS.ProcessEnv = {}) {
    const child = spawn(process.execPath, ['preview/server.mjs', ...args], {
        cwd: projectRoot,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe']
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, output };
}

describe('preview server', () => {
    let preview: RunningPreview;

    before(async () => {
        preview = await usePreview();
    });

    after(async () => {
        await preview?.stop();
    });

    // The address it prints is how the tests found it (support/preview-server.ts, run.mjs).
    test('serves the page, the bundle and SLDS', async () => {
        const page = await fetch(preview.url);
        assert.equal(page.status, 200);
        assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
        assert.match(await page.text(), /<script type="module" src="\/bundle\/main.js">/);

        const bundle = await fetch(new URL('bundle/main.js', preview.url));
        assert.equal(bundle.status, 200);
        assert.match(bundle.headers.get('content-type') ?? '', /^text\/javascript/);
        assert.match(await bundle.text(), /c-opencx-conversation-panel/);

        const css = await fetch(
            new URL('slds/styles/salesforce-lightning-design-system.min.css', preview.url)
        );
        assert.equal(css.status, 200);
        assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
    });

    test('answers 404 for unknown paths and for paths that try to leave the SLDS folder', async () => {
        assert.equal((await fetch(new URL('nope', preview.url))).status, 404);
        assert.equal((await fetch(new URL('bundle/nope.js', preview.url))).status, 404);
        const traversal = await fetch(new URL('slds/..%2F..%2F..%2Fpackage.json', preview.url));
        assert.equal(traversal.status, 404);
    });

    test('says clearly that a port is taken, and exits non-zero before bundling', async () => {
        const blocker = createServer();
        await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
        const address = blocker.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        try {
            const { code, output } = await runServer(['--port', String(port)]);
            assert.equal(code, 1);
            assert.match(output, new RegExp(`port ${port} is already in use`));
            assert.match(output, /npm start -- --port \d+/);
            assert.doesNotMatch(output, /bundling/);
        } finally {
            blocker.close();
        }
    });

    test('rejects a port that is not a number, from --port or PORT', async () => {
        const fromFlag = await runServer(['--port', 'eighty']);
        assert.equal(fromFlag.code, 2);
        assert.match(fromFlag.output, /Invalid port "eighty"/);
        const fromEnv = await runServer([], { PORT: '70000' });
        assert.equal(fromEnv.code, 2);
        assert.match(fromEnv.output, /Invalid port "70000"/);
    });

    // A ready server's Ctrl-C is checked by test/e2e/run.mjs, which stops the shared server.
    test('prints its address at once and stops cleanly on Ctrl-C, even while bundling', async () => {
        const child = spawn(process.execPath, ['preview/server.mjs', '--port', '0'], {
            cwd: projectRoot,
            stdio: ['ignore', 'pipe', 'pipe']
        });
        let output = '';
        child.stdout.on('data', (chunk) => (output += chunk));
        child.stderr.on('data', (chunk) => (output += chunk));
        const port = await new Promise<number>((resolve, reject) => {
            child.stdout.on('data', () => {
                const printed = /bundling the components on http:\/\/localhost:(\d+)\//.exec(
                    output
                );
                if (printed) resolve(Number(printed[1]));
            });
            child.on('exit', () => reject(new Error(`exited early:\n${output}`)));
        });
        const code = await stopChild(child);
        assert.equal(code, 0, output);
        assert.match(output, /preview: stopped \(SIGINT\)/);
        const probe = createServer();
        await new Promise<void>((resolve, reject) => {
            probe.once('error', reject);
            probe.listen(port, '127.0.0.1', resolve);
        });
        probe.close();
    });
});
