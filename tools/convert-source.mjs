// `sf project convert source` into a temporary folder: proves the source-format layout converts to
// a deployable Metadata API package offline, then reports what the package holds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'opencx-convert-'));
const target = join(out, 'mdapi');
const sf = join(root, 'node_modules/.bin/sf');
const result = spawnSync(
    sf,
    ['project', 'convert', 'source', '--source-dir', 'force-app', '--output-dir', target, '--json'],
    {
        cwd: root,
        encoding: 'utf8',
        env: {
            ...process.env,
            SF_DISABLE_TELEMETRY: 'true',
            SF_AUTOUPDATE_DISABLE: 'true',
            SF_HIDE_RELEASE_NOTES: 'true'
        }
    }
);
let json;
try {
    json = JSON.parse(result.stdout);
} catch {
    console.error(result.stdout, result.stderr);
    console.error('convert: sf did not answer with JSON');
    process.exit(1);
}
if (json.status !== 0) {
    console.error(JSON.stringify(json, null, 2));
    process.exit(1);
}
const manifest = readFileSync(join(target, 'package.xml'), 'utf8');
const types = [...manifest.matchAll(/<types>([\s\S]*?)<\/types>/g)].map((m) => {
    const name = /<name>(.*?)<\/name>/.exec(m[1])[1];
    const members = [...m[1].matchAll(/<members>/g)].length;
    return `${name} ${members}`;
});
console.log(`convert: force-app converts to a Metadata API package (${types.join(', ')})`);
rmSync(out, { recursive: true, force: true });
