export const DEFAULT_PORT: number;

/** Port from `--port <n>`, `--port=<n>` or PORT; throws on anything but 0-65535. */
export function parsePort(argv: string[], env: Record<string, string | undefined>): number;

export interface PreviewServer {
    url: string;
    port: number;
    ready: Promise<unknown>;
    close(): Promise<void>;
}

export function startPreviewServer(options?: {
    port?: number;
    host?: string;
    lwcRoot?: string;
    cache?: boolean;
    log?: (line: string) => void;
}): Promise<PreviewServer>;
