/**
 * The Feishu/Lark channel through `policybot serve` in webhook mode, over real
 * HTTP: Lark's requests built, encrypted and signed as Lark does
 * (lark-events.ts), the open platform faked (fake-lark.ts), sessions in a
 * SQLite file that survives a restart. The bot answers in the background
 * (after Lark's request has been answered), one chat in order; each step below
 * ends with a `/help` in the same chat — its answer marks that everything
 * before it in that chat has been handled.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mammoth from "mammoth";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HELP } from "../../src/channels/lark/bot.js";
import { readEnv } from "../../src/config/env.js";
import { type Running, serve } from "../../src/server/serve.js";
import { openStore } from "../../src/storage/open.js";
import { BOT_OPEN_ID, FakeLark, type Sent } from "./fake-lark.js";
import {
  APP_ID,
  cardTrigger,
  ENCRYPT_KEY,
  type LarkRequest,
  legacyCard,
  legacySigned,
  type MessageOptions,
  messageEvent,
  signed,
  urlVerification,
  VERIFICATION_TOKEN,
} from "./lark-events.js";
import { ZZ_APPLICATION_ANSWERS } from "./samples.js";

const fake = new FakeLark();
const storage = join(mkdtempSync(join(tmpdir(), "policybot-lark-")), "kv.sqlite");
let domain = "";
let running: Running;
let base = "";
/** Everything the server logged (every level, the SDK's messages included). */
const logLines: string[] = [];

async function start(): Promise<void> {
  const env = readEnv({
    LARK_APP_ID: APP_ID,
    LARK_APP_SECRET: "fake-app-secret",
    LARK_DOMAIN: domain,
    LARK_MODE: "webhook",
    LARK_ENCRYPT_KEY: ENCRYPT_KEY,
    LARK_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
    PORT: "0",
    STORAGE_URL: `sqlite:${storage}`,
  });
  running = await serve(env, pino({ level: "trace" }, { write: (line: string) => void logLines.push(line) }));
  base = `http://127.0.0.1:${running.port}`;
}

beforeAll(async () => {
  domain = await fake.start();
  await start();
});
afterAll(async () => {
  await running.close();
  await fake.stop();
});

const post = (path: string, r: LarkRequest) => fetch(`${base}${path}`, { method: "POST", headers: r.headers, body: r.body });

const MENTION = { key: "@_user_1", id: { open_id: BOT_OPEN_ID }, name: "政策助手", mentioned_type: "bot" };
const inGroup = (chatId: string, openId = "ou_member1"): MessageOptions => ({ chatId, chatType: "group", openId, mentions: [MENTION] });

/** Wait until everything posted so far in the chat has been handled (its `/help` marker answered). */
async function settle(chatId: string, group = false): Promise<void> {
  const from = fake.sent.length;
  const marker = group ? messageEvent("@_user_1 /help", inGroup(chatId)) : messageEvent("/help", { chatId });
  expect((await post("/lark/events", signed(marker))).status).toBe(200);
  await fake.waitFor((sent) => sent.slice(from).some((s) => s.chatId === chatId && s.content.text === HELP));
}

/** Post a request, wait until it has been handled, return what the bot sent to the chat meanwhile. */
async function step(chatId: string, path: string, r: LarkRequest, group = false): Promise<{ status: number; body: unknown; sent: Sent[] }> {
  const from = fake.sent.length;
  const res = await post(path, r);
  const body: unknown = await res.json();
  await settle(chatId, group);
  const sent = fake.sent.slice(from).filter((s) => s.chatId === chatId && s.content.text !== HELP);
  return { status: res.status, body, sent };
}

const say = (chatId: string, text: string, o: MessageOptions = {}) =>
  step(chatId, "/lark/events", signed(messageEvent(text, { chatId, ...o })), o.chatType === "group");

interface Button {
  label: string;
  value: unknown;
}
/** The buttons of an interactive card message. */
function buttonsOf(s: Sent | undefined): Button[] {
  if (s?.msgType !== "interactive") return [];
  const elements = (s.content.elements ?? []) as { tag: string; actions?: { text: { content: string }; value: unknown }[] }[];
  return elements.flatMap((e) => (e.tag === "action" ? (e.actions ?? []) : [])).map((a) => ({ label: a.text.content, value: a.value }));
}
const textOf = (s: Sent | undefined) =>
  s?.msgType === "text" ? String(s.content.text) : s?.msgType === "interactive" ? JSON.stringify(s.content) : "";

