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
    badge: `${root} .badges .badge`,
    /** The card itself: nothing the panel shows may reach outside it. */
    card: `${root} article.card`,
    title: `${root} .title`,
    jumpStart: `${root} lightning-button.jump-start button`,
    jumpHandoff: `${root} lightning-button.jump-handoff button`,
    jumpEnd: `${root} lightning-button.jump-end button`,
    details: `${root} dl.details`,
    summary: `${root} .handoff .summary`,
    error: `${root} .error[role="alert"]`,
    errorMessage: `${root} .error .error-message`,
    retry: `${root} lightning-button.retry button`,
    problem: `${root} .problem`,
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

/** A box of the page, from getBoundingClientRect. */
export interface Box {
    left: number;
    right: number;
    top: number;
    bottom: number;
}

export interface LayoutReport {
    /** document.documentElement scrollWidth and clientWidth: the page's horizontal scroll. */
    scrollWidth: number;
    clientWidth: number;
    card: Box;
    /**
     * Elements of the panel (through every shadow root) whose box leaves the card's sides, and
     * Retry buttons or times that leave their own box.
     */
    outside: string[];
    /** Elements that clip or scroll sideways (content wider than the box, overflow not visible). */
    clipped: string[];
    /** Ordinary words (tokens of up to 20 characters) the browser broke across two lines. */
    brokenWords: string[];
    /** How many Retry buttons and times were checked against their own box. */
    containedChecked: number;
}

/**
 * Everything that can go wrong in a narrow column, measured in the page: horizontal page scroll,
 * an element outside the card, clipped or sideways-scrolling content, words broken mid-word.
 */
export async function measureLayout(page: Page): Promise<LayoutReport> {
    return page.evaluate(`(() => {
        const host = document.querySelector('${root}');
        const card = host.shadowRoot.querySelector('article.card').getBoundingClientRect();
        const describe = (node) => {
            const classes = typeof node.className === 'string' && node.className ? '.' + node.className.trim().split(/\\s+/).join('.') : '';
            return node.tagName.toLowerCase() + classes + ' "' + (node.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 40) + '"';
        };
        const elements = [];
        const texts = [];
        const walk = (parent) => {
            for (const node of parent.childNodes) {
                if (node.nodeType === 3) texts.push(node);
                if (node.nodeType !== 1) continue;
                elements.push(node);
                if (node.shadowRoot) walk(node.shadowRoot);
                walk(node);
            }
        };
        walk(host.shadowRoot);
        const visible = (node) => {
            const style = getComputedStyle(node);
            if (style.display === 'none' || style.visibility === 'hidden') return false;
            if (node.closest && node.closest('.slds-assistive-text')) return false;
            const box = node.getBoundingClientRect();
            return box.width > 0 && box.height > 0;
        };
        const outside = [];
        const clipped = [];
        for (const node of elements) {
            if (!visible(node)) continue;
            const box = node.getBoundingClientRect();
            if (box.left < card.left - 0.5 || box.right > card.right + 0.5) {
                outside.push(describe(node) + ' ' + Math.round(box.left) + '..' + Math.round(box.right));
            }
            const style = getComputedStyle(node);
            const clips = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
            if (clips && node.scrollWidth > node.clientWidth + 1) {
                clipped.push(describe(node) + ' ' + node.scrollWidth + '>' + node.clientWidth);
            }
        }
        // Controls and times stay inside their own box (Retry in its message box, a time in its
        // bubble or event row), not only inside the card.
        const boxes = [['lightning-button.retry', '.problem, .not-configured, .busy'], ['time', '.bubble, .event']];
        let containedChecked = 0;
        for (const [selector, container] of boxes) {
            for (const node of elements.filter((element) => element.matches(selector) && visible(element))) {
                const inner = node.getBoundingClientRect();
                const outer = node.parentElement && node.parentElement.closest(container);
                if (!outer) continue;
                containedChecked += 1;
                const box = outer.getBoundingClientRect();
                if (inner.left < box.left - 0.5 || inner.right > box.right + 0.5 || inner.top < box.top - 0.5 || inner.bottom > box.bottom + 0.5) {
                    outside.push(describe(node) + ' leaves ' + describe(outer));
                }
            }
        }
        const brokenWords = [];
        for (const text of texts) {
            const parent = text.parentElement;
            if (!parent || !visible(parent)) continue;
            // Values from OpenCX or the record may break anywhere (overflow-wrap: anywhere) when
            // wider than the column; the panel's own words may not.
            if (parent.closest('bdi, code, .text, .summary')) continue;
            for (const match of text.textContent.matchAll(/(?<!\\S)\\S{2,20}(?!\\S)/gu)) {
                const range = document.createRange();
                range.setStart(text, match.index);
                range.setEnd(text, match.index + match[0].length);
                const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
                if (lines.size > 1) brokenWords.push(match[0] + ' in ' + describe(parent));
            }
        }
        return {
            scrollWidth: document.documentElement.scrollWidth,
            clientWidth: document.documentElement.clientWidth,
            card: { left: card.left, right: card.right, top: card.top, bottom: card.bottom },
            outside,
            clipped,
            brokenWords,
            containedChecked
        };
    })()`);
}
