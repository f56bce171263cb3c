/**
 * Telegram's side of the channels bench, in a child process of its own so the
 * bot's process does nothing but the bot: a fake Bot API server (getMe,
 * setMyCommands, sendMessage … answered at once) and the load generator that
 * POSTs updates to the bot's webhook, many chats at a time.
 *
 * IPC: sends `{ type: "ready", apiRoot }`; on `{ type: "run", … }` (see
 * {@link RunRequest}) delivers the updates and answers `{ type: "done", … }`
 * ({@link RunResult}).
 */
import { Agent, createServer, request } from "node:http";

/** One load run. */
export interface RunRequest {
  type: "run";
  /** The bot's webhook URL. */
  url: string;
  secret: string;
  /** Message texts, used in turn. */
  questions: string[];
  /** How many updates to deliver. */
  updates: number;
  /** Distinct private chats the updates are spread over (one update per chat in flight at most). */
  chats: number;
  /** Updates in flight at once (Telegram's webhook `max_connections` is up to 100). */
  concurrency: number;
  /** The first update_id (unique across runs). */
  firstUpdateId: number;
}

/** What a run measured. */
export interface RunResult {
  type: "done";
  /** Milliseconds from sending each update to the webhook's HTTP response. */
  webhookMs: number[];
  /** Milliseconds from sending each update to its first reply (sendMessage received, or the webhook reply). */
  replyMs: number[];
  /** Wall time of the whole run. */
  elapsedMs: number;
  /** sendMessage calls received. */
  sendMessages: number;
  /** Webhook responses that carried the reply (grammY webhook reply). */
  webhookReplies: number;
  /** Non-200 webhook responses. */
  failures: number;
}

const send = (m: unknown) => process.send?.(m);
/** Update being handled per chat: when it was sent. */
const inFlight = new Map<number, number>();
const replyMs: number[] = [];
let sendMessages = 0;
let messageId = 1;

function replied(chatId: number): void {
  const started = inFlight.get(chatId);
  if (started === undefined) return;
  replyMs.push(performance.now() - started);
  inFlight.delete(chatId);
}

const api = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const method = (req.url ?? "").slice((req.url ?? "").lastIndexOf("/") + 1);
    let result: unknown = true;
    if (method === "getMe") result = { id: 42, is_bot: true, first_name: "政策助手", username: "policy_bench_bot" };
    else if (method === "sendMessage" || method === "sendDocument") {
      const chatId =
        method === "sendMessage" ? Number((JSON.parse(Buffer.concat(chunks).toString("utf8")) as { chat_id: number }).chat_id) : 0;
      sendMessages++;
      replied(chatId);
      result = { message_id: messageId++, date: 0, chat: { id: chatId, type: "private" }, text: "" };
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true, result }));
  });
});
api.keepAliveTimeout = 60_000;

function update(id: number, chatId: number, text: string): string {
  return JSON.stringify({
    update_id: id,
    message: {
      message_id: id,
      date: 0,
      chat: { id: chatId, type: "private", first_name: "用户" },
      from: { id: chatId, is_bot: false, first_name: "用户" },
      text,
    },
  });
}

async function run(r: RunRequest): Promise<RunResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: r.concurrency });
  const target = new URL(r.url);
  const webhookMs: number[] = [];
  replyMs.length = 0;
  sendMessages = 0;
  let webhookReplies = 0;
  let failures = 0;
  let next = 0;
  const post = (i: number) =>
    new Promise<void>((resolve) => {
      const chatId = 1_000_000 + (i % r.chats);
      const body = update(r.firstUpdateId + i, chatId, r.questions[i % r.questions.length] ?? "你好");
      const started = performance.now();
      inFlight.set(chatId, started);
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            "x-telegram-bot-api-secret-token": r.secret,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            webhookMs.push(performance.now() - started);
            if (res.statusCode !== 200) failures++;
            // A webhook reply: the response is the Bot API call itself.
            if (chunks.length > 0 && Buffer.concat(chunks).includes('"method"')) {
              webhookReplies++;
              replied(chatId);
            }
            inFlight.delete(chatId);
            resolve();
          });
        },
      );
      req.on("error", () => {
        failures++;
        resolve();
      });
      req.end(body);
    });
  const worker = async () => {
    while (next < r.updates) await post(next++);
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: r.concurrency }, worker));
  const elapsedMs = performance.now() - t;
  agent.destroy();
  return { type: "done", webhookMs, replyMs: [...replyMs], elapsedMs, sendMessages, webhookReplies, failures };
}

api.listen(0, "127.0.0.1", () => {
  const address = api.address();
  const port = typeof address === "object" && address ? address.port : 0;
  send({ type: "ready", apiRoot: `http://127.0.0.1:${port}` });
});
process.on("message", (m: RunRequest | { type: "exit" }) => {
  if (m.type === "exit") {
    api.close();
    api.closeAllConnections();
    process.disconnect?.();
    return;
  }
  void run(m).then(send);
});
