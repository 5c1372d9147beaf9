import type { Plugin } from 'rollup';

/** Rollup plugin swapping org-only platform modules for the preview's (see the .mjs). */
export function platformModules(options: { previewDir: string }): Plugin;