let presses = 0;
/** Press the card button labelled `label` in the last card the chat got. */
async function press(chatId: string, card: Sent | undefined, label: string, openId = "ou_user1") {
  const button = buttonsOf(card).find((b) => b.label === label);
  if (!card || !button) throw new Error(`no button ${label} in ${textOf(card)}`);
  presses++;
  return step(chatId, "/lark/cards", signed(cardTrigger(button.value, { chatId, messageId: card.messageId, openId })));
}

/** Answer the last question: press the button with that label when the question is a card, else type it. */
async function answer(chatId: string, last: Sent | undefined, text: string) {
  return buttonsOf(last).some((b) => b.label === text) ? press(chatId, last, text) : say(chatId, text);
}

describe("Lark webhook: url_verification", () => {
  it("answers the plain challenge with its value", async () => {
    const r = await post("/lark/events", signed(urlVerification("ch-plain-1"), { encrypted: false, unsigned: true }));
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ challenge: "ch-plain-1" });
  });

  it("answers the encrypted challenge, on the card callback URL too", async () => {
    for (const path of ["/lark/events", "/lark/cards"]) {
      const r = await post(path, signed(urlVerification("ch-enc-2"), { unsigned: true }));
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ challenge: "ch-enc-2" });
    }
  });

  it("refuses a challenge with the wrong verification token", async () => {
    const r = await post("/lark/events", signed(urlVerification("ch-3", "not-the-token"), { unsigned: true }));
    expect(r.status).toBe(401);
  });

  it("lists the channel in /healthz", async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({ ok: true, channels: ["lark"] });
  });
});

describe("Lark webhook: questions and cards", () => {
  it("answers a question with a text message (fetching a tenant token first)", async () => {
    const { status, sent } = await say("oc_q1", "郑州社会事业人才培养经费怎么拨付？");
    expect(status).toBe(200);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.msgType).toBe("text");
    expect(textOf(sent[0])).toContain("20万元");
    expect(fake.of("/open-apis/auth/v3/tenant_access_token/internal").length).toBeGreaterThan(0);
  });

  it("offers a clarifying question as a card; a press is answered at once and continues the conversation", async () => {
    const { sent } = await say("oc_q2", "武清卫生人才的申报条件是什么？");
    const card = sent.at(-1);
    expect(buttonsOf(card).map((b) => b.label)).toEqual(["武清区鲲鹏工程 卫生领域 拔尖人才", "武清区鲲鹏工程 卫生领域 骨干人才"]);
    // Only an index and a set id travel with a button.
    for (const b of buttonsOf(card)) expect(Object.keys(b.value as object).sort()).toEqual(["i", "s"]);
    const pressed = await press("oc_q2", card, "武清区鲲鹏工程 卫生领域 骨干人才");
    expect(pressed.body).toMatchObject({ toast: { type: "success" }, card: { type: "raw" } });
    expect(JSON.stringify(pressed.body)).not.toContain('"action"'); // the answered card has no buttons left
    expect(textOf(pressed.sent.at(-1))).toContain("卫生领域 骨干人才｜申报条件");
  });

  it("handles the legacy card callback format (sha1 signature) the same way", async () => {
    const { sent } = await say("oc_q3", "武清卫生人才的申报条件是什么？");
    const card = sent.at(-1);
    const button = buttonsOf(card)[0];
    const r = await step(
      "oc_q3",
      "/lark/cards",
      legacySigned(legacyCard(button?.value, { chatId: "oc_q3", messageId: card?.messageId ?? "" })),
    );
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).toContain("已选择");
    expect(textOf(r.sent.at(-1))).toContain("卫生领域 拔尖人才");
  });

  it("answers a card pressed twice (or re-delivered) once", async () => {
    const { sent } = await say("oc_q4", "武清卫生人才的申报条件是什么？");
    const card = sent.at(-1);
    const first = await press("oc_q4", card, "武清区鲲鹏工程 卫生领域 拔尖人才");
    expect(first.sent).toHaveLength(1);
    const again = await press("oc_q4", card, "武清区鲲鹏工程 卫生领域 拔尖人才");
    expect(again.status).toBe(200);
    expect(again.sent).toHaveLength(0);
  });

  it("tells that only text is understood", async () => {
    const { sent } = await say("oc_q5", "", { messageType: "image", content: { image_key: "img_v2_x" } });
    expect(textOf(sent[0])).toContain("文字");
  });
});

