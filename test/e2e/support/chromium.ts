// Headless Chromium for the browser tests and the preview benchmark: the machine's own Chromium
// (CHROME_PATH, or Debian's /usr/bin/chromium), driven by playwright-core. Never a downloaded one.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Where Chromium is on this machine, or null (the e2e tests are then skipped). */
export function findChromium(): string | null {
    const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
    return candidates.find((path) => path && existsSync(path)) ?? null;
}

export interface LaunchedChromium {
    browser: Browser;
    close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile and its own temp folders (TMPDIR, XDG_*), so
 * runs never share state, and with the flags it needs as root in a container.
 */
export async function launchChromium(): Promise<LaunchedChromium> {
    const executablePath = findChromium();
    if (!executablePath) {
        throw new Error('No Chromium found: set CHROME_PATH or `apt-get install chromium`.');
    }
    const scratch = mkdtempSync(join(tmpdir(), 'opencx-chromium-'));
    const browser = await chromium.launch({
        executablePath,
        headless: true,
        args: [
            ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--disable-dev-shm-usage'
        ],
        env: {
            ...process.env,
            TMPDIR: scratch,
            XDG_CONFIG_HOME: join(scratch, 'config'),
            XDG_CACHE_HOME: join(scratch, 'cache'),
            XDG_DATA_HOME: join(scratch, 'data'),
            XDG_RUNTIME_DIR: scratch
        }
    });
    return {
        browser,
        async close() {
            await browser.close();
            rmSync(scratch, { recursive: true, force: true });
        }
    };
}
