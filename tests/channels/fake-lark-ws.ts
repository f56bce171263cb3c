/**
 * A fake Lark long-connection server: the endpoint FakeLark hands out from
 * `/callback/ws/endpoint`. It speaks the SDK's framing (protobuf `pbbp2.Frame`:
 * SeqID=1, LogID=2, service=3, method=4 (0 control, 1 data), headers=5
 * (key=1, value=2), payloadEncoding=6, payloadType=7, payload=8), pushes
 * events as data frames of type `event`, and collects the client's
 * acknowledgements (the same frame back, payload `{ code, data? }`, data base64 JSON).
 */
import { type WebSocket, WebSocketServer } from "ws";

/** A decoded frame. */
export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: Record<string, string>;
  payload: Buffer;
}

const varint = (n: number): number[] => {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
};
const field = (no: number, wire: number) => varint((no << 3) | wire);
const bytesField = (no: number, data: Buffer) => [...field(no, 2), ...varint(data.length), ...data];

/** Encode a frame as the SDK does. */
export function encodeFrame(f: Frame): Buffer {
  const out: number[] = [...field(1, 0), ...varint(f.SeqID), ...field(2, 0), ...varint(f.LogID)];
  out.push(...field(3, 0), ...varint(f.service), ...field(4, 0), ...varint(f.method));
  for (const [key, value] of Object.entries(f.headers)) {
    out.push(...bytesField(5, Buffer.from([...bytesField(1, Buffer.from(key)), ...bytesField(2, Buffer.from(value))])));
  }
  out.push(...bytesField(8, f.payload));
  return Buffer.from(out);
}

function fieldsOf(buf: Buffer): { no: number; value: number | Buffer }[] {
  const fields: { no: number; value: number | Buffer }[] = [];
  let i = 0;
  const readVarint = () => {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = buf[i++] ?? 0;
      n += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) return n;
    }
  };
  while (i < buf.length) {
    const tag = readVarint();
    const no = tag >> 3;
    if ((tag & 7) === 0) fields.push({ no, value: readVarint() });
    else if ((tag & 7) === 2) {
      const len = readVarint();
      fields.push({ no, value: buf.subarray(i, i + len) });
      i += len;
    } else throw new Error(`unexpected wire type ${tag & 7}`);
  }
  return fields;
}

/** Decode a frame the client sent. */
export function decodeFrame(buf: Buffer): Frame {
  const f: Frame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: {}, payload: Buffer.alloc(0) };
  for (const { no, value } of fieldsOf(buf)) {
    if (no === 1) f.SeqID = Number(value);
    else if (no === 2) f.LogID = Number(value);
    else if (no === 3) f.service = Number(value);
    else if (no === 4) f.method = Number(value);
    else if (no === 5 && Buffer.isBuffer(value)) {
      const kv = fieldsOf(value);
      const key = kv.find((x) => x.no === 1)?.value;
      const val = kv.find((x) => x.no === 2)?.value;
      if (Buffer.isBuffer(key) && Buffer.isBuffer(val)) f.headers[key.toString("utf8")] = val.toString("utf8");
    } else if (no === 8 && Buffer.isBuffer(value)) f.payload = Buffer.from(value);
  }
  return f;
}

/** The client's answer to a pushed event. */
export interface Ack {
  code: number;
  /** The handler's result (e.g. a card callback's toast), decoded from base64 JSON. */
  data?: unknown;
}

export class FakeLarkWs {
  /** Connections accepted so far (open or closed). */
  readonly connections: { socket: WebSocket; url: string; closed: boolean }[] = [];
  private server: WebSocketServer | null = null;
  private seq = 1;
  private readonly acks = new Map<string, (ack: Ack) => void>();

  /** Start listening; returns the ws:// URL to hand out. */
  async start(): Promise<string> {
    const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    this.server = server;
    server.on("connection", (socket, request) => {
      const connection = { socket, url: request.url ?? "", closed: false };
      this.connections.push(connection);
      socket.on("close", () => {
        connection.closed = true;
      });
      socket.on("message", (data: Buffer) => {
        const frame = decodeFrame(data);
        const id = frame.headers.message_id;
        const done = id ? this.acks.get(id) : undefined;
        if (frame.method !== 1 || !id || !done) return;
        this.acks.delete(id);
        const ack = JSON.parse(frame.payload.toString("utf8")) as { code: number; data?: string };
        done({ code: ack.code, data: ack.data ? JSON.parse(Buffer.from(ack.data, "base64").toString("utf8")) : undefined });
      });
    });
    await new Promise<void>((resolve) => server.on("listening", resolve));
    return `ws://127.0.0.1:${server.address().port}/ws?device_id=fake-device&service_id=7`;
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.socket.terminate();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /**
   * Push an event (the plain v2 JSON) to the open connection as Lark does.
   * @returns the client's acknowledgement
   */
  push(event: object): Promise<Ack> {
    const open = this.connections.find((c) => !c.closed);
    if (!open) return Promise.reject(new Error("no open long connection"));
    const n = this.seq++;
    const messageId = `msg-${n}`;
    const acked = new Promise<Ack>((resolve) => this.acks.set(messageId, resolve));
    const headers = { type: "event", message_id: messageId, sum: "1", seq: "0", trace_id: `trace-${n}` };
    open.socket.send(encodeFrame({ SeqID: n, LogID: n, service: 7, method: 1, headers, payload: Buffer.from(JSON.stringify(event)) }));
    return acked;
  }
}
