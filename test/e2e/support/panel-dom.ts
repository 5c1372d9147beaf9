// Where things are in the panel's DOM (opencxConversationPanel and its children), in one place
// for the browser tests and the benchmark. Playwright's selectors see through synthetic shadow.
export const PANEL = {
    root: 'c-opencx-conversation-panel',
    turn: '[data-turn]'
} as const;
