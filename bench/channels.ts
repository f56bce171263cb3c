/**
 * Channels bench: Telegram updates per second through `policybot serve`'s
 * webhook path (POST /telegram → grammY → conversation core → store → reply).
 * The fake Bot API server and the load generator run in a child process
 * (bench/fake-bot-api.ts), so this process is the bot alone. The goal is per
 * core: on Linux with `taskset` and two CPUs or more, the bot runs pinned to
 * CPU 0 and the Telegram side to CPU 1. Q&A messages from the dev set, over
 * many distinct private chats. One section per store (`channels`: memory,
 * `channels-sqlite`), each in its own process, so RSS is the bot's alone.
 */
import { type ChildProcess, execFileSync, fork, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { pino } from "pino";
import { PROJECT_ROOT } from "../src/cli/paths.js";
import { readEnv } from "../src/config/env.js";
import { serve } from "../src/server/serve.js";
import type { RunRequest, RunResult } from "./fake-bot-api.js";
import type { Row } from "./sections.js";

const SECRET = "bench-secret";
// A full garbage collection before the heap is measured (what is really kept, not what V8 has not collected yet).
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
/** Updates of the measured run, of the warm-up before it, and one at a time after it. */
const UPDATES = 12_000;
const WARMUP = 3_000;
const SEQUENTIAL = 1_000;
const CHATS = 1_999; // not a multiple of the 50 questions: each chat asks different ones in turn
const CONCURRENCY = 50;

function questions(): string[] {
  return readFileSync(join(PROJECT_ROOT, "tests", "eval", "qa-dev.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { question: string }).question);
}

const HERE = dirname(fileURLToPath(import.meta.url));
/** Set in the re-executed, pinned bench process. */
const PINNED = process.env.POLICYBOT_BENCH_PINNED === "1";
const canPin = () => process.platform === "linux" && availableParallelism() >= 2 && spawnSync("taskset", ["-c", "0", "true"]).status === 0;

/** Start the Telegram side (fake Bot API + load generator) in its own process (on CPU 1 when pinned). */
async function telegramSide(): Promise<{ child: ChildProcess; apiRoot: string; run(r: Omit<RunRequest, "type">): Promise<RunResult> }> {
  const script = join(HERE, "fake-bot-api.js");
  const stdio: ["ignore", "ignore", "inherit", "ipc"] = ["ignore", "ignore", "inherit", "ipc"];
  const child = PINNED ? spawn("taskset", ["-c", "1", process.execPath, script], { stdio }) : fork(script, [], { stdio });
  const apiRoot = await new Promise<string>((resolve) =>
    child.once("message", (m: { type: string; apiRoot: string }) => resolve(m.apiRoot)),
  );
  return {
    child,
    apiRoot,
    run: (r) =>
      new Promise<RunResult>((resolve) => {
        child.once("message", (m: RunResult) => resolve(m));
        child.send({ type: "run", ...r });
      }),
  };
}

/**
 * The rows of one store: a server on it (this process), warmed up, then
 * measured at {@link CONCURRENCY} updates in flight and one at a time.
 */
export async function channelRows(store: "memory" | "sqlite", section: string): Promise<Row[]> {
  if (!PINNED && canPin()) {
    // Run this section again with the bot on CPU 0 (its child, the Telegram side, goes to CPU 1).
    const out = execFileSync("taskset", ["-c", "0", process.execPath, join(HERE, "run.js"), section], {
      encoding: "utf8",
      env: { ...process.env, POLICYBOT_BENCH_PINNED: "1" },
      maxBuffer: 64 * 1024 * 1024,
    });
    return JSON.parse(out) as Row[];
  }
  const side = await telegramSide();
  const dir = mkdtempSync(join(tmpdir(), "policybot-bench-channels-"));
  const label = `STORAGE_URL=${store}:`;
  try {
    const env = readEnv({
      TELEGRAM_BOT_TOKEN: "123456:BENCH-token-for-the-fake-server",
      TELEGRAM_API_ROOT: side.apiRoot,
      TELEGRAM_MODE: "webhook",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PORT: "0",
      STORAGE_URL: store === "memory" ? "memory:" : `sqlite:${join(dir, "kv.sqlite")}`,
    });
    const running = await serve(env, pino({ level: "silent" }));
    const rssStart = process.memoryUsage().rss / 2 ** 20;
    const base = { url: `http://127.0.0.1:${running.port}/telegram`, secret: SECRET, questions: questions(), chats: CHATS };
    let id = 1;
    const load = async (updates: number, concurrency: number) => {
      const r = await side.run({ ...base, updates, concurrency, firstUpdateId: id });
      id += updates;
      if (r.failures > 0 || r.replyMs.length < updates) {
        throw new Error(`${label}: ${r.failures} failed updates, ${r.replyMs.length}/${updates} replies`);
      }
      return r;
    };
    await load(WARMUP, CONCURRENCY);
    const cpu = process.cpuUsage();
    const loaded = await load(UPDATES, CONCURRENCY);
    const { user, system } = process.cpuUsage(cpu);
    const cores = (user + system) / 1000 / loaded.elapsedMs;
    const single = await load(SEQUENTIAL, 1);
    const rssEnd = process.memoryUsage().rss / 2 ** 20;
    gc();
    const heapAfterGc = process.memoryUsage().heapUsed / 2 ** 20;
    await running.close();
    const perSecond = (n: number, r: RunResult) => ((1000 * n) / r.elapsedMs).toFixed(0);
    const viaWebhook = Math.round((100 * loaded.webhookReplies) / UPDATES);
    const name = (what: string) => `telegram webhook (${label}${PINNED ? ", bot on 1 CPU" : ""}): ${what}`;
    return [
      {
        name: name(
          `reply latency, ${CONCURRENCY} in flight — ${perSecond(UPDATES, loaded)} updates/s, bot CPU ${cores.toFixed(2)} cores, ${viaWebhook}% webhook replies`,
        ),
        samples: loaded.replyMs,
        goal: "≥ 1000 updates/s",
      },
      { name: name(`reply latency, one at a time — ${perSecond(SEQUENTIAL, single)} updates/s`), samples: single.replyMs, goal: "-" },
      { name: name("bot RSS after start"), samples: [rssStart], goal: "-", unit: "MB" },
      { name: name(`bot RSS after ${WARMUP + UPDATES + SEQUENTIAL} updates in ${CHATS} chats`), samples: [rssEnd], goal: "-", unit: "MB" },
      { name: name("bot heap used after a full GC (state kept per chat)"), samples: [heapAfterGc], goal: "-", unit: "MB" },
    ];
  } finally {
    side.child.send({ type: "exit" });
    rmSync(dir, { recursive: true, force: true });
  }
}
