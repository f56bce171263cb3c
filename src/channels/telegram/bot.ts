/**
 * Telegram channel (grammY): translates Telegram updates into messages for the
 * conversation core and its replies into Telegram messages. No Q&A or
 * interview logic lives here (issue #4).
 *
 * - text → `conversation.handle({ text })`; a pressed inline button → `{ choice }`
 *   (callback_data is `c:<n>`, an index into the choices stored server-side,
 *   since Telegram allows only 64 bytes);
 * - replies: text (HTML parse mode, everything escaped), choices as an inline
 *   keyboard, documents with sendDocument;
 * - each update is handled once: its `update_id` is remembered for a day;
 * - one chat's updates are handled in order (grammY runner `sequentialize`),
 *   different chats concurrently;
 * - groups: only messages that mention the bot or reply to it are answered, and
 *   personal-data interviews are offered in a private chat instead.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { autoRetry } from "@grammyjs/auto-retry";
import { sequentialize } from "@grammyjs/runner";
import { Bot, type Context, InlineKeyboard, InputFile } from "grammy";
import type { ChatBroadcast } from "../../broadcast/admin/service.js";
import { type Conversation, type Handled, NEW_SESSION, parseSession, type Session } from "../../core/conversation.js";
import { DocumentShelf, FILES_COMMAND } from "../../core/shelf.js";
import { FORGOTTEN, HELP, NOTHING_TO_FORGET, PRIVATE_ONLY, privacyText, STALE_BUTTON } from "../../core/texts.js";
import { isInterviewTrigger } from "../../dialog/router.js";
import type { Reply } from "../../dialog/types.js";
import type { Store } from "../../storage/store.js";
import { adminComposer } from "./admin.js";
import { telegramAdminPort } from "./admin-port.js";
import type { Pending } from "./pending.js";

/** What the Telegram channel keeps per chat and user. */
interface Stored {
  session: Session;
  /** The values of the last choices offered, by button index. */
  choices: string[];
}

/** Options of {@link createTelegramBot}. */
export interface TelegramOptions {
  token: string;
  /** Bot API root (TELEGRAM_API_ROOT); tests point it at a fake server. */
  apiRoot?: string;
  conversation: Conversation;
  store: Store;
  /** Seconds a chat's session is kept after its last message (SESSION_TTL_DAYS; default 30 days). */
  sessionTtlSeconds?: number;
  /** Seconds generated documents are kept for /files (DOCUMENT_TTL_HOURS; default 24 hours). */
  documentTtlSeconds?: number;
  /** Bot identity, when known (skips the getMe call; tests). */
  botInfo?: { id: number; username: string; first_name: string };
  /** Tracks the updates in flight (graceful shutdown waits for them). */
  pending?: Pending;
  /**
   * Webhook mode: when a turn's answer is one text message (most Q&A), send it
   * as the webhook's HTTP response instead of a separate sendMessage call
   * (grammY `canUseWebhookReply`). Saves a Bot API round trip per update;
   * Telegram reports no error for such a reply, so longer turns, documents and
   * texts over 4096 characters always use their own calls.
   */
  webhookReply?: boolean;
  /** Broadcast commands (/subscribe, /notice …) and progress reports; absent: the bot only answers questions. */
  broadcast?: ChatBroadcast;
}

/** The command menu of private chats (setMyCommands, default scope). */
export const COMMANDS = [
  { command: "start", description: "开始 / start" },
  { command: "help", description: "使用说明 / help" },
  { command: "ask", description: "提问 / ask a question" },
  { command: "check", description: "资格自测 / self-check" },
  { command: "apply", description: "填写申报表 / fill an application form" },
  { command: "files", description: "重新发送生成的文件 / send my documents again" },
  { command: "cancel", description: "取消当前操作 / cancel" },
  { command: "privacy", description: "隐私说明 / privacy" },
  { command: "forget", description: "删除我的数据 / delete my data" },
];

/** The command menu of groups (setMyCommands, scope all_group_chats): questions and subscriptions to notices. */
export const GROUP_COMMANDS = [
  { command: "ask", description: "提问 / ask a question" },
  { command: "subscribe", description: "订阅通知（群管理员）/ subscribe to notices" },
  { command: "unsubscribe", description: "取消订阅（群管理员）/ unsubscribe" },
  { command: "subscriptions", description: "本群订阅 / this group's subscription" },
  { command: "help", description: "使用说明 / help" },
];

/** `&`, `<`, `>` escaped for Telegram's HTML parse mode. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Everything of one user in one chat starts with this prefix (/forget deletes it). */
const ownerOf = (ctx: Context) => `tg:${ctx.chat?.id ?? 0}:${ctx.from?.id ?? 0}:`;
const keyOf = (ctx: Context) => `${ownerOf(ctx)}session`;

/** Whether the replies being sent are a single message under 4096 characters (webhook reply allowed). */
const oneMessageTurn = new AsyncLocalStorage<boolean>();

/**
 * Build the bot (not started: call `bot.start()` for long polling or use
 * grammY's `webhookCallback(bot, …)`).
 */
