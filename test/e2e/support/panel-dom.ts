// The panel's DOM (opencxConversationPanel and its child opencxTranscript) as the browser tests
// and the benchmark read it. Playwright's selectors see through synthetic shadow roots.
import type { Page } from 'playwright-core';

const root = 'c-opencx-conversation-panel';

export const PANEL = {
    root,
    /** The panel body; aria-busy is "false" once loading or refreshing is over. */
    body: `${root} .panel`,
    settled: `${root} .panel[aria-busy="false"]`,
    refresh: `${root} lightning-button-icon.refresh button`,
    traceKey: `${root} .trace-key`,
    copy: `${root} lightning-button-icon.copy button`,
    copyStatus: `${root} .copy-status`,
    sessionLink: `${root} a.session-link`,
    badge: `${root} .badges lightning-badge > span[part="badge"]`,
    details: `${root} dl.details`,
    summary: `${root} .handoff .summary`,
    error: `${root} .error[role="alert"]`,
    errorMessage: `${root} .error .error-message`,
    retry: `${root} lightning-button.retry button`,
    noSession: `${root} .no-session`,
    notConfigured: `${root} .not-configured`,
    setupMessage: `${root} .not-configured .setup-message`,
    turnCount: `${root} .turn-count`,
    transcript: `${root} c-opencx-transcript .transcript`,
    turn: `${root} c-opencx-transcript li.turn`
} as const;

/** The few DOM members the in-page callbacks use (this project's Node typings have no DOM lib). */
interface InPageElement {
    className: string;
    textContent: string | null;
    getAttribute(name: string): string | null;
    querySelector(selector: string): InPageElement | null;
    querySelectorAll(selector: string): ArrayLike<InPageElement>;
}

export interface TurnView {
    className: string;
    datetime: string | null;
    label: string;
    time: string;
    /** Message text as rendered (text nodes and links together), null for events. */
    text: string | null;
    links: { href: string | null; target: string | null; rel: string | null; text: string }[];
}

/** Every transcript entry, in document order. */
export async function readTurns(page: Page): Promise<TurnView[]> {
    return page.locator(PANEL.turn).evaluateAll((items) =>
        (items as unknown as InPageElement[]).map((item) => {
            const text = item.querySelector('.text');
            return {
                className: item.className,
                datetime: item.querySelector('time')?.getAttribute('datetime') ?? null,
                label: (item.querySelector('.author, .event-label')?.textContent ?? '').trim(),
                time: (item.querySelector('time')?.textContent ?? '').trim(),
                text: text ? text.textContent : null,
                links: Array.from(item.querySelectorAll('a')).map((link) => ({
                    href: link.getAttribute('href'),
                    target: link.getAttribute('target'),
                    rel: link.getAttribute('rel'),
                    text: link.textContent ?? ''
                }))
            };
        })
    );
}

/** What has keyboard focus, described for a readable assertion. */
export async function describeFocus(page: Page): Promise<string> {
    const focused = page.locator('*:focus');
    if ((await focused.count()) === 0) return '(nothing)';
    return focused.first().evaluate((element) => {
        const tag = element.tagName.toLowerCase();
        const name =
            element.getAttribute('aria-label') ??
            element.getAttribute('title') ??
            (element.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60);
        const href = element.getAttribute('href');
        return `${tag}${element.getAttribute('role') ? `[role=${element.getAttribute('role')}]` : ''} "${name}"${href ? ` ${href}` : ''}`;
    });
}

/** Presses Tab `count` times from `start` and describes where focus lands each time. */
export async function tabOrder(page: Page, start: string, count: number): Promise<string[]> {
    await page.locator(start).focus();
    const stops: string[] = [];
    for (let i = 0; i < count; i++) {
        await page.keyboard.press('Tab');
        stops.push(await describeFocus(page));
    }
    return stops;
}
