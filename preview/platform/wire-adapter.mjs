// The wire adapter contract the preview's platform modules share: constructor(dataCallback),
// connect, update(config), disconnect; each load answers { data, error } once, and an answer that
// a newer load or a disconnect has overtaken is dropped.
export class PromiseWireAdapter {
    constructor(dataCallback) {
        this.dataCallback = dataCallback;
        this.connected = false;
        this.config = undefined;
        this.generation = 0;
    }

    connect() {
        this.connected = true;
        if (this.config) this.load();
    }

    disconnect() {
        this.connected = false;
        this.generation += 1;
    }

    update(config) {
        this.config = config;
        if (this.connected) this.load();
    }

    /** The data for `config`, as a promise; each adapter says where it comes from. */
    fetch() {
        return Promise.reject(new Error(`${this.constructor.name} does not implement fetch`));
    }

    /** Hands a wired value to the component. */
    emit(value) {
        this.dataCallback(value);
    }

    load() {
        const generation = ++this.generation;
        const answer = (value) => {
            if (generation === this.generation) this.emit(value);
        };
        return this.fetch(this.config).then(
            (data) => answer({ data, error: undefined }),
            (error) => answer({ data: undefined, error })
        );
    }
}
