/**
 * The broadcast engine's parts without the network: notice validation against
 * the KB, topic matching and audience selection, ADMIN_IDS and the role table,
 * the append-only audit log, message rendering (HTML escaping, deep links,
 * the 4096-character cut), the limiter and the channel queue's order on a
 * manual clock, and the outbox's row states across a simulated crash.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/broadcast/audit.js";
import { ChannelQueue } from "../../src/broadcast/channel-queue.js";
import { openBroadcastDb, sqliteFileOf } from "../../src/broadcast/db.js";
import { parseStartPayload, startPayload, telegramDeepLink } from "../../src/broadcast/deep-link.js";
import { RateLimiter } from "../../src/broadcast/limiter.js";
import { LARK_LIMITS, parseLimits, settingsFromEnv, TELEGRAM_LIMITS } from "../../src/broadcast/limits.js";
import { larkPost, larkPostText, TELEGRAM_TEXT_LIMIT, telegramMessage, telegramText } from "../../src/broadcast/message.js";
import { loadNotice, type Notice, NoticeError, validateNotice } from "../../src/broadcast/notice.js";
import type { Delivery } from "../../src/broadcast/outbox.js";
import { SqliteOutbox } from "../../src/broadcast/outbox-sqlite.js";
import { reportCsv } from "../../src/broadcast/report.js";
import { AdminIdError, PermissionError, parseAdminIds, Roles } from "../../src/broadcast/roles.js";
import { SubscriptionRegistry } from "../../src/broadcast/subscriptions.js";
import { matches } from "../../src/broadcast/topics.js";
import { type KnowledgeBase, loadKnowledgeBase } from "../../src/kb/load.js";
import { POLICIES, ROOT } from "../helpers/paths.js";

const SAMPLE = join(ROOT, "templates", "examples", "notice.yaml");
let kb: KnowledgeBase;
let notice: Notice;

beforeAll(() => {
  kb = loadKnowledgeBase(POLICIES, { verify: false }).kb;
  notice = loadNotice(SAMPLE, kb);
});

describe("notice", () => {
  it("loads the sample with KB facts and a content-hash id", () => {
    expect(notice.programTitle).toBe("郑州市社会事业人才培养专项");
    expect(notice.issuer).toMatch(/郑州市/);
    expect(notice.id).toMatch(/^n[0-9a-f]{16}$/);
    expect(loadNotice(SAMPLE, kb).id).toBe(notice.id);
    expect(
      validateNotice(
        { title: notice.title, program: notice.program, deadline: notice.deadline, body: `${notice.body}!`, contact: notice.contact },
        kb,
      ).id,
    ).not.toBe(notice.id);
  });
  it("names every problem: unknown programs, bad dates, unknown keys", () => {
    const bad = { title: "x", program: "no-such", deadline: "2026-13-45", body: "b", contact: "c", extra: 1 };
    const err = (() => {
      try {
        validateNotice(bad, kb, "n.yaml");
      } catch (e) {
        return e as NoticeError;
      }
    })();
    expect(err).toBeInstanceOf(NoticeError);
    expect(err?.issues.join("\n")).toMatch(/deadline/);
    expect(err?.issues.join("\n")).toMatch(/extra|Unrecognized/);
    const { extra: _extra, ...known } = bad;
    expect(() => validateNotice({ ...known, deadline: "2026-06-30" }, kb)).toThrow(/unknown program no-such/);
  });
  it("adds the program and its region to the audience", () => {
    const n = validateNotice({ title: "t", program: "zz-social-talent", deadline: "2026-06-30", body: "b", contact: "c" }, kb);
    expect(n.effectiveAudience.programs).toEqual(["zz-social-talent"]);
    expect(n.effectiveAudience.regions).toContain("郑州市");
  });
});

describe("topics and subscriptions", () => {
  it("match AND across dimensions, OR within, empty = all", () => {
    const all = { programs: [], regions: [], sectors: [] };
    expect(matches(all, { programs: ["a"], regions: ["郑州市"], sectors: [] })).toBe(true);
    expect(matches({ ...all, regions: ["平顶山市"] }, { ...all, regions: ["郑州市", "郑州"] })).toBe(false);
    expect(matches({ ...all, regions: ["郑州市"], sectors: ["教育"] }, { ...all, regions: ["郑州市"] })).toBe(true);
    expect(matches({ ...all, programs: ["b"] }, { ...all, programs: ["a"] })).toBe(false);
  });
  it("select the audience of active subscriptions and keep ended ones with the reason", () => {
    const db = openBroadcastDb(":memory:");
    const reg = new SubscriptionRegistry(db);
    const t = (regions: string[]) => ({ programs: [], regions, sectors: [] });
    reg.add({ channel: "telegram", chatId: "-1", title: "郑州群", topics: t(["郑州市"]), by: "telegram:9" });
    reg.add({ channel: "lark", chatId: "oc_2", title: "平顶山群", topics: t(["平顶山市"]), by: "lark:ou_9" });
    reg.add({ channel: "lark", chatId: "oc_3", title: "全部", topics: t([]), by: "lark:ou_9" });
    expect(reg.audience(notice.effectiveAudience).map((s) => s.chatId)).toEqual(["-1", "oc_3"]);
    expect(reg.audience(notice.effectiveAudience, ["lark"]).map((s) => s.chatId)).toEqual(["oc_3"]);
    expect(reg.end("lark", "oc_3", "403 bot was kicked")).toBe(true);
    expect(reg.end("lark", "oc_3", "again")).toBe(false);
    expect(reg.list().map((s) => s.chatId)).toEqual(["-1", "oc_2"]);
    expect(reg.get("lark", "oc_3")?.ended?.reason).toBe("403 bot was kicked");
    reg.add({ channel: "lark", chatId: "oc_3", title: "全部", topics: t([]), by: "lark:ou_9" });
    expect(reg.get("lark", "oc_3")?.ended).toBeUndefined();
  });
});

describe("roles and audit", () => {
  it("parse ADMIN_IDS with channel prefixes (bare numbers are Telegram, ou_ is Lark)", () => {
    expect(parseAdminIds(["telegram:1", "2", "ou_ab", "lark:ou_cd"])).toEqual(["telegram:1", "telegram:2", "lark:ou_ab", "lark:ou_cd"]);
    expect(() => parseAdminIds(["alice"])).toThrow(AdminIdError);
  });
  it("let admins grant and revoke, every change audited; the log refuses updates and deletes", () => {
    const db = openBroadcastDb(":memory:");
    const audit = new AuditLog(db);
    const roles = new Roles(db, ["telegram:1"], audit);
    expect(roles.can("telegram:1", "broadcast")).toBe(true);
    expect(roles.can("lark:ou_x", "broadcast")).toBe(false);
    roles.grant("telegram:1", "lark:ou_x", "broadcaster");
    expect(roles.can("lark:ou_x", "broadcast")).toBe(true);
    expect(() => roles.grant("lark:ou_x", "lark:ou_y", "admin")).toThrow(PermissionError);
    expect(() => roles.revoke("telegram:1", "telegram:1")).toThrow(PermissionError);
    expect(roles.revoke("telegram:1", "lark:ou_x")).toBe(true);
    expect(audit.list().map((e) => [e.actor, e.action, e.target, e.count])).toEqual([
      ["telegram:1", "role.grant", "lark:ou_x", 1],
      ["telegram:1", "role.revoke", "lark:ou_x", 1],
    ]);
    expect(() => db.exec("UPDATE broadcast_audit SET actor = 'x'")).toThrow(/append-only/);
    expect(() => db.exec("DELETE FROM broadcast_audit")).toThrow(/append-only/);
  });
});

describe("messages", () => {
  it("Telegram: HTML escaped, deep links with a valid /start payload", () => {
    const n = { ...notice, title: "<b>注意</b> & 通知", contact: 'a"b' };
    const m = telegramMessage(n, "policy_test_bot");
    expect(m.text).toContain("<b>&lt;b&gt;注意&lt;/b&gt; &amp; 通知</b>");
    expect(m.text).toContain("a&quot;b");
    expect(m.reply_markup.inline_keyboard[0]?.[0]?.url).toBe("https://t.me/policy_test_bot?start=p-zz-social-talent");
    expect(parseStartPayload(startPayload("check", "zz-social-talent"))).toEqual({ intent: "check", programId: "zz-social-talent" });
    expect(telegramDeepLink("@bot", "ask", "x")).toBe("https://t.me/bot?start=p-x");
    expect(telegramText(m)).toContain("<b>注意</b> & 通知");
  });
  it("Telegram: a long body is cut to 4096 characters with a pointer to the attachment", () => {
    const m = telegramMessage({ ...notice, body: "长".repeat(10_000) }, "bot");
    expect(telegramText(m).length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(m.text).toContain("全文见附件");
  });
  it("Lark: a post with the paragraphs and the bot link", () => {
    const p = larkPost(notice, "https://applink.feishu.cn/client/bot/open?appId=cli_x");
    expect(p.zh_cn.title).toBe(notice.title);
    expect(larkPostText(p)).toContain("申报范围");
    expect(larkPostText(p)).toContain("appId=cli_x");
  });
});

describe("limits", () => {
  it("default to the official limits and parse overrides", () => {
    expect(settingsFromEnv({}).telegramLimits).toEqual(TELEGRAM_LIMITS);
    expect(settingsFromEnv({}).larkLimits).toEqual(LARK_LIMITS);
    expect(parseLimits("global:100/1s; chat:2/500ms,chat:20/1min")).toEqual([
      { scope: "global", max: 100, windowMs: 1000 },
      { scope: "chat", max: 2, windowMs: 500 },
      { scope: "chat", max: 20, windowMs: 60_000 },
    ]);
    expect(parseLimits("off")).toEqual([]);
    expect(() => parseLimits("global:30")).toThrow(/bad limit/);
  });
  it("the limiter never lets a window hold more than its maximum (manual clock)", async () => {
    let t = 0;
    const limiter = new RateLimiter(
      [
        { scope: "global", max: 3, windowMs: 100 },
        { scope: "chat", max: 1, windowMs: 50 },
      ],
      0,
      () => t,
    );
    expect(limiter.readyAt("a")).toBe(0);
    for (const c of ["a", "b", "c"]) await limiter.acquire(c);
    expect(limiter.readyAt("d")).toBe(100);
    t = 60;
    expect(limiter.readyAt("d")).toBe(100);
    t = 100;
    expect(limiter.readyAt("a")).toBe(100);
  });
});

describe("channel queue", () => {
  const row = (chat: string): Delivery => ({
    noticeId: "n",
    chat: `telegram:${chat}`,
    channel: "telegram",
    chatId: chat,
    title: chat,
    state: "pending",
    part: 0,
    messageIds: [],
    attempts: 0,
    rateLimited: 0,
    notBefore: 0,
    permanent: false,
    uncertain: 0,
    updatedAt: 0,
  });
  const rules = [
    { scope: "global" as const, max: 3, windowMs: 100 },
    { scope: "chat" as const, max: 1, windowMs: 50 },
  ];
  /** Take a row, send it (acquire) and put its next part back, as the engine's worker does. */
  const send = async (q: ChannelQueue, limiter: RateLimiter) => {
    const d = q.take() as Delivery;
    await limiter.acquire(d.chat);
    return d;
  };

  it("a later part waits in the order its chat becomes ready, not in the order the answers came back", async () => {
    let t = 0;
    const limiter = new RateLimiter(rules, 0, () => t);
    const q = new ChannelQueue([row("a"), row("b"), row("c")], 2, limiter, () => t);
    const a = await send(q, limiter);
    t = 10;
    const b = await send(q, limiter);
    // b's answer comes back first.
    q.requeue({ ...b, part: 1 });
    q.requeue({ ...a, part: 1 });
    t = 55;
    expect(limiter.globalReadyAt()).toBe(55);
    // a's .docx is ready (its message went at 0), b's is not (10 + 50): a's goes before c's message.
    expect(q.take()).toMatchObject({ chat: "telegram:a", part: 1 });
  });

  it("a chat ready now is taken even when the clock ticks between reads", async () => {
    let t = 0;
    const ticking = () => t++;
    const limiter = new RateLimiter(rules, 0, ticking);
    const q = new ChannelQueue([row("a"), row("b")], 2, limiter, ticking);
    const a = await send(q, limiter);
    q.requeue({ ...a, part: 1 });
    t = 200;
    expect(q.take()).toMatchObject({ chat: "telegram:a", part: 1 });
  });
});

