// `npm start`: serves the console preview on localhost: the real compiled LWCs (bundled by
// preview/build.mjs) on a Service Console style record page, fed by the sample sessions.
//   node preview/server.mjs [--port <n>] [--no-cache]
//     --port: or PORT=<n>; default 3000; 0 picks a free port
//     --no-cache: bundle from scratch, without node_modules/.cache/opencx-preview
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildPreview, projectRoot } from './build.mjs';

const previewDir = fileURLToPath(new URL('.', import.meta.url));
const sldsAssets = join(projectRoot, 'node_modules/@salesforce-ux/design-system/assets');
export const DEFAULT_PORT = 3000;

const CONTENT_TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.jpg': 'image/jpeg',
    '.gif': 'image/gif',
    '.woff': 'font/woff',
    '.woff2': 'font/woff2',
    '.json': 'application/json'
};

/** Port from `--port <n>`, `--port=<n>` or PORT; throws on anything but 0-65535. */
export function parsePort(argv, env) {
    let raw;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === '--port') raw = argv[i + 1];
        else if (argv[i].startsWith('--port=')) raw = argv[i].slice('--port='.length);
    }
    raw ??= env.PORT ?? String(DEFAULT_PORT);
    const port = Number(raw);
    if (!/^\d+$/.test(String(raw)) || port > 65535) {
        throw new Error(
            `Invalid port "${raw}": use a number from 0 to 65535 (0 picks a free one).`
        );
    }
    return port;
}

/** A file under `base`, or null when the request tries to leave it. */
function inside(base, relativePath) {
    const path = normalize(join(base, relativePath));
    return path === base || path.startsWith(base + sep) ? path : null;
}

/**
 * Starts listening at once (so a taken port is reported before the bundle is built), then builds.
 * @param {{ port?: number, host?: string, lwcRoot?: string, cache?: boolean,
 *   log?: (line: string) => void }} [options]
 */
export async function startPreviewServer(options = {}) {
    const host = options.host ?? '127.0.0.1';
    const log = options.log ?? ((line) => console.log(line));
    let bundle = null;
    let buildError = null;

    const server = createServer((request, response) => {
        handle(request, response).catch((error) => {
            if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
            response.end(String(error?.stack ?? error));
        });
    });

    async function handle(request, response) {
        const { pathname } = new URL(request.url ?? '/', 'http://localhost');
        const send = (status, body, path) =>
            response
                .writeHead(status, {
                    'content-type':
                        CONTENT_TYPES[extname(path ?? 'x.txt')] ?? 'application/octet-stream',
                    'cache-control': 'no-store'
                })
                .end(body);
        if (request.method !== 'GET' && request.method !== 'HEAD') {
            return send(405, 'Method not allowed');
        }
        if (pathname === '/' || pathname === '/index.html') {
            return send(200, await readFile(join(previewDir, 'index.html')), 'index.html');
        }
        if (pathname === '/preview.css') {
            return send(200, await readFile(join(previewDir, 'preview.css')), 'preview.css');
        }
        if (pathname.startsWith('/bundle/')) {
            await ready;
            if (buildError) return send(500, `The preview bundle failed to build:\n${buildError}`);
            const code = bundle.files.get(decodeURIComponent(pathname.slice('/bundle/'.length)));
            return code === undefined ? send(404, 'Not found') : send(200, code, pathname);
        }
        if (pathname.startsWith('/slds/')) {
            const file = inside(sldsAssets, decodeURIComponent(pathname.slice('/slds/'.length)));
            if (!file) return send(404, 'Not found');
            try {
                return send(200, await readFile(file), file);
            } catch {
                return send(404, 'Not found');
            }
        }
        return send(404, 'Not found');
    }

    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? DEFAULT_PORT, host, () => {
            server.off('error', reject);
            resolve(undefined);
        });
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const url = `http://localhost:${port}/`;

    const ready = buildPreview({ lwcRoot: options.lwcRoot, cache: options.cache }).then(
        (built) => {
            bundle = built;
            for (const warning of built.warnings) log(`preview: bundle warning: ${warning}`);
            return built;
        },
        (error) => {
            buildError = error?.message ?? String(error);
            throw error;
        }
    );
    ready.catch(() => {});

    return {
        url,
        port,
        ready,
        close: () =>
            new Promise((resolve) => {
                server.close(() => resolve(undefined));
                server.closeAllConnections();
            })
    };
}

async function main() {
    let port;
    try {
        port = parsePort(process.argv.slice(2), process.env);
    } catch (error) {
        console.error(`preview: ${error.message}`);
        process.exit(2);
    }
    let preview;
    try {
        preview = await startPreviewServer({ port, cache: !process.argv.includes('--no-cache') });
    } catch (error) {
        if (error?.code === 'EADDRINUSE') {
            console.error(
                `preview: port ${port} is already in use (another preview or server is running).\n` +
                    `         Stop it, or pick another port: npm start -- --port ${port + 1}  (or PORT=${port + 1} npm start)`
            );
        } else if (error?.code === 'EACCES') {
            console.error(`preview: not allowed to listen on port ${port}; pick one above 1023.`);
        } else {
            console.error(`preview: cannot listen on port ${port}: ${error?.message ?? error}`);
        }
        process.exit(1);
    }

    let stopping = false;
    const stop = async (signal) => {
        if (stopping) return;
        stopping = true;
        await preview.close();
        console.log(`\npreview: stopped (${signal})`);
        process.exit(0);
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));

    console.log(`preview: bundling the components on ${preview.url} ...`);
    try {
        const built = await preview.ready;
        console.log(
            `preview: ${built.components.length} component(s) bundled in ${built.seconds.toFixed(1)} s` +
                (built.cached ? ' (unchanged modules from node_modules/.cache/opencx-preview)' : '')
        );
        console.log(`preview: open ${preview.url}  (Ctrl-C stops it)`);
        // After the page is up: the next start reuses the unchanged modules.
        await built
            .saveCache()
            .catch((error) =>
                console.warn(
                    `preview: could not write the bundle cache: ${error?.message ?? error}`
                )
            );
    } catch (error) {
        console.error(`preview: the bundle failed to build: ${error?.message ?? error}`);
        await preview.close();
        process.exit(1);
    }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
    main().catch((error) => {
        console.error(`preview: ${error?.stack ?? error}`);
        process.exit(1);
    });
}
