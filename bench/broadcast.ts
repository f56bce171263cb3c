/**
 * Broadcast delivery (issue #5): a notice to 2,000 groups through the
 * delivery engine (SQLite outbox in a temporary file, the real Telegram and
 * Lark senders) against fake platforms on loopback that answer at once.
 *
 * - With limits: messages per second achieved, and as a fraction of the
 *   configured global limit (goal ≥ 95 %). The global per-second limit is
 *   raised to `BENCH_BROADCAST_RATE` (default 200/s) so that 4,000 messages
 *   (message + .docx per group) take ~20 s instead of 133 s at Telegram's
 *   30/s or 4 min at Lark's 1,000/min; the per-chat limits are the official ones.
 * - Limits lifted (`off`): raw messages per second with the default in-flight bound.
 * The rate is measured at the fake server, from the first to the last arrival.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuditLog } from "../src/broadcast/audit.js";
import { openBroadcastDb } from "../src/broadcast/db.js";
import { type EngineDeps, runBroadcast, startBroadcast } from "../src/broadcast/engine.js";
import { LarkSender } from "../src/broadcast/lark-sender.js";
import { parseLimits, settingsFromEnv } from "../src/broadcast/limits.js";
import type { Channel } from "../src/broadcast/notice.js";
import { loadNotice } from "../src/broadcast/notice.js";
import { renderNoticeDocx } from "../src/broadcast/notice-docx.js";
import { SqliteOutbox } from "../src/broadcast/outbox-sqlite.js";
import { SubscriptionRegistry } from "../src/broadcast/subscriptions.js";
import { TelegramSender } from "../src/broadcast/telegram-sender.js";
import { PROJECT_ROOT, policiesDir } from "../src/cli/paths.js";
import { loadKnowledgeBase } from "../src/kb/load.js";
import type { Row } from "./sections.js";

const GROUPS = 2000;

/** A fake of both platforms: answers every message at once and records arrival times. */
async function fakePlatforms(): Promise<{ url: string; arrivals: number[]; close: () => Promise<void> }> {
  const arrivals: number[] = [];
  let next = 1;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "").split("?")[0] ?? "";
      res.setHeader("content-type", "application/json");
      let body: unknown;
      if (path.endsWith("/getMe")) body = { ok: true, result: { id: 42, is_bot: true, first_name: "bench", username: "bench_bot" } };
      else if (path.endsWith("/sendMessage") || path.endsWith("/sendDocument")) {
        arrivals.push(at);
        body = {
          ok: true,
          result: { message_id: next++, date: 0, chat: { id: -1, type: "supergroup" }, document: { file_id: "F", file_unique_id: "U" } },
        };
      } else if (path === "/open-apis/auth/v3/tenant_access_token/internal") body = { code: 0, tenant_access_token: "t", expire: 7200 };
      else if (path === "/open-apis/im/v1/files") body = { code: 0, data: { file_key: "file_v3_bench" } };
      else if (path === "/open-apis/im/v1/messages") {
        arrivals.push(at);
        body = { code: 0, data: { message_id: `om_${next++}` } };
      } else body = { code: 404, msg: "not found" };
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One broadcast of 2,000 groups on one channel. @returns messages per second at the fake server */
async function once(channel: Channel, limits: string, id: string): Promise<number> {
  const fake = await fakePlatforms();
  const dir = mkdtempSync(join(tmpdir(), "policybot-bench-broadcast-"));
  const db = openBroadcastDb(join(dir, "policybot.sqlite"));
  try {
    const { kb } = loadKnowledgeBase(policiesDir(), { verify: false });
    const notice = { ...loadNotice(join(PROJECT_ROOT, "templates", "examples", "notice.yaml"), kb), id };
    const docx = await renderNoticeDocx(notice, join(PROJECT_ROOT, "templates"));
    const registry = new SubscriptionRegistry(db);
    const all = { programs: [], regions: [], sectors: [] };
    registry.addMany(
      Array.from({ length: GROUPS }, (_, i) => ({
        channel,
        chatId: channel === "telegram" ? String(-1_000_000_000_000 - i) : `oc_${i}`,
        title: `群${i}`,
        topics: all,
        by: "bench",
      })),
    );
    const defaults = settingsFromEnv({});
    const settings = { ...defaults, telegramLimits: parseLimits(limits), larkLimits: parseLimits(limits) };
    const common = { notice, docx, fileName: "通知.docx", backoffMs: 100 };
    const deps: EngineDeps = {
      outbox: new SqliteOutbox(db),
      registry,
      audit: new AuditLog(db),
      settings,
      sender: () =>
        channel === "telegram"
          ? TelegramSender.create({ ...common, token: "123456:BENCH-token-for-the-fake-server", apiRoot: fake.url })
          : LarkSender.create({ ...common, appId: "cli_bench", appSecret: "s", domain: fake.url }),
    };
    startBroadcast(deps, notice, "bench");
    const report = await runBroadcast(deps, notice.id, { actor: "bench" });
    if (report.counts.sent !== GROUPS) throw new Error(`${channel}: sent ${report.counts.sent} of ${GROUPS}`);
    const first = fake.arrivals[0] ?? 0;
    const last = fake.arrivals[fake.arrivals.length - 1] ?? 0;
    // A limited run sends in bursts of `max` per window: the burst at `first` costs no time, so it is not counted
    // (for a periodic burst process this is its long-run rate; without limits it is (n - 1) / elapsed).
    const free = Math.max(1, ...settings.telegramLimits.filter((r) => r.scope === "global" && r.windowMs === 1000).map((r) => r.max));
    return ((fake.arrivals.length - free) * 1000) / (last - first);
  } finally {
    db.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench rows (one run each with limits; three runs each without). */
export async function broadcastRows(): Promise<Row[]> {
  const rate = Number(process.env.BENCH_BROADCAST_RATE ?? 200);
  const rows: Row[] = [];
  const official = { telegram: "chat:1/1s;chat:20/1min", lark: "chat:5/1s" };
  for (const channel of ["telegram", "lark"] as const) {
    const achieved = await once(channel, `global:${rate}/1s;${official[channel]}`, `bench-${channel}-limited`);
    rows.push({
      name: `broadcast ${channel}: ${GROUPS} groups, limit ${rate} msg/s + official per-chat limits (msg/s achieved)`,
      samples: [achieved],
      goal: "-",
      unit: "msg/s",
    });
    rows.push({ name: `broadcast ${channel}: achieved / configured limit`, samples: [(100 * achieved) / rate], goal: "≥ 95 %", unit: "%" });
    const raw: number[] = [];
    for (let i = 0; i < 3; i++) raw.push(await once(channel, "off", `bench-${channel}-raw-${i}`));
    rows.push({
      name: `broadcast ${channel}: ${GROUPS} groups, limits off (raw msg/s, ${defaultsInFlight()} in flight)`,
      samples: raw,
      goal: "-",
      unit: "msg/s",
    });
  }
  return rows;
}

const defaultsInFlight = () => settingsFromEnv({}).maxInFlight;
