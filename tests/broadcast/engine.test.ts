/**
 * The delivery engine in-process (real HTTP to the fake Bot API, the SQLite
 * outbox in memory): a chat's own limit binds when there are few groups (the
 * .docx waits for the chat's window, checked from the arrival times); a group
 * upgraded to a supergroup is followed to its new id; an aborted run (SIGTERM)
 * stops cleanly with nothing uncertain and resumes to the end without repeats;
 * a scheduled notice is not sent before its time.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/broadcast/audit.js";
import { openBroadcastDb } from "../../src/broadcast/db.js";
import { type EngineDeps, runBroadcast, startBroadcast } from "../../src/broadcast/engine.js";
import { type BroadcastSettings, parseLimits } from "../../src/broadcast/limits.js";
import { loadNotice, type Notice } from "../../src/broadcast/notice.js";
import { SqliteOutbox } from "../../src/broadcast/outbox-sqlite.js";
import { SubscriptionRegistry } from "../../src/broadcast/subscriptions.js";
import { TelegramSender } from "../../src/broadcast/telegram-sender.js";
import { loadKnowledgeBase } from "../../src/kb/load.js";
import { POLICIES, ROOT } from "../helpers/paths.js";
import { FakeBotApi, limitViolations } from "./fakes.js";

const telegram = new FakeBotApi();
let apiRoot = "";
let base: Notice;
const all = { programs: [], regions: [], sectors: [] };

beforeAll(async () => {
  apiRoot = await telegram.start();
  base = loadNotice(join(ROOT, "templates", "examples", "notice.yaml"), loadKnowledgeBase(POLICIES, { verify: false }).kb);
});
afterAll(() => telegram.stop());

function setup(limits: string, chats: string[], id: string, margin = 0.03) {
  const db = openBroadcastDb(":memory:");
  const registry = new SubscriptionRegistry(db);
  registry.addMany(chats.map((chatId) => ({ channel: "telegram" as const, chatId, title: `群${chatId}`, topics: all, by: "telegram:1" })));
  const outbox = new SqliteOutbox(db);
  const settings: BroadcastSettings = {
    telegramLimits: parseLimits(limits),
    larkLimits: [],
    maxInFlight: 2,
    margin,
    maxAttempts: 3,
    backoffMs: 50,
  };
  const deps: EngineDeps = {
    outbox,
    registry,
    audit: new AuditLog(db),
    settings,
    sender: () =>
      TelegramSender.create({
        token: "123456:TEST-token-for-the-fake-server",
        apiRoot,
        notice: { ...base, id },
        docx: Buffer.from("PK fake docx"),
        fileName: "通知.docx",
        backoffMs: 50,
      }),
  };
  return { deps, registry, outbox, notice: { ...base, id } };
}

describe("delivery engine", () => {
  it("keeps each chat's own limit when there are few groups (the .docx waits for the chat's window)", async () => {
    const chats = ["-101", "-102", "-103"];
    const limits = "global:10/1s;chat:1/300ms";
    // The fake stamps a request when its event loop gets to it, tens of ms late on a loaded machine: against a
    // 300 ms window, windows 25 % longer (BROADCAST_LIMIT_MARGIN) absorb that, as in the crash tests.
    const { deps, notice } = setup(limits, chats, "few-groups", 0.25);
    startBroadcast(deps, notice, "telegram:1");
    const report = await runBroadcast(deps, notice.id, { actor: "telegram:1" });
    expect(report.counts).toMatchObject({ total: 3, sent: 3, failed: 0 });
    const arrivals = telegram.arrivals.filter((a) => chats.includes(a.chatId));
    expect(arrivals).toHaveLength(6);
    expect(limitViolations(arrivals, parseLimits(limits))).toEqual([]);
  });

  it("follows a group upgraded to a supergroup to its new id", async () => {
    telegram.migrated.set("-201", "-1000000000201");
    const { deps, notice, registry, outbox } = setup("off", ["-201", "-202"], "migrated");
    startBroadcast(deps, notice, "telegram:1");
    const report = await runBroadcast(deps, notice.id, { actor: "telegram:1" });
    expect(report.counts.sent).toBe(2);
    expect(outbox.rows(notice.id).map((r) => r.chatId)).toEqual(["-1000000000201", "-202"]);
    expect(telegram.delivered.filter((d) => d.chatId === "-1000000000201").map((d) => d.kind)).toEqual(["sendMessage", "sendDocument"]);
    expect(registry.get("telegram", "-201")?.ended?.reason).toMatch(/-1000000000201/);
    expect(registry.get("telegram", "-1000000000201")?.ended).toBeUndefined();
  });

  it("stops on abort with nothing uncertain, and a second run finishes without repeats", async () => {
    const chats = Array.from({ length: 40 }, (_, i) => String(-300 - i));
    const { deps, notice, outbox } = setup("off", chats, "aborted");
    startBroadcast(deps, notice, "telegram:1");
    const controller = new AbortController();
    const first = await runBroadcast(deps, notice.id, {
      actor: "telegram:1",
      signal: controller.signal,
      progressEveryMs: 0,
      onProgress: (p) => {
        if (p.sent >= 10) controller.abort();
      },
    });
    expect(first.state).toBe("running");
    expect(first.counts.sent).toBeLessThan(40);
    expect(first.counts.inFlight + first.counts.uncertainNow).toBe(0);
    const second = await runBroadcast(deps, notice.id, { actor: "telegram:1" });
    expect(second).toMatchObject({ state: "done", counts: { sent: 40, everUncertain: 0 } });
    for (const chat of chats) expect(telegram.delivered.filter((d) => d.chatId === chat)).toHaveLength(2);
    expect(outbox.get(notice.id)?.state).toBe("done");
  });

  it("waits for scheduledAt: an aborted wait sends nothing", async () => {
    const { deps, notice } = setup("off", ["-401"], "scheduled");
    const later = { ...notice, scheduledAt: new Date(Date.now() + 3_600_000).toISOString() };
    const { record } = startBroadcast(deps, later, "telegram:1");
    expect(record.state).toBe("scheduled");
    const controller = new AbortController();
    const run = runBroadcast(deps, later.id, { actor: "telegram:1", signal: controller.signal });
    controller.abort();
    expect((await run).counts.sent).toBe(0);
    expect(telegram.arrivals.filter((a) => a.chatId === "-401")).toHaveLength(0);
  });
});