describe("outbox", () => {
  it("keeps rows through a crash: in-flight Telegram rows become uncertain, Lark rows pending", () => {
    const db = openBroadcastDb(":memory:");
    const outbox = new SqliteOutbox(db);
    const audience = [
      { channel: "telegram" as const, chatId: "-1", title: "a" },
      { channel: "telegram" as const, chatId: "-2", title: "b" },
      { channel: "lark" as const, chatId: "oc_3", title: "c" },
    ];
    expect(outbox.create(notice, audience, "cli:test").created).toBe(true);
    expect(outbox.create(notice, [...audience, { channel: "lark", chatId: "oc_4", title: "d" }], "cli:test").created).toBe(false);
    const [a, b, c] = outbox.todo(notice.id);
    if (!a || !b || !c) throw new Error("rows missing");
    outbox.markInFlight(a);
    outbox.markPartSent(a, "m1", 2);
    outbox.markInFlight(a);
    outbox.markPartSent(a, "m2", 2);
    outbox.markInFlight(b);
    outbox.markInFlight(c);
    expect(outbox.recover(notice.id, (ch) => ch === "lark", 3_600_000)).toEqual({ uncertain: 1, pending: 1 });
    const rows = outbox.rows(notice.id);
    expect(rows.map((r) => [r.chat, r.state, r.messageIds])).toEqual([
      ["telegram:-1", "sent", ["m1", "m2"]],
      ["telegram:-2", "uncertain", []],
      ["lark:oc_3", "pending", []],
    ]);
    expect(outbox.counts(notice.id)).toMatchObject({ total: 3, sent: 1, uncertainNow: 1, everUncertain: 1, pending: 1 });
    expect(reportCsv(rows).split("\r\n")[1]).toBe("telegram:-1,telegram,-1,a,sent,m1 m2,0,0,0,,0");
  });
  it("finds its file from STORAGE_URL", () => {
    expect(sqliteFileOf(undefined, "/d")).toBe("/d/policybot.sqlite");
    expect(sqliteFileOf("sqlite:/x/y.sqlite")).toBe("/x/y.sqlite");
    expect(sqliteFileOf("memory:")).toBe(":memory:");
    expect(() => sqliteFileOf("redis://127.0.0.1:6379")).toThrow(/BullMQ/);
  });
});