describe("Lark webhook: security", () => {
  it("refuses a forged signature with 401 and calls no open-api", async () => {
    const r = signed(messageEvent("郑州社会事业人才培养经费怎么拨付？", { chatId: "oc_s1" }));
    r.headers["x-lark-signature"] = "0".repeat(64);
    const calls = fake.calls.length;
    expect((await post("/lark/events", r)).status).toBe(401);
    await settle("oc_s1");
    expect(fake.calls.slice(calls).filter((c) => c.path === "/open-apis/im/v1/messages")).toHaveLength(1); // the marker's answer only
  });

  it("refuses a body signed with another key, a stale timestamp and a wrong verification token", async () => {
    const before = fake.calls.length;
    const otherKey = signed(messageEvent("a", { chatId: "oc_s2" }), { key: "another-encrypt-key" });
    const stale = signed(messageEvent("b", { chatId: "oc_s2" }), { timestamp: Math.floor(Date.now() / 1000) - 600 });
    const wrongToken = signed(messageEvent("c", { chatId: "oc_s2", token: "forged-token" }));
    const unsigned = signed(messageEvent("d", { chatId: "oc_s2" }), { unsigned: true });
    for (const r of [otherKey, stale, wrongToken, unsigned]) expect((await post("/lark/events", r)).status).toBe(401);
    const staleCard = signed(cardTrigger({ i: 0, s: "x" }, { chatId: "oc_s2", messageId: "om_1" }), { timestamp: 1 });
    const forgedLegacy = legacySigned(legacyCard({ i: 0, s: "x" }, { chatId: "oc_s2", messageId: "om_1" }), "not-the-token");
    const wrongTokenCard = signed(cardTrigger({ i: 0, s: "x" }, { chatId: "oc_s2", messageId: "om_1", token: "forged" }));
    for (const r of [staleCard, forgedLegacy, wrongTokenCard]) expect((await post("/lark/cards", r)).status).toBe(401);
    expect(fake.calls.length).toBe(before);
  });

  it("handles an event delivered twice once", async () => {
    const event = messageEvent("玉溪对口培养的研修期多长？", { chatId: "oc_s3" });
    const first = await step("oc_s3", "/lark/events", signed(event));
    const again = await step("oc_s3", "/lark/events", signed(event)); // Lark's retry: same event_id, new signature
    expect(first.sent).toHaveLength(1);
    expect(again.status).toBe(200);
    expect(again.sent).toHaveLength(0);
  });
});

describe("Lark webhook: rate limits", () => {
  it("waits out a 99991400 (HTTP 429, x-ogw-ratelimit-reset) and delivers the answer once", async () => {
    const before = fake.of("/open-apis/im/v1/messages").length;
    fake.failNext("/open-apis/im/v1/messages", 1, { kind: "rate-limit", resetSeconds: 1 });
    const { sent } = await say("oc_r1", "郑州社会事业人才培养经费怎么拨付？");
    expect(sent).toHaveLength(1);
    expect(textOf(sent[0])).toContain("20万元");
    const calls = fake.of("/open-apis/im/v1/messages").slice(before);
    expect(calls.map((c) => c.status)).toEqual([429, 200, 200]); // the answer twice, then the marker
    expect(calls[0]?.json?.uuid).toBe(calls[1]?.json?.uuid); // the retry is the same message for Lark
  });

  it("retries a 5xx with backoff", async () => {
    fake.failNext("/open-apis/im/v1/messages", 2, { kind: "server-error" });
    const { sent } = await say("oc_r2", "玉溪对口培养的研修期多长？");
    expect(sent).toHaveLength(1);
    expect(textOf(sent[0])).toContain("6个月");
  });
});

describe("Lark webhook: groups", () => {
  it("ignores a group message without @mention, answers one with it, strips the mention key", async () => {
    const ignored = await say("oc_g1", "郑州社会事业人才培养经费怎么拨付？", { chatType: "group", openId: "ou_member1" });
    expect(ignored.sent).toHaveLength(0);
    const answered = await say("oc_g1", "@_user_1 郑州社会事业人才培养经费怎么拨付？", inGroup("oc_g1"));
    expect(answered.sent).toHaveLength(1);
    expect(textOf(answered.sent[0])).toContain("20万元");
  });

  it("offers a private chat for /check and 申报表 in a group", async () => {
    const check = await say("oc_g2", "@_user_1 /check", inGroup("oc_g2"));
    expect(textOf(check.sent[0])).toContain("请私聊");
    const apply = await say("oc_g2", "@_user_1 申报表", inGroup("oc_g2"));
    expect(textOf(apply.sent[0])).toContain("请私聊");
  });
});

