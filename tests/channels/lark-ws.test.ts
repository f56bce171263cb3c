/**
 * The Feishu/Lark channel through `policybot serve` with LARK_MODE=ws: the
 * SDK's WSClient asks the fake open platform for its endpoint, connects to a
 * fake long-connection server over a real WebSocket, receives events there
 * (the same dispatcher as webhook mode) and acknowledges them; `close()`
 * closes the connection.
 */
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEnv } from "../../src/config/env.js";
import { type Running, serve } from "../../src/server/serve.js";
import { FakeLark, type Sent } from "./fake-lark.js";
import { FakeLarkWs } from "./fake-lark-ws.js";
import { APP_ID, cardTrigger, messageEvent } from "./lark-events.js";

const fake = new FakeLark();
const ws = new FakeLarkWs();
let running: Running;

beforeAll(async () => {
  const domain = await fake.start();
  fake.wsUrl = await ws.start();
  running = await serve(
    readEnv({ LARK_APP_ID: APP_ID, LARK_APP_SECRET: "fake-app-secret", LARK_DOMAIN: domain, LARK_MODE: "ws", STORAGE_URL: "memory:" }),
    pino({ level: "silent" }),
  );
});
afterAll(async () => {
  await running.close();
  await ws.stop();
  await fake.stop();
});

const texts = (sent: Sent[]) => sent.map((s) => (s.msgType === "text" ? String(s.content.text) : JSON.stringify(s.content)));

describe("Lark long connection (LARK_MODE=ws)", () => {
  it("starts the WSClient: endpoint asked with the app credentials, socket open, no HTTP listener", async () => {
    expect(running.port).toBeNull();
    expect(fake.of("/callback/ws/endpoint")[0]?.json).toMatchObject({ AppID: APP_ID, AppSecret: "fake-app-secret" });
    expect(ws.connections.filter((c) => !c.closed)).toHaveLength(1);
  });

  it("answers a message event pushed over the connection and acknowledges it", async () => {
    const ack = await ws.push(messageEvent("郑州社会事业人才培养经费怎么拨付？", { chatId: "oc_ws1" }));
    expect(ack.code).toBe(200);
    await fake.waitFor((sent) => texts(sent).some((t) => t.includes("20万元")));
  });

  it("answers a card.action.trigger callback with a toast in the acknowledgement, then continues", async () => {
    await ws.push(messageEvent("武清卫生人才的申报条件是什么？", { chatId: "oc_ws2" }));
    // The session entry is saved before the card goes out: a press right after it arrives finds its choices.
    await fake.waitFor((sent) => sent.some((s) => s.chatId === "oc_ws2" && s.msgType === "interactive"));
    const card = fake.sent.find((s) => s.chatId === "oc_ws2" && s.msgType === "interactive");
    const actions = ((card?.content.elements ?? []) as { tag: string; actions?: { value: unknown }[] }[]).find((e) => e.tag === "action");
    const ack = await ws.push(cardTrigger(actions?.actions?.[1]?.value, { chatId: "oc_ws2", messageId: card?.messageId ?? "" }));
    expect(ack.code).toBe(200);
    expect(ack.data).toMatchObject({ toast: { type: "success", content: "已选择：武清区鲲鹏工程 卫生领域 骨干人才" } });
    await fake.waitFor((sent) => texts(sent).some((t) => t.includes("卫生领域 骨干人才｜申报条件")));
  });

  it("closes the connection on close()", async () => {
    await running.close();
    await new Promise<void>((resolve) => {
      const check = () => (ws.connections.every((c) => c.closed) ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(ws.connections.every((c) => c.closed)).toBe(true);
    running = { port: null, close: async () => {}, failed: new Promise(() => {}) };
  });
});
