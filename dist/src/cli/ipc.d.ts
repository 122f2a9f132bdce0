/**
 * Calls and one-way messages between the processes of `longrun serve --http-processes N`, over
 * Node's IPC channel (a cluster worker object on the primary's side, `process` on the worker's).
 * Messages carry `lr` so anything else on the channel (cluster's own traffic) passes by.
 *
 * ```ts
 * const peer = new IpcPeer(ipcOfWorker(worker));
 * peer.handle('snapshot', () => metrics.snapshot());
 * const text = await peer.call<string>('metrics', null);
 * ```
 */
import type { Worker } from 'node:cluster';
type Message = {
    lr: 'call';
    id: number;
    op: string;
    arg: unknown;
} | {
    lr: 'reply';
    id: number;
    ok: boolean;
    value: unknown;
} | {
    lr: 'tell';
    op: string;
    arg: unknown;
};
export interface IpcChannel {
    send(message: Message): void;
    onMessage(listener: (message: unknown) => void): void;
}
export declare function ipcOfWorker(worker: Worker): IpcChannel;
export declare function ipcOfParent(): IpcChannel;
export declare class IpcPeer {
    private readonly channel;
    private nextId;
    private readonly waiting;
    private readonly handlers;
    constructor(channel: IpcChannel);
    handle<A>(op: string, fn: (arg: A) => unknown): void;
    tell(op: string, arg?: unknown): void;
    call<T>(op: string, arg?: unknown): Promise<T>;
    /** Fails every call still waiting: the other side is gone. */
    disconnected(): void;
    private receive;
}
export {};
//# sourceMappingURL=ipc.d.ts.map