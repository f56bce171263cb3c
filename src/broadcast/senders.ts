/**
 * The sender factory of the engine for a configured environment: renders the
 * 通知 .docx once per broadcast and builds the Telegram and Lark senders
 * (loaded lazily, so a Telegram-only broadcast never loads the Lark SDK).
 * Uploaded files are remembered in the broadcast's assets, so a resumed run
 * reuses them.
 */
import type { Env } from "../config/env.js";
import type { EngineDeps } from "./engine.js";
import type { BroadcastSettings } from "./limits.js";
import type { Channel } from "./notice.js";
import { noticeFileName, renderNoticeDocx } from "./notice-docx.js";
import type { Outbox } from "./outbox.js";

/** A channel the notice's audience needs but the environment does not configure. */
export class ChannelNotConfiguredError extends Error {
  constructor(readonly channel: Channel) {
    super(
      channel === "telegram"
        ? "有 Telegram 群订阅，但未设置 TELEGRAM_BOT_TOKEN / Telegram groups subscribed but TELEGRAM_BOT_TOKEN is not set"
        : "有飞书群订阅，但未设置 LARK_APP_ID / LARK_APP_SECRET / Lark groups subscribed but LARK_APP_ID is not set",
    );
    this.name = "ChannelNotConfiguredError";
  }
}

/** Whether the environment configures a channel. */
export function configured(env: Env, channel: Channel): boolean {
  return channel === "telegram" ? Boolean(env.TELEGRAM_BOT_TOKEN) : Boolean(env.LARK_APP_ID && env.LARK_APP_SECRET);
}

/**
 * @param templatesDir where the `notice` template is
 * @returns the `sender` of {@link EngineDeps}
 */
export function senderFactory(env: Env, outbox: Outbox, settings: BroadcastSettings, templatesDir: string): EngineDeps["sender"] {
  const docs = new Map<string, Promise<Buffer>>();
  return async (channel, record) => {
    if (!configured(env, channel)) throw new ChannelNotConfiguredError(channel);
    const notice = record.notice;
    let docx = docs.get(notice.id);
    if (!docx) {
      docx = renderNoticeDocx(notice, templatesDir);
      docs.set(notice.id, docx);
    }
    const common = { notice, docx: await docx, fileName: noticeFileName(notice), backoffMs: settings.backoffMs };
    if (channel === "telegram") {
      const { TelegramSender } = await import("./telegram-sender.js");
      return TelegramSender.create({
        ...common,
        token: env.TELEGRAM_BOT_TOKEN as string,
        apiRoot: env.TELEGRAM_API_ROOT,
        fileId: record.assets.telegramFileId,
        onFileId: (id) => outbox.setAsset(notice.id, "telegramFileId", id),
      });
    }
    const { LarkSender } = await import("./lark-sender.js");
    return LarkSender.create({
      ...common,
      appId: env.LARK_APP_ID as string,
      appSecret: env.LARK_APP_SECRET as string,
      domain: env.LARK_DOMAIN,
      fileKey: record.assets.larkFileKey,
      onFileKey: (key) => outbox.setAsset(notice.id, "larkFileKey", key),
    });
  };
}
