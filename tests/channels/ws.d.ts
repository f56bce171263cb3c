/**
 * The few types of the `ws` package (a dependency of @larksuiteoapi/node-sdk,
 * without @types/ws installed) that the fake long-connection server uses.
 */
declare module "ws" {
  import type { EventEmitter } from "node:events";
  import type { IncomingMessage } from "node:http";

  export class WebSocket extends EventEmitter {
    static readonly OPEN: number;
    readonly readyState: number;
    send(data: Uint8Array, cb?: (error?: Error) => void): void;
    close(code?: number): void;
    terminate(): void;
    on(event: "message", listener: (data: Buffer) => void): this;
    on(event: "close", listener: (code: number) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export class WebSocketServer extends EventEmitter {
    constructor(options: { port?: number; host?: string });
    readonly clients: Set<WebSocket>;
    address(): { port: number };
    close(cb?: (error?: Error) => void): void;
    on(event: "connection", listener: (socket: WebSocket, request: IncomingMessage) => void): this;
    on(event: "listening", listener: () => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