export function createTelegramBot(o: TelegramOptions): Bot {
  // Only a one-message turn may answer in the webhook response: a later API call could overtake it.
  const canUseWebhookReply = o.webhookReply
    ? (method: string) => method === "sendMessage" && oneMessageTurn.getStore() === true
    : undefined;
  const bot = new Bot(o.token, { client: { apiRoot: o.apiRoot, canUseWebhookReply }, botInfo: o.botInfo as never });
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));
  const ttl = o.sessionTtlSeconds ?? 30 * 86_400;
  const documentTtl = o.documentTtlSeconds ?? 24 * 3600;
  const shelf = new DocumentShelf(o.store, documentTtl);
  const privacy = privacyText(Math.round(ttl / 86_400), Math.round(documentTtl / 3600));

  if (o.pending) bot.use(o.pending.middleware());
  // A chat's messages are answered in order, even when updates are handled concurrently (runner, webhooks).
  bot.use(sequentialize((ctx) => String(ctx.chat?.id ?? ctx.from?.id ?? "")));

  // Telegram re-delivers updates: handle each update_id once.
  bot.use(async (ctx, next) => {
    // Claimed atomically, so two instances sharing one store never both handle it.
    if (!(await o.store.setIfAbsent(`tg:update:${ctx.update.update_id}`, 1, { ttlSeconds: 86_400 }))) return;
    await next();
  });

  const load = async (ctx: Context): Promise<Stored> => {
    const raw = (await o.store.get(keyOf(ctx))) as Partial<Stored> | undefined;
    return { session: raw?.session ? parseSession(raw.session) : NEW_SESSION, choices: raw?.choices ?? [] };
  };
  const save = (ctx: Context, stored: Stored) => o.store.set(keyOf(ctx), stored, { ttlSeconds: ttl });

  const send = async (ctx: Context, replies: Reply[]): Promise<void> => {
    for (const r of replies) {
      if (r.type === "text") await ctx.reply(escapeHtml(r.text), { parse_mode: "HTML" });
      else if (r.type === "choices") {
        const keyboard = new InlineKeyboard();
        r.choices.forEach((c, i) => {
          if (i > 0) keyboard.row();
          keyboard.text(c.label.slice(0, 60), `c:${i}`);
        });
        await ctx.reply(escapeHtml(r.text), { parse_mode: "HTML", reply_markup: keyboard });
      } else {
        await ctx.replyWithDocument(new InputFile(Buffer.from(r.data), r.fileName));
      }
    }
  };

  const converse = async (ctx: Context, input: { text: string } | { choice: string }) => {
    const stored = await load(ctx);
    await deliver(ctx, stored, await o.conversation.handle(stored.session, input));
  };

  /** Store the turn's session and choices, keep its documents, send its replies. */
  const deliver = async (ctx: Context, stored: Stored, handled: Handled) => {
    // The buttons of this turn's last keyboard (a turn without one keeps the previous buttons working).
    const offered = handled.replies.filter((r) => r.type === "choices").at(-1);
    const choices = offered ? offered.choices.map((c) => c.value) : stored.choices;
    // Saved before the replies go out: once the user sees the next question, any instance can take the answer,
    // and a crash between the two never applies an answer to the previous question.
    await save(ctx, { session: handled.session, choices });
    await shelf.keepAll(ownerOf(ctx), handled.replies);
    const [only] = handled.replies;
    const single = handled.replies.length === 1 && only?.type !== "document" && escapeHtml(only?.text ?? "").length <= 4096;
    await oneMessageTurn.run(single, () => send(ctx, handled.replies));
  };

  const privateOnly = (ctx: Context) => ctx.chat?.type === "private";

  if (o.broadcast) {
    o.broadcast.addPort(telegramAdminPort(bot.api));
    bot.use(adminComposer(o.broadcast));
  }

  bot.command("start", async (ctx) => {
    // A deep link from a notice (t.me/<bot>?start=p-<programId>) opens that program.
    if (ctx.match && privateOnly(ctx)) {
      const stored = await load(ctx);
      const opened = await o.conversation.openLink(stored.session, ctx.match.trim());
      if (opened) return deliver(ctx, stored, opened);
    }
    await ctx.reply(HELP);
  });
  bot.command("help", (ctx) => ctx.reply(HELP));
  bot.command("privacy", (ctx) => ctx.reply(privacy));
  bot.command("forget", async (ctx) => {
    const removed = await o.store.deletePrefix(ownerOf(ctx));
    await ctx.reply(removed > 0 ? FORGOTTEN : NOTHING_TO_FORGET);
  });
  bot.command("files", async (ctx) => send(ctx, await shelf.replies(ownerOf(ctx))));
  bot.command("cancel", (ctx) => converse(ctx, { text: "取消" }));
  bot.command(["check", "apply"], async (ctx) => {
    if (!privateOnly(ctx)) return void (await ctx.reply(PRIVATE_ONLY));
    await converse(ctx, { text: ctx.message?.text?.startsWith("/check") ? "资格自测" : "申报表" });
  });
  bot.command("ask", (ctx) => converse(ctx, { text: ctx.match || "帮助" }));

  bot.on("callback_query:data", async (ctx) => {
    await ctx.answerCallbackQuery();
    const stored = await load(ctx);
    const n = Number(/^c:(\d+)$/.exec(ctx.callbackQuery.data)?.[1] ?? Number.NaN);
    const value = stored.choices[n];
    if (value === undefined) return void (await ctx.reply(STALE_BUTTON));
    await converse(ctx, { choice: value });
  });

  bot.on("message:text", async (ctx) => {
    let text = ctx.message.text;
    if (!privateOnly(ctx)) {
      const me = ctx.me.username;
      const mentioned = text.includes(`@${me}`);
      const repliedToMe = ctx.message.reply_to_message?.from?.id === ctx.me.id;
      if (!mentioned && !repliedToMe) return;
      text = text.replaceAll(`@${me}`, "").trim();
      if (isInterviewTrigger(text)) return void (await ctx.reply(PRIVATE_ONLY));
    }
    if (FILES_COMMAND.test(text.trim())) return void (await send(ctx, await shelf.replies(ownerOf(ctx))));
    await converse(ctx, { text });
  });

  return bot;
}
