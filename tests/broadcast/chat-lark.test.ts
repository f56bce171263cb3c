/**
 * The chat side of broadcasts on Feishu/Lark, through `policybot serve` in
 * webhook mode over real HTTP (events encrypted and signed as Lark sends
 * them, the open platform faked): the group's owner or a manager subscribes
 * with topics and a member is refused; /subscriptions lists; the bot removed
 * from a group (`im.chat.member.bot.deleted_v1`) ends its subscription; an
 * admin of ADMIN_IDS composes a notice by /notice (an invalid date asked
 * again), gets the post exactly as groups get it and the 通知 .docx, presses
 * 立即发送, and the group receives it while the progress message is edited
 * and the report arrives as text and .csv.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/broadcast/audit.js";
import { openBroadcastDb } from "../../src/broadcast/db.js";
import { SubscriptionRegistry } from "../../src/broadcast/subscriptions.js";
import { HELP } from "../../src/channels/lark/bot.js";
import { readEnv } from "../../src/config/env.js";
import { type Running, serve } from "../../src/server/serve.js";
import { BOT_OPEN_ID, FakeLark, type Sent } from "../channels/fake-lark.js";
import {
  APP_ID,
  cardTrigger,
  ENCRYPT_KEY,
  type LarkRequest,
  type MessageOptions,
  messageEvent,
  signed,
  VERIFICATION_TOKEN,
} from "../channels/lark-events.js";

const fake = new FakeLark();
const storage = join(mkdtempSync(join(tmpdir(), "policybot-lark-bc-")), "kv.sqlite");
let running: Running;
let base = "";
const ADMIN = "ou_admin00000000000000000000000";
const DM = "oc_p2p_admin";
const G1 = "oc_group_zz";
const G2 = "oc_group_gone";

beforeAll(async () => {
  const domain = await fake.start();
  const env = readEnv({
    LARK_APP_ID: APP_ID,
    LARK_APP_SECRET: "fake-app-secret",
    LARK_DOMAIN: domain,
    LARK_MODE: "webhook",
    LARK_ENCRYPT_KEY: ENCRYPT_KEY,
    LARK_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
    PORT: "0",
    STORAGE_URL: `sqlite:${storage}`,
    ADMIN_IDS: `lark:${ADMIN}`,
  });
  running = await serve(env, pino({ level: "silent" }));
  base = `http://127.0.0.1:${running.port}`;
  fake.chats.set(G1, { name: "郑州人才群", owner_id: "ou_owner1", user_manager_id_list: ["ou_manager1"] });
  fake.chats.set(G2, { name: "要解散的群", owner_id: "ou_owner2", user_manager_id_list: [] });
});
afterAll(async () => {
  await running.close();
  await fake.stop();
});

const post = (path: string, r: LarkRequest) => fetch(`${base}${path}`, { method: "POST", headers: r.headers, body: r.body });
const MENTION = { key: "@_user_1", id: { open_id: BOT_OPEN_ID }, name: "政策助手", mentioned_type: "bot" };
const inGroup = (chatId: string, openId: string): MessageOptions => ({ chatId, chatType: "group", openId, mentions: [MENTION] });

/** Post a request, wait until the chat's `/help` marker after it is answered, return what the chat got meanwhile. */
async function step(chatId: string, path: string, r: LarkRequest, group = false): Promise<Sent[]> {
  const from = fake.sent.length;
  expect((await post(path, r)).status).toBe(200);
  const marker = group ? messageEvent("@_user_1 /help", inGroup(chatId, "ou_marker")) : messageEvent("/help", { chatId, openId: ADMIN });
  expect((await post("/lark/events", signed(marker))).status).toBe(200);
  await fake.waitFor((sent) => sent.slice(from).some((s) => s.chatId === chatId && s.content.text === HELP));
  return fake.sent.slice(from).filter((s) => s.chatId === chatId && s.content.text !== HELP);
}
const textOf = (list: Sent[]) =>
  list
    .map((s) => (s.msgType === "text" ? String(s.content.text) : s.msgType === "interactive" ? JSON.stringify(s.content) : s.msgType))
    .join("\n");
const inDm = (text: string) => step(DM, "/lark/events", signed(messageEvent(text, { chatId: DM, openId: ADMIN })));
const inG = (chatId: string, openId: string, text: string) =>
  step(chatId, "/lark/events", signed(messageEvent(`@_user_1 ${text}`, inGroup(chatId, openId))), true);

function chatEvent(eventType: string, chatId: string) {
  return {
    schema: "2.0",
    header: {
      event_id: randomUUID().replaceAll("-", ""),
      event_type: eventType,
      create_time: String(Date.now()),
      token: VERIFICATION_TOKEN,
      app_id: APP_ID,
      tenant_key: "tenant_fake",
    },
    event: { chat_id: chatId, operator_id: { open_id: "ou_owner2" }, external: false, name: "要解散的群" },
  };
}

const registry = () => new SubscriptionRegistry(openBroadcastDb(storage));

