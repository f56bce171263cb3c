/**
 * A broadcast to 1,000 groups (500 Telegram, 500 Lark) by `policybot
 * broadcast` (the bundled CLI in a child process) against the fake platforms,
 * killed with SIGKILL in the middle and started again:
 * - no group is missing its message or its .docx;
 * - on Lark none is doubled (the resend carries the same uuid), also for a
 *   send that was delivered but answered 500;
 * - on Telegram the repeats are at most the in-flight bound, and each repeated
 *   group is listed as uncertain in the rows;
 * - 403 / 230002 groups fail permanently and their subscriptions end;
 *   429 retry_after / 99991400 and 5xx answers are retried;
 * - the recorded arrival times never exceed any configured limit;
 * - the rows' message ids are the platforms' ids; a third run sends nothing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mammoth from "mammoth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/broadcast/audit.js";
import { openBroadcastDb } from "../../src/broadcast/db.js";
import { SqliteOutbox } from "../../src/broadcast/outbox-sqlite.js";
import { SubscriptionRegistry } from "../../src/broadcast/subscriptions.js";
import { CLI, ROOT } from "../helpers/paths.js";
import { FakeBotApi, FakeLarkApi } from "./fakes.js";
import { expectCrashOutcome } from "./outcome.js";

const GROUPS = 500;
const MAX_IN_FLIGHT = 4;
const TELEGRAM_LIMITS = "global:400/1s;chat:1/1s;chat:20/1min";
const LARK_LIMITS = "global:400/1s;global:5000/1min;chat:5/1s";
const tgChat = (i: number) => String(-1_000_000_000_000 - i);
const larkChat = (i: number) => `oc_${String(i).padStart(6, "0")}`;

const telegram = new FakeBotApi();
const lark = new FakeLarkApi();
const dir = mkdtempSync(join(tmpdir(), "policybot-broadcast-"));
const dbFile = join(dir, "policybot.sqlite");
const noticeFile = join(dir, "notice.yaml");
let env: NodeJS.ProcessEnv;

function run(args = ["--notice", noticeFile]): {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, [CLI, "broadcast", ...args], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString("utf8");
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exited };
}

beforeAll(async () => {
  const [tgRoot, larkRoot] = await Promise.all([telegram.start(), lark.start()]);
  env = {
    PATH: process.env.PATH,
    STORAGE_URL: `sqlite:${dbFile}`,
    TELEGRAM_BOT_TOKEN: "123456:TEST-token-for-the-fake-server",
    TELEGRAM_API_ROOT: tgRoot,
    LARK_APP_ID: "cli_test",
    LARK_APP_SECRET: "secret",
    LARK_DOMAIN: larkRoot,
    BROADCAST_TELEGRAM_LIMITS: TELEGRAM_LIMITS,
    BROADCAST_LARK_LIMITS: LARK_LIMITS,
    BROADCAST_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
    // Arrival times are stamped by the fakes, a little after the limiter let a send go, and later still when the
    // test machine is busy with other test files; windows 25 % longer (BROADCAST_LIMIT_MARGIN, as in production
    // where the platform measures on arrival too) absorb that jitter.
    BROADCAST_LIMIT_MARGIN: "0.25",
    BROADCAST_BACKOFF_MS: "100",
  };
  copyFileSync(join(ROOT, "templates", "examples", "notice.yaml"), noticeFile);
  const db = openBroadcastDb(dbFile);
  const all = { programs: [], regions: [], sectors: [] };
  new SubscriptionRegistry(db).addMany([
    ...Array.from({ length: GROUPS }, (_, i) => ({
      channel: "telegram" as const,
      chatId: tgChat(i),
      title: `TG群${i}`,
      topics: all,
      by: "telegram:1",
    })),
    ...Array.from({ length: GROUPS }, (_, i) => ({
      channel: "lark" as const,
      chatId: larkChat(i),
      title: `飞书群${i}`,
      topics: all,
      by: "lark:ou_1",
    })),
  ]);
  db.close();
  for (let i = 0; i < GROUPS; i++) {
    if (i % 100 === 13) telegram.trouble.set(tgChat(i), "forbidden");
    else if (i % 50 === 7) telegram.trouble.set(tgChat(i), "rate-limit-once");
    else if (i % 50 === 23) telegram.trouble.set(tgChat(i), "server-error-once");
    if (i % 100 === 17) lark.trouble.set(larkChat(i), "forbidden");
    else if (i % 50 === 9) lark.trouble.set(larkChat(i), "rate-limit-once");
    else if (i % 50 === 21) lark.trouble.set(larkChat(i), "deliver-then-5xx-once");
  }
});

afterAll(async () => {
  await Promise.all([telegram.stop(), lark.stop()]);
});

describe("policybot broadcast: SIGKILL mid-way, then resume", () => {
  it("delivers every group, never doubles on Lark, repeats at most the in-flight bound on Telegram, within the limits", async () => {
    // First run: killed when the Telegram fake has received 300 message requests (others are still in flight).
    const first = run();
    telegram.onMessage = (n) => {
      if (n === 300) first.child.kill("SIGKILL");
    };
    const r1 = await first.exited;
    telegram.onMessage = null;
    expect(r1.signal).toBe("SIGKILL");
    const larkBefore = lark.delivered.length;
    expect(telegram.delivered.length).toBeLessThan(2 * GROUPS * 0.9);
    expect(larkBefore).toBeGreaterThan(0);
    expect(larkBefore).toBeLessThan(2 * GROUPS);

    // Second run: `--resume` finds the unfinished broadcast and finishes it.
    const r2 = await run(["--resume"]).exited;
    expect(r2.stderr).not.toMatch(/运行错误|runtime error/);
    expect(r2.code).toBe(0);
    expect(r2.stdout).toContain("群发报告");
    expect(r2.stdout).toMatch(/可能重复 \/ possibly delivered twice/);

    const db = openBroadcastDb(dbFile);
    const outbox = new SqliteOutbox(db);
    const [record] = outbox.unfinished().length === 0 ? [undefined] : outbox.unfinished();
    expect(record).toBeUndefined();
    const noticeId = (db.prepare("SELECT id FROM broadcast_notices").get() as { id: string }).id;
    const rows = outbox.rows(noticeId);
    const registry = new SubscriptionRegistry(db);
    const audit = new AuditLog(db).list(noticeId).map((e) => e.action);
    await expectCrashOutcome({
      rows,
      telegram,
      lark,
      groups: GROUPS,
      maxInFlight: MAX_IN_FLIGHT,
      tgChat,
      larkChat,
      ended: (channel, chat) => registry.get(channel, chat)?.ended,
      audit,
      limits: { telegram: TELEGRAM_LIMITS, lark: LARK_LIMITS },
    });

    db.close();

    // A third run of the same notice file: the broadcast is done, nothing is sent again; the report and the CSV
    // (next to the notice file, one line per row) are written once more.
    const before = telegram.arrivals.length + lark.arrivals.length;
    const r3 = await run().exited;
    expect(r3.code).toBe(0);
    expect(telegram.arrivals.length + lark.arrivals.length).toBe(before);
    expect(existsSync(join(dir, `broadcast-${noticeId}-report.csv`))).toBe(true);
    const csv = readFileSync(join(dir, "notice-report.csv"), "utf8");
    expect(csv.trim().split("\r\n")).toHaveLength(2 * GROUPS + 1);
    expect(csv).toMatch(/telegram:-1000000000013,telegram,-1000000000013,TG群13,failed,,0,0,0,403 Forbidden: bot was kicked/);
    // …and the 群发报告 .docx beside it: counts, every failure with its handling, the possible repeats.
    const doc = (await mammoth.extractRawText({ path: join(dir, "notice-report.docx") })).value;
    expect(doc).toContain(`共 ${2 * GROUPS} 个群：已发送 ${2 * GROUPS - 10}，失败 10，未完成 0`);
    expect(doc).toContain("TG群13");
    expect(doc).toContain("已退订（不再发送）");
    expect(doc).toContain("可能收到两次");
  }, 90_000);
});
