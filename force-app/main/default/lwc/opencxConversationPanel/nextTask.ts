/**
 * One piece of work for the next browser task (setTimeout 0); scheduling again replaces it. The
 * panel shows an answer's card and then its transcript this way, each in a task of its own, so no
 * task of a long answer holds the console up (docs/panel-scale.md).
 */
export class NextTask {
    private timer?: ReturnType<typeof setTimeout>;
    private settle?: () => void;
    /** Resolves once the work scheduled last has run, or was replaced or cancelled. */
    done: Promise<void> = Promise.resolve();

    get pending(): boolean {
        return this.timer !== undefined;
    }

    schedule(work: () => void): void {
        this.cancel();
        this.done = new Promise((resolve) => {
            this.settle = resolve;
        });
        // eslint-disable-next-line @lwc/lwc/no-async-operation -- the next task is the point
        this.timer = setTimeout(() => {
            this.timer = undefined;
            try {
                work();
            } finally {
                this.finish();
            }
        }, 0);
    }

    cancel(): void {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.finish();
    }

    private finish(): void {
        this.settle?.();
        this.settle = undefined;
    }
}