describe("broadcasts from Lark chats", () => {
  it("lets the owner or a manager subscribe, refuses a member, lists, and ends on bot removal", async () => {
    expect(textOf(await inG(G1, "ou_member1", "/subscribe 郑州"))).toContain("只有群主或群管理员");
    const ok = textOf(await inG(G1, "ou_manager1", "/subscribe 郑州 卫生"));
    expect(ok).toContain("已订阅");
    expect(ok).toContain("地区：郑州市；领域：卫生、医疗卫生");
    expect(textOf(await inG(G2, "ou_owner2", "/subscribe"))).toContain("全部通知");
    expect(textOf(await inG(G1, "ou_member1", "/subscriptions"))).toContain("本群已订阅：地区：郑州市");
    expect(registry().get("lark", G1)?.title).toBe("郑州人才群");

    expect((await post("/lark/events", signed(chatEvent("im.chat.member.bot.deleted_v1", G2)))).status).toBe(200);
    expect(registry().get("lark", G2)?.ended?.reason).toContain("bot removed");
    // A dissolved group ends too (a third group, subscribed by its owner).
    fake.chats.set("oc_group_disbanded", { name: "临时群", owner_id: "ou_owner3", user_manager_id_list: [] });
    await inG("oc_group_disbanded", "ou_owner3", "/subscribe 玉溪");
    expect(registry().get("lark", "oc_group_disbanded")?.ended).toBeUndefined();
    expect((await post("/lark/events", signed(chatEvent("im.chat.disbanded_v1", "oc_group_disbanded")))).status).toBe(200);
    expect(registry().get("lark", "oc_group_disbanded")?.ended?.reason).toContain("disbanded");
    const audit = new AuditLog(openBroadcastDb(storage)).list().map((e) => `${e.actor} ${e.action} ${e.target}`);
    expect(audit).toEqual(expect.arrayContaining([`lark:ou_manager1 subscription.add lark:${G1}`, `system subscription.end lark:${G2}`]));
  });

  it("refuses /notice to a member, composes and sends one for the admin with progress and report", async () => {
    expect(
      textOf(await step("oc_p2p_x", "/lark/events", signed(messageEvent("/notice", { chatId: "oc_p2p_x", openId: "ou_x" })))),
    ).toContain("只有管理员");
    expect(textOf(await inDm("/notice"))).toContain("请输入通知标题");
    await inDm("关于开展2030年度医疗卫生人才申报工作的通知");
    expect(textOf(await inDm("zz-social-talent"))).toContain("项目：郑州市社会事业人才培养专项");
    expect(textOf(await inDm("2030-02-30"))).toContain("日期无效");
    await inDm("2030-06-30");
    await inDm("各有关单位：\n\n请于截止日期前报送材料。");
    await inDm("市人社局，0371-12345678");
    const preview = await inDm("跳过");
    const postMsg = preview.find((s) => s.msgType === "post");
    expect(JSON.stringify(postMsg?.content)).toContain("请于截止日期前报送材料");
    expect(preview.some((s) => s.msgType === "file")).toBe(true);
    expect([...fake.files.values()].some((f) => f.name.endsWith(".docx") && f.type === "doc")).toBe(true);
    const card = preview.filter((s) => s.msgType === "interactive").at(-1);
    expect(JSON.stringify(card?.content)).toContain("目前匹配 1 个订阅群");
    const elements = (card?.content.elements ?? []) as { tag: string; actions?: { text: { content: string }; value: unknown }[] }[];
    const send = elements.flatMap((e) => e.actions ?? []).find((a) => a.text.content === "立即发送");

    const from = fake.sent.length;
    const pressed = signed(cardTrigger(send?.value, { chatId: DM, messageId: card?.messageId ?? "", openId: ADMIN }));
    expect((await post("/lark/cards", pressed)).status).toBe(200);
    await fake.waitFor((sent) => sent.slice(from).some((s) => s.chatId === DM && s.msgType === "file"));
    const after = fake.sent.slice(from);
    // The group got the same post as the preview, and the .docx.
    const toGroup = after.filter((s) => s.chatId === G1);
    expect(toGroup.find((s) => s.msgType === "post")?.content).toEqual(postMsg?.content);
    expect(toGroup.some((s) => s.msgType === "file")).toBe(true);
    expect(after.some((s) => s.chatId === G2)).toBe(false);
    // One progress message, edited to the final count; the report as text and .csv.
    const progress = after.filter((s) => s.chatId === DM && String(s.content.text ?? "").startsWith("群发《"));
    expect(progress).toHaveLength(1);
    const edits = fake.updates.filter((u) => u.messageId === progress[0]?.messageId);
    expect(String(edits.at(-1)?.content.text)).toContain("已发送 1/1，失败 0（完成）");
    expect(textOf(after.filter((s) => s.chatId === DM))).toContain("群发报告");
    expect([...fake.files.values()].some((f) => f.name.endsWith(".csv"))).toBe(true);
  });
});
