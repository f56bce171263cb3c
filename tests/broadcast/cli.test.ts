/**
 * `policybot broadcast` usage (the bundled CLI): --dry-run prints the audience
 * (count and list) and the messages as groups will see them, with the deep
 * link from getMe, and sends nothing or writes no broadcast; `--as` refuses a
 * principal that is not an admin; usage errors exit 2 with one message
 * (missing --notice, an unknown program, an unreachable redis://).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBroadcastDb } from "../../src/broadcast/db.js";
import { SubscriptionRegistry } from "../../src/broadcast/subscriptions.js";
import { CLI, ROOT } from "../helpers/paths.js";
import { FakeBotApi } from "./fakes.js";

const run = promisify(execFile);
const telegram = new FakeBotApi();
const dir = mkdtempSync(join(tmpdir(), "policybot-broadcast-cli-"));
const dbFile = join(dir, "policybot.sqlite");
let env: NodeJS.ProcessEnv;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, "broadcast", ...args], { cwd: dir, env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

beforeAll(async () => {
  env = {
    PATH: process.env.PATH,
    STORAGE_URL: `sqlite:${dbFile}`,
    TELEGRAM_BOT_TOKEN: "123456:TEST-token-for-the-fake-server",
    TELEGRAM_API_ROOT: await telegram.start(),
  };
  const db = openBroadcastDb(dbFile);
  const t = (regions: string[]) => ({ programs: [], regions, sectors: [] });
  new SubscriptionRegistry(db).addMany([
    { channel: "telegram", chatId: "-1001", title: "郑州市教育局工作群", topics: t(["郑州市"]), by: "telegram:1" },
    { channel: "telegram", chatId: "-1002", title: "平顶山工作群", topics: t(["平顶山市"]), by: "telegram:1" },
    { channel: "lark", chatId: "oc_3", title: "郑州卫健委", topics: t([]), by: "lark:ou_1" },
  ]);
  db.close();
});
afterAll(() => telegram.stop());

describe("policybot broadcast", () => {
  it("--dry-run prints the audience and the rendered messages, and sends nothing", async () => {
    const r = await cli("--notice", join(ROOT, "templates", "examples", "notice.yaml"), "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("受众 / audience: 2 个群 / groups");
    expect(r.stdout).toContain("-1001\t郑州市教育局工作群");
    expect(r.stdout).toContain("oc_3\t郑州卫健委");
    expect(r.stdout).not.toContain("平顶山工作群");
    expect(r.stdout).toContain("https://t.me/policy_test_bot?start=p-zz-social-talent");
    expect(r.stdout).toContain("https://t.me/policy_test_bot?start=c-zz-social-talent");
    expect(r.stdout).toContain("申报范围");
    expect(r.stdout).toMatch(/lark 未配置/);
    expect(telegram.arrivals).toHaveLength(0);
    const db = openBroadcastDb(dbFile);
    expect(db.prepare("SELECT count(*) AS n FROM broadcast_notices").get()).toMatchObject({ n: 0 });
    db.close();
  });

  it("refuses a run whose audience needs a channel that is not configured", async () => {
    const r = await cli("--notice", join(ROOT, "templates", "examples", "notice.yaml"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/LARK_APP_ID/);
    expect(telegram.arrivals).toHaveLength(0);
  });

  it("--as checks the principal against ADMIN_IDS before anything is sent", async () => {
    const saved = env;
    env = { ...env, ADMIN_IDS: "telegram:1, ou_admin" };
    const r = await cli("--notice", join(ROOT, "templates", "examples", "notice.yaml"), "--as", "telegram:2");
    env = saved;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/telegram:2 may not broadcast/);
    expect(telegram.arrivals).toHaveLength(0);
  });

  it("exits 2 with one message for usage errors", async () => {
    expect((await cli()).stderr).toMatch(/--notice/);
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "title: t\nprogram: no-such-program\ndeadline: 2026-06-30\nbody: b\ncontact: c\n");
    const r = await cli("--notice", bad, "--dry-run");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown program no-such-program/);
    const saved = env;
    // Nothing listens on port 1: an unreachable Redis is a usage error, not a hang.
    env = { ...env, STORAGE_URL: "redis://127.0.0.1:1" };
    const redis = await cli("--notice", join(ROOT, "templates", "examples", "notice.yaml"), "--dry-run");
    env = saved;
    expect(redis.code).toBe(2);
    expect(redis.stderr).toMatch(/cannot reach Redis/);
  });
});
