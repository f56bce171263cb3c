/**
 * `policybot broadcast --notice notice.yaml [--dry-run]` and
 * `policybot broadcast --resume` (`--as <principal>` to act as an admin of
 * ADMIN_IDS or the role table; default `cli:<os user>`, who has shell access): send a notice to every subscribed group
 * (see src/broadcast/), or show whom it would reach and what they would see.
 *
 * The same notice file always means the same broadcast (its id), so running
 * the command again after a crash or Ctrl-C resumes it, and running it after
 * it finished prints its report without sending anything. A real run shows
 * progress on stderr, prints the report and writes `<notice>-report.csv` next
 * to the notice file. Exit codes: 0 finished (failures are in the report),
 * 1 stopped before the end (resumable), 2 usage error.
 *
 * With `STORAGE_URL=redis://…` the broadcast lives in Redis and its rows are
 * BullMQ jobs (src/broadcast/backend-redis.ts): every instance running the
 * command (`--resume` on the others) works on it together, within limits
 * shared through Redis. An unreachable Redis is a usage error (exit 2).
 */
import { writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { basename, dirname, extname, join } from "node:path";
import { type BroadcastBackend, openBroadcastBackend } from "../broadcast/backend.js";
import { BroadcastStorageError, sqliteFileOf } from "../broadcast/db.js";
import { LimitsError, settingsFromEnv } from "../broadcast/limits.js";
import { larkPost, larkPostText, telegramMessage, telegramText } from "../broadcast/message.js";
import { loadNotice, type Notice, NoticeError } from "../broadcast/notice.js";
import { noticeFileName } from "../broadcast/notice-docx.js";
import { isRedisUrl } from "../broadcast/redis-conn.js";
import { type BroadcastReport, type Progress, progressLine, reportCsv, reportText } from "../broadcast/report.js";
import { renderReportDocx } from "../broadcast/report-docx.js";
import { parseAdminIds } from "../broadcast/roles.js";
import { ChannelNotConfiguredError, configured } from "../broadcast/senders.js";
import { describeTopics } from "../broadcast/topics.js";
import { ConfigError, type Env, readEnv } from "../config/env.js";
import { loadKnowledgeBase } from "../kb/load.js";
import { defaultCacheDir } from "../util/cache.js";
import { UsageError } from "./errors.js";
import { policiesDir } from "./paths.js";
import { templatesDir } from "./render.js";

/** Options of the command. */
export interface BroadcastOptions {
  notice?: string;
  dryRun?: boolean;
  resume?: boolean;
  /** Act as this principal (`telegram:123`, `lark:ou_…`): must be an admin (ADMIN_IDS or the role table); default `cli:<os user>`. */
  as?: string;
}

/** A progress bar on stderr: one line redrawn with \r on a terminal, a line per 10 % otherwise. */
function progressBar(): { update: (p: Progress) => void; end: () => void } {
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  let drawn = false;
  return {
    update(p) {
      const done = p.sent + p.failed;
      const ratio = p.total === 0 ? 1 : done / p.total;
      if (tty) {
        const width = 30;
        const full = Math.round(ratio * width);
        process.stderr.write(
          `\r[${"█".repeat(full)}${"░".repeat(width - full)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${progressLine(p)}\x1b[K`,
        );
        drawn = true;
      } else if (Math.floor(ratio * 10) > lastDecile) {
        lastDecile = Math.floor(ratio * 10);
        process.stderr.write(`${progressLine(p)}\n`);
      }
    },
    end() {
      if (drawn) process.stderr.write("\n");
    },
  };
}

function readConfig(): { env: Env; settings: ReturnType<typeof settingsFromEnv> } {
  try {
    const env = readEnv();
    if (!isRedisUrl(env.STORAGE_URL)) sqliteFileOf(env.STORAGE_URL); // an unsupported scheme is a usage error
    return { env, settings: settingsFromEnv() };
  } catch (e) {
    if (e instanceof ConfigError || e instanceof LimitsError || e instanceof BroadcastStorageError) throw new UsageError(e.message);
    throw e;
  }
}

/** The backend of STORAGE_URL (SQLite, or Redis + BullMQ shared by several instances). */
async function openBackend(env: Env, settings: ReturnType<typeof settingsFromEnv>): Promise<BroadcastBackend> {
  try {
    return await openBroadcastBackend(env.STORAGE_URL, { settings, env, templatesDir: templatesDir() });
  } catch (e) {
    if (e instanceof BroadcastStorageError) throw new UsageError(e.message);
    throw e;
  }
}

function readNotice(file: string): Notice {
  const root = policiesDir();
  const { kb } = loadKnowledgeBase(root, { verify: false, cacheDir: defaultCacheDir(root) });
  try {
    return loadNotice(file, kb);
  } catch (e) {
    if (e instanceof NoticeError) throw new UsageError(`通知文件有误 / invalid notice ${e.file}:\n  ${e.issues.join("\n  ")}`);
    throw e;
  }
}

/** The bot's username for the preview's deep links (getMe), or a placeholder when Telegram is not reachable. */
async function botUsername(env: Env): Promise<string> {
  if (!env.TELEGRAM_BOT_TOKEN) return "<bot>";
  try {
    const { Api } = await import("grammy");
    return (await new Api(env.TELEGRAM_BOT_TOKEN, { apiRoot: env.TELEGRAM_API_ROOT }).getMe()).username;
  } catch {
    return "<bot>";
  }
}

/**
 * Run the command.
 * @returns exit code
 * @throws UsageError for a missing/invalid notice or configuration, or a channel the audience needs but the environment lacks
 */
export async function runBroadcastCommand(opts: BroadcastOptions): Promise<number> {
  if (!opts.notice && !opts.resume) throw new UsageError("缺少 --notice / missing --notice notice.yaml (or --resume)");
  const { env, settings } = readConfig();
  const notice = opts.notice ? readNotice(opts.notice) : null;
  const backend = await openBackend(env, settings);
  try {
    if (notice && opts.dryRun) return await dryRun(env, notice, backend);
    const actor = opts.as ?? `cli:${userInfo().username}`;
    if (opts.as) {
      let admins: string[];
      try {
        admins = parseAdminIds(env.ADMIN_IDS);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      if (!(await backend.roles(admins).can(opts.as, "broadcast")))
        throw new UsageError(
          `${opts.as} 不是管理员（ADMIN_IDS 或角色表）/ ${opts.as} may not broadcast (not in ADMIN_IDS or the role table)`,
        );
    }
    const ids: { id: string; csv: string | null }[] = [];
    if (notice) {
      const existing = await backend.get(notice.id);
      const audience = existing ? null : await backend.subscriptions.audience(notice.effectiveAudience, notice.channels);
      for (const c of ["telegram", "lark"] as const) {
        if (audience?.some((s) => s.channel === c) && !configured(env, c)) {
          throw new UsageError(new ChannelNotConfiguredError(c).message);
        }
      }
      if (audience?.length === 0) {
        process.stdout.write("没有匹配的订阅群，未发送 / no subscribed group matches the notice: nothing sent\n");
        return 0;
      }
      await backend.start(notice, actor);
      const base = basename(opts.notice as string, extname(opts.notice as string));
      ids.push({ id: notice.id, csv: join(dirname(opts.notice as string), `${base}-report.csv`) });
    }
    if (opts.resume)
      for (const r of await backend.unfinished()) if (!ids.some((x) => x.id === r.noticeId)) ids.push({ id: r.noticeId, csv: null });
    if (ids.length === 0) {
      process.stdout.write("没有未完成的群发 / no unfinished broadcasts\n");
      return 0;
    }
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    let unfinished = false;
    try {
      for (const { id, csv } of ids) {
        const bar = progressBar();
        let report: BroadcastReport;
        try {
          report = await backend.run(id, { actor, onProgress: bar.update, signal: controller.signal });
        } finally {
          bar.end();
        }
        process.stdout.write(`${reportText(report)}\n`);
        const file = csv ?? join(process.cwd(), `broadcast-${id}-report.csv`);
        writeFileSync(file, reportCsv(await backend.rows(id)));
        const docx = file.replace(/\.csv$/, ".docx");
        writeFileSync(docx, await renderReportDocx(report, templatesDir()));
        process.stdout.write(`报告 / report: ${file}\n群发报告 / report document: ${docx}\n`);
        if (report.state !== "done") unfinished = true;
        if (controller.signal.aborted) break;
      }
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
    if (unfinished) process.stderr.write("policybot: 群发未完成，再次运行即可继续 / broadcast unfinished: run again to resume\n");
    return unfinished ? 1 : 0;
  } finally {
    await backend.close();
  }
}

async function dryRun(env: Env, notice: Notice, backend: BroadcastBackend): Promise<number> {
  const existing = await backend.get(notice.id);
  const audience = await backend.subscriptions.audience(notice.effectiveAudience, notice.channels);
  const out: string[] = [
    `通知 / notice ${notice.id}：${notice.title}`,
    `项目 / program: ${notice.programTitle}（${notice.program}），截止 / deadline ${notice.deadline}${notice.scheduledAt ? `，定时 / scheduled ${notice.scheduledAt}` : ""}`,
    `受众话题 / audience: ${describeTopics(notice.effectiveAudience)}`,
  ];
  if (existing)
    out.push(
      `已有群发 / already broadcast: ${existing.state}, ${existing.total} groups（再次运行将继续，不会重复发送 / a run resumes it）`,
    );
  out.push(`受众 / audience: ${audience.length} 个群 / groups`);
  for (const s of audience) out.push(`  ${s.channel}\t${s.chatId}\t${s.title}\t${describeTopics(s.topics)}`);
  for (const c of ["telegram", "lark"] as const) {
    if (audience.some((s) => s.channel === c) && !configured(env, c)) out.push(`注意 / warning: ${c} 未配置 / not configured`);
  }
  out.push("", "—— Telegram ——", telegramText(telegramMessage(notice, await botUsername(env))));
  const { larkBotLink } = await import("../broadcast/deep-link.js");
  out.push("", "—— 飞书 / Lark ——", larkPostText(larkPost(notice, larkBotLink(env.LARK_APP_ID ?? "<app_id>", env.LARK_DOMAIN))));
  out.push("", `附件 / attachment: ${noticeFileName(notice)}（templates/notice.yaml）`, "（演练，未发送 / dry run: nothing sent）");
  process.stdout.write(`${out.join("\n")}\n`);
  return 0;
}
