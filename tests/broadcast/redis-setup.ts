/**
 * Shared set-up of the Redis broadcast tests: a namespace of their own on the
 * test Redis (removed afterwards), the fake platforms, `policybot broadcast`
 * in child processes, and 2×N subscribed groups with the crash test's troubles.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { type BroadcastBackend, openBroadcastBackend } from "../../src/broadcast/backend.js";
import { settingsFromEnv } from "../../src/broadcast/limits.js";
import { CLI, ROOT } from "../helpers/paths.js";
import { REDIS_URL, testNamespace } from "../helpers/redis.js";
import type { FakeBotApi, FakeLarkApi } from "./fakes.js";

export const tgChat = (i: number) => String(-1_000_000_000_000 - i);
export const larkChat = (i: number) => `oc_${String(i).padStart(6, "0")}`;

/** The result of a child run. */
export interface Exit {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** One test file's world: its folder, namespace, STORAGE_URL and child environment. */
export class RedisWorld {
  readonly dir = mkdtempSync(join(tmpdir(), "policybot-broadcast-redis-"));
  readonly noticeFile = join(this.dir, "notice.yaml");
  readonly namespace: string;
  readonly storageUrl: string;
  env: NodeJS.ProcessEnv = {};

  constructor(label: string) {
    this.namespace = testNamespace(label);
    const u = new URL(REDIS_URL);
    u.searchParams.set("namespace", this.namespace);
    this.storageUrl = u.toString();
    copyFileSync(join(ROOT, "templates", "examples", "notice.yaml"), this.noticeFile);
  }

  /** Start the fakes and set the children's environment. */
  async start(telegram: FakeBotApi, lark: FakeLarkApi, limits: { telegram: string; lark: string; maxInFlight: number }): Promise<void> {
    const [tgRoot, larkRoot] = await Promise.all([telegram.start(), lark.start()]);
    this.env = {
      PATH: process.env.PATH,
      STORAGE_URL: this.storageUrl,
      TELEGRAM_BOT_TOKEN: "123456:TEST-token-for-the-fake-server",
      TELEGRAM_API_ROOT: tgRoot,
      LARK_APP_ID: "cli_test",
      LARK_APP_SECRET: "secret",
      LARK_DOMAIN: larkRoot,
      BROADCAST_TELEGRAM_LIMITS: limits.telegram,
      BROADCAST_LARK_LIMITS: limits.lark,
      BROADCAST_MAX_IN_FLIGHT: String(limits.maxInFlight),
      BROADCAST_BACKOFF_MS: "100",
      // A dead instance's jobs are taken over 2 s after its last lock renewal (production: 30 s).
      BROADCAST_LOCK_MS: "2000",
    };
  }

  /** A backend on the test namespace (no senders: for set-up and assertions). */
  backend(): Promise<BroadcastBackend> {
    return openBroadcastBackend(this.storageUrl, { settings: settingsFromEnv(this.env) });
  }

  /** Subscribe `groups` Telegram and `groups` Lark groups, and give some of them trouble (as crash.test.ts). */
  async subscribe(groups: number, telegram: FakeBotApi, lark: FakeLarkApi): Promise<void> {
    const b = await this.backend();
    const all = { programs: [], regions: [], sectors: [] };
    await b.subscriptions.addMany([
      ...Array.from({ length: groups }, (_, i) => ({
        channel: "telegram" as const,
        chatId: tgChat(i),
        title: `TG群${i}`,
        topics: all,
        by: "telegram:1",
      })),
      ...Array.from({ length: groups }, (_, i) => ({
        channel: "lark" as const,
        chatId: larkChat(i),
        title: `飞书群${i}`,
        topics: all,
        by: "lark:ou_1",
      })),
    ]);
    await b.close();
    for (let i = 0; i < groups; i++) {
      if (i % 100 === 13) telegram.trouble.set(tgChat(i), "forbidden");
      else if (i % 50 === 7) telegram.trouble.set(tgChat(i), "rate-limit-once");
      else if (i % 50 === 23) telegram.trouble.set(tgChat(i), "server-error-once");
      if (i % 100 === 17) lark.trouble.set(larkChat(i), "forbidden");
      else if (i % 50 === 9) lark.trouble.set(larkChat(i), "rate-limit-once");
      else if (i % 50 === 21) lark.trouble.set(larkChat(i), "deliver-then-5xx-once");
    }
  }

  /** `policybot broadcast <args>` in a child process. */
  run(args: string[]): { child: ChildProcess; exited: Promise<Exit> } {
    const child = spawn(process.execPath, [CLI, "broadcast", ...args], { cwd: this.dir, env: this.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString("utf8");
    });
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
    });
    const exited = new Promise<Exit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
    return { child, exited };
  }

  /** The `holder` field of every row of a broadcast (which instance took it last: `host:pid:nonce`). */
  async holders(noticeId: string, total: number): Promise<string[]> {
    const r = new Redis(REDIS_URL);
    const p = r.pipeline();
    for (let i = 0; i < total; i++) p.hget(`${this.namespace}bc:row:${noticeId}:${i}`, "holder");
    const out = ((await p.exec()) ?? []).map(([, v]) => String(v));
    await r.quit();
    return out;
  }

  /** Remove every key of the namespace. */
  async cleanup(): Promise<void> {
    const r = new Redis(REDIS_URL);
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `${this.namespace.replace(/[*?[\]\\]/g, "\\$&")}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await r.del(...keys);
    } while (cursor !== "0");
    await r.quit();
  }
}