describe("Lark webhook: interviews", () => {
  it("runs the self-check, consent first, with card presses and typed answers to the result and its report", async () => {
    const chat = "oc_i1";
    let turn = await say(chat, "/check");
    expect(textOf(turn.sent.at(-1))).toContain("隐私说明");
    turn = await press(chat, turn.sent.at(-1), "同意");
    const pressed = presses;
    for (const a of ["郑州市", "医疗卫生", "中国", "40", "博士", "事业单位", "6", "是", "否", "否", "未认定"]) {
      turn = await answer(chat, turn.sent.at(-1), a);
    }
    expect(presses - pressed).toBe(9); // every answer but the two numbers was a button
    const all = turn.sent.map(textOf).join("\n");
    expect(all).toContain("资格自测结果");
    expect(all).toContain("郑州市社会事业人才培养专项 —— 符合");
    const file = turn.sent.find((s) => s.msgType === "file");
    expect(file).toBeDefined();
    const uploaded = fake.files.get(String(file?.content.file_key));
    expect(uploaded?.name).toMatch(/^资格自测报告-.*\.docx$/);
    const { value } = await mammoth.extractRawText({ buffer: uploaded?.data ?? Buffer.alloc(0) });
    expect(value).toContain("郑州市社会事业人才培养专项");
  });

  it("runs an application interview to an uploaded .docx, surviving a restart midway", async () => {
    const chat = "oc_i2";
    const openId = "ou_applicant";
    const sayAs = (text: string) => say(chat, text, { openId });
    let turn = await sayAs("/apply");
    const consent = turn.sent.at(-1);
    const agree = buttonsOf(consent).find((b) => b.label === "同意");
    turn = await step(
      chat,
      "/lark/cards",
      signed(cardTrigger(agree?.value, { chatId: chat, messageId: consent?.messageId ?? "", openId })),
    );
    const forms = turn.sent.at(-1);
    const zz = buttonsOf(forms).find((b) => b.label.includes("郑州"));
    turn = await step(chat, "/lark/cards", signed(cardTrigger(zz?.value, { chatId: chat, messageId: forms?.messageId ?? "", openId })));
    turn = await sayAs("张三");
    expect(textOf(turn.sent.at(-1))).toContain("性别");

    await running.close(); // a restarted process: only the SQLite file survives
    await start();

    const answers = [...ZZ_APPLICATION_ANSWERS, "确认"];
    const first = await sayAs(answers[0] ?? "");
    expect(textOf(first.sent.at(-1))).toContain("出生"); // the interview went on from 性别
    for (const a of answers.slice(1)) turn = await sayAs(a);
    const file = turn.sent.find((s) => s.msgType === "file");
    const uploaded = fake.files.get(String(file?.content.file_key));
    expect(uploaded?.name).toMatch(/\.docx$/);
    expect(uploaded?.type).toBe("doc");
    const { value } = await mammoth.extractRawText({ buffer: uploaded?.data ?? Buffer.alloc(0) });
    for (const filled of ["张三", "郑州市第一人民医院", "临床医学", "副主任医师"]) expect(value).toContain(filled);

    // /files uploads the kept document again; after /forget it is gone with the session.
    const again = await sayAs("/files");
    const resent = again.sent.find((s) => s.msgType === "file");
    const reuploaded = fake.files.get(String(resent?.content.file_key));
    expect(reuploaded?.name).toBe(uploaded?.name);
    expect(textOf((await sayAs("/forget")).sent[0])).toContain("生成的文件");
    const none = await sayAs("/files");
    expect(none.sent.some((s) => s.msgType === "file")).toBe(false);
    expect(textOf(none.sent[0])).toContain("没有保留的文件");
  });

  it("/forget deletes the user's session keys", async () => {
    const chat = "oc_i3";
    await say(chat, "/apply", { openId: "ou_forget" });
    const store = await openStore(`sqlite:${storage}`);
    try {
      expect(await store.get(`lark:${chat}:ou_forget:session`)).toBeDefined();
      const { sent } = await say(chat, "/forget", { openId: "ou_forget" });
      expect(textOf(sent[0])).toContain("已删除");
      expect(await store.get(`lark:${chat}:ou_forget:session`)).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});

describe("Lark logs", () => {
  it("carry ids and counts, never message texts, names, ID or phone numbers", () => {
    const all = logLines.join("");
    expect(all).toContain('"channel":"lark"');
    for (const secret of ["郑州社会事业人才培养经费", "张三", "410105198506011234", "13812345678", "郑州市第一人民医院", "20万元"]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toContain(ENCRYPT_KEY);
    expect(all).not.toContain("fake-app-secret");
  });
});
