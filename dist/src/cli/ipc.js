export function ipcOfWorker(worker) {
    return {
        send: (m) => {
            if (worker.isConnected())
                worker.send(m);
        },
        onMessage: (l) => worker.on('message', l),
    };
}
export function ipcOfParent() {
    return {
        send: (m) => {
            if (process.connected)
                process.send?.(m);
        },
        onMessage: (l) => process.on('message', l),
    };
}
function isMessage(m) {
    return typeof m === 'object' && m !== null && 'lr' in m;
}
export class IpcPeer {
    channel;
    nextId = 1;
    waiting = new Map();
    handlers = new Map();
    constructor(channel) {
        this.channel = channel;
        channel.onMessage((m) => {
            if (isMessage(m))
                void this.receive(m);
        });
    }
    handle(op, fn) {
        this.handlers.set(op, fn);
    }
    tell(op, arg = null) {
        this.channel.send({ lr: 'tell', op, arg });
    }
    call(op, arg = null) {
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
            this.waiting.set(id, { resolve: resolve, reject });
            this.channel.send({ lr: 'call', id, op, arg });
        });
    }
    /** Fails every call still waiting: the other side is gone. */
    disconnected() {
        for (const w of this.waiting.values())
            w.reject(new Error('the other process is gone'));
        this.waiting.clear();
    }
    async receive(m) {
        if (m.lr === 'reply') {
            const w = this.waiting.get(m.id);
            this.waiting.delete(m.id);
            if (m.ok)
                w?.resolve(m.value);
            else
                w?.reject(new Error(String(m.value)));
            return;
        }
        const fn = this.handlers.get(m.op);
        if (m.lr === 'tell') {
            fn?.(m.arg);
            return;
        }
        try {
            if (!fn)
                throw new Error(`no handler for ${m.op}`);
            this.channel.send({ lr: 'reply', id: m.id, ok: true, value: await fn(m.arg) });
        }
        catch (err) {
            this.channel.send({ lr: 'reply', id: m.id, ok: false, value: err.message });
        }
    }
}
//# sourceMappingURL=ipc.js.map