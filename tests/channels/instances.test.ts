/**
 * Two `policybot serve` processes (webhook mode, the bundled CLI) sharing one
 * Redis, in front of one fake Bot API server: an interview continues at the
 * right question whichever process gets the next update, an update delivered
 * to both is answered once, sessions carry SESSION_TTL_DAYS as their Redis
 * TTL, and SIGTERM lets a process finish the update in flight and exit 0.
 * Skipped, with a notice, when Redis is not reachable.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Update } from "grammy/types";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStore } from "../../src/storage/redis.js";
import { CLI } from "../helpers/paths.js";
import { noticeIfRedisDown, REDIS_URL, redisUp, testNamespace } from "../helpers/redis.js";
import { FakeTelegram } from "./fake-telegram.js";
import { nextUpdateId, privateText } from "./samples.js";

noticeIfRedisDown("the two-process Telegram cases are");
const SECRET = "two-instances";
const namespace = testNamespace("instances");
const fake = new FakeTelegram();

/** One `policybot serve` child process and the JSON lines it logged. */
class Instance {
  readonly lines: Record<string, unknown>[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private waiters: (() => void)[] = [];

  constructor(apiRoot: string) {
    const storageUrl = new URL(REDIS_URL);
    storageUrl.searchParams.set("namespace", namespace);
    this.child = spawn(process.execPath, [CLI, "serve"], {
      cwd: mkdtempSync(join(tmpdir(), "policybot-instance-")), // no .env here
      env: {
        PATH: process.env.PATH,
        TELEGRAM_BOT_TOKEN: "123456:TEST-token-for-the-fake-server",
        TELEGRAM_API_ROOT: apiRoot,
        TELEGRAM_MODE: "webhook",
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        PORT: "0",
        STORAGE_URL: storageUrl.toString(),
        SESSION_TTL_DAYS: "3",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      try {
        this.lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        this.lines.push({ msg: line });
      }
      for (const w of this.waiters) w();
    });
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }

  /** The first logged line matching `msg` (waits for it). */
  async logged(msg: string): Promise<Record<string, unknown>> {
    for (;;) {
      const found = this.lines.find((l) => l.msg === msg);
      if (found) return found;
      const exitedEarly = await Promise.race([
        new Promise<false>((resolve) => this.waiters.push(() => resolve(false))),
        this.exited.then(() => true),
      ]);
      this.waiters = [];
      if (exitedEarly && !this.lines.some((l) => l.msg === msg)) throw new Error(`exited before logging "${msg}"`);
    }
  }

  async url(): Promise<string> {
    return `http://127.0.0.1:${(await this.logged("webhook server started")).port}/telegram`;
  }

  /** Deliver an update to this instance's webhook. */
  async post(update: Update): Promise<number> {
    return fake.deliver(await this.url(), SECRET, update);
  }

  terminate(): void {
    if (this.child.exitCode === null) this.child.kill("SIGTERM");
  }
}

let a: Instance;
let b: Instance;
const text = privateText;
/** A press of the button labelled `label` in the last message to the chat. */
function press(label: string, chatId: number): Update {
  const keyboard = lastTo(chatId)?.json?.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] } | undefined;
  const data = keyboard?.inline_keyboard.find((r) => r[0]?.text === label)?.[0]?.callback_data;
  if (!data) throw new Error(`no button ${label}`);
  const id = nextUpdateId();
  return {
    update_id: id,
    callback_query: {
      id: `cb${id}`,
      chat_instance: "x",
      data,
      from: { id: chatId, is_bot: false, first_name: "用户" },
      message: { message_id: id, date: 0, chat: { id: chatId, type: "private", first_name: "用户" }, text: "…" },
    },
  };
}
const to = (chatId: number) => fake.of("sendMessage").filter((c) => c.json?.chat_id === chatId);
const lastTo = (chatId: number) => to(chatId).at(-1);
const lastText = (chatId: number) => String(lastTo(chatId)?.json?.text ?? "");

describe.skipIf(!redisUp)("two policybot serve processes on one Redis", () => {
  beforeAll(async () => {
    const apiRoot = await fake.start();
    a = new Instance(apiRoot);
    b = new Instance(apiRoot);
    await Promise.all([a.url(), b.url()]);
  });
  afterAll(async () => {
    for (const i of [a, b]) i?.terminate();
    await Promise.all([a?.exited, b?.exited]);
    await fake.stop();
    const cleanup = new RedisStore(REDIS_URL, namespace);
    await cleanup.deletePrefix("");
    await cleanup.close();
  });

  it("continues one interview at the right question while its updates alternate between the processes", async () => {
    const chat = 31;
    expect(await a.post(text("/apply", chat))).toBe(200);
    expect(lastText(chat)).toContain("隐私说明");
    await b.post(press("同意", chat));
    expect(lastText(chat)).toContain("请选择要填写的表格");
    await a.post(press("郑州市社会事业人才培养对象申报表", chat));
    expect(lastText(chat)).toContain("请输入申报人姓名");
    await b.post(text("张三", chat));
    expect(lastText(chat)).toContain("性别");
    await a.post(press("男", chat));
    expect(lastText(chat)).toContain("出生日期");
    await b.post(text("1985-06-01", chat));
    expect(lastText(chat)).toContain("民族");
  });

  it("keeps the session in Redis for SESSION_TTL_DAYS", async () => {
    const redis = new Redis(REDIS_URL);
    const ttl = await redis.ttl(`${namespace}tg:31:31:session`);
    await redis.quit();
    expect(ttl).toBeGreaterThan(3 * 86_400 - 60);
    expect(ttl).toBeLessThanOrEqual(3 * 86_400);
  });

  it("answers an update delivered to both processes once", async () => {
    const u = text("郑州社会事业人才培养经费怎么拨付？", 32);
    const statuses = await Promise.all([a.post(u), b.post(u)]);
    expect(statuses).toEqual([200, 200]);
    expect(to(32)).toHaveLength(1);
    expect(lastText(32)).toContain("20万元");
  });

  it("SIGTERM: the process finishes the update in flight, then exits 0", async () => {
    const chat = 31;
    await a.post(text("汉族", chat)); // the answer to 民族
    expect(lastText(chat)).toContain("政治面貌");
    // A button press: the bot answers the callback query (held here), then saves and replies.
    const release = fake.hold("answerCallbackQuery");
    const answered = fake.of("answerCallbackQuery").length;
    const posted = a.post(press("中共党员", chat));
    await fake.waitFor("answerCallbackQuery", answered + 1); // a is handling it
    a.terminate();
    await a.logged("stopping");
    release();
    expect(await posted).toBe(200);
    expect(await a.exited).toBe(0);
    expect(a.lines.at(-1)?.msg).toBe("stopped");
    expect(lastText(chat)).toContain("身份证");
    // a saved the session before it exited: b continues after 政治面貌.
    await b.post(text("410105198506011234", chat));
    expect(lastText(chat)).toContain("手机");
  });
});
