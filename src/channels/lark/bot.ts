/**
 * Lark/Feishu channel logic: a received message or a pressed card button in,
 * the conversation core's replies out as Lark messages. No Q&A or interview
 * logic lives here (issue #4); the receive mode (long connection or webhook)
 * lives in runtime.ts and webhook.ts and calls the same two handlers.
 *
 * - p2p text → `conversation.handle({ text })`; in groups only messages that
 *   @mention the bot, and personal-data interviews are offered in a private
 *   chat instead; other message types get a short note that only text is understood;
 * - slash commands as on Telegram: /start /help /ask /check /apply /files /cancel /privacy /forget;
 * - replies: text messages, choices as a card with one button per choice
 *   (values stay in the session entry), documents uploaded and sent as a file message;
 *   the session entry is saved before the replies go out;
 * - exactly once: every event id and every card press is claimed in the store
 *   (`setIfAbsent`) before anything is done, so a re-delivery is a no-op even
 *   across instances sharing the store; sends carry a uuid derived from it;
 * - a card press is answered at once (toast + the card without its buttons)
 *   and the conversation step runs afterwards, in the chat's queue.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { type Conversation, type Input, NEW_SESSION, parseSession, type Session } from "../../core/conversation.js";
import { DocumentShelf, FILES_COMMAND } from "../../core/shelf.js";
import { FORGOTTEN, HELP, NOTHING_TO_FORGET, PRIVATE_ONLY, privacyText, STALE_BUTTON, TEXT_ONLY } from "../../core/texts.js";
import { isInterviewTrigger } from "../../dialog/router.js";
import type { Reply, ReplyChoice } from "../../dialog/types.js";
import type { Store } from "../../storage/store.js";
import type { LarkAdmin } from "./admin.js";
import { NOTICE_SET } from "./admin.js";
import { answeredCard, buttonValueOf, type Card, choicesCard } from "./cards.js";
import { type LarkApi, LarkApiError } from "./client.js";
import { cardPressOf, type LarkMessage, messageOf } from "./events.js";
import { ChatQueue } from "./queue.js";

/** The choices last offered in a chat, kept server-side. */
interface StoredChoices {
  /** Set id, sent with every button. */
  id: string;
  /** The question, to redraw the card once answered. */
  text: string;
  items: ReplyChoice[];
}

/** What the Lark channel keeps per chat and user. */
interface Stored {
  session: Session;
  choices: StoredChoices | null;
}

/** Options of {@link LarkBot}. */
export interface LarkBotOptions {
  api: LarkApi;
  /** The bot's open_id (bot/v3/info), to recognise @mentions. */
  botOpenId: string;
  conversation: Conversation;
  store: Store;
  log: Logger;
  /** Seconds a chat's session is kept after its last message (SESSION_TTL_DAYS; default 30 days). */
  sessionTtlSeconds?: number;
  /** Seconds generated documents are kept for /files (DOCUMENT_TTL_HOURS; default 24 hours). */
  documentTtlSeconds?: number;
  /** Broadcast commands (/subscribe, /notice …); absent: the bot only answers questions. */
  admin?: LarkAdmin;
}

/** What a card callback is answered with (`card.action.trigger` response, or a legacy card). */
export type CardAnswer = { toast?: { type: "success" | "info" | "error"; content: string }; card?: { type: "raw"; data: Card } } | Card;

/** Re-exported for tests and callers that knew them here. */
export { HELP, PRIVATE_ONLY, STALE_BUTTON, TEXT_ONLY } from "../../core/texts.js";

const CLAIM_TTL = 86_400;
const sessionKey = (chatId: string, openId: string) => `lark:${chatId}:${openId}:session`;
const userPrefix = (chatId: string, openId: string) => `lark:${chatId}:${openId}:`;
/** A fresh id for a set of offered choices. */
const newSetId = () => randomBytes(4).toString("hex");
/** A Lark message uuid (≤ 50 chars) for the n-th reply to one claimed input. */
const uuidOf = (claim: string, n: number) => createHash("sha256").update(`${claim}#${n}`).digest("hex").slice(0, 32);

/** The channel's two handlers and its background queue. */
export class LarkBot {
  /** The conversation steps in progress, one chat after the other. */
  readonly queue: ChatQueue;
  private readonly ttl: number;
  private readonly shelf: DocumentShelf;
  private readonly privacy: string;

  constructor(private readonly o: LarkBotOptions) {
    this.ttl = o.sessionTtlSeconds ?? 30 * 86_400;
    const documentTtl = o.documentTtlSeconds ?? 24 * 3600;
    this.shelf = new DocumentShelf(o.store, documentTtl);
    this.privacy = privacyText(Math.round(this.ttl / 86_400), Math.round(documentTtl / 3600));
    this.queue = new ChatQueue((error) =>
      o.log.error(
        {
          channel: "lark",
          error: error instanceof Error ? error.name : "error",
          ...(error instanceof LarkApiError ? { path: error.path, code: error.code, http: error.httpStatus } : {}),
        },
        "update failed",
      ),
    );
  }

  /**
   * Handle `im.message.receive_v1` (webhook and long connection alike): claim
   * the event, queue the conversation step, return at once.
   * @param data the event as the SDK's EventDispatcher passes it
   */
  async onMessage(data: unknown): Promise<void> {
    const m = messageOf(data, this.o.botOpenId);
    if (!m?.fromUser) return;
    if (m.chatType !== "p2p" && !m.mentionsBot) return;
    const claim = `lark:event:${m.eventId}`;
    if (!(await this.o.store.setIfAbsent(claim, 1, { ttlSeconds: CLAIM_TTL }))) {
      this.o.log.info({ channel: "lark", event: m.eventId }, "duplicate event ignored");
      return;
    }
    this.o.log.info({ channel: "lark", event: m.eventId, chatType: m.chatType, messageType: m.messageType }, "message");
    void this.queue.push(m.chatId, () => this.handleMessage(m, claim));
  }

  /**
   * Handle a card button press (`card.action.trigger` or a legacy card
   * callback): answer within Lark's 3 s with a toast and the answered card,
   * and queue the conversation step.
   * @param legacy the legacy callback format (answered with a bare card)
   * @returns the callback answer
   */
  async onCardPress(data: unknown, legacy: boolean): Promise<CardAnswer> {
    const press = cardPressOf(data);
    const value = press ? buttonValueOf(press.value) : null;
    if (!press || !value) return legacy ? {} : { toast: { type: "error", content: STALE_BUTTON } };
    const claim = `lark:card:${press.messageId}:${press.openId}:${value.s}`;
    if (!(await this.o.store.setIfAbsent(claim, 1, { ttlSeconds: CLAIM_TTL }))) {
      this.o.log.info({ channel: "lark", message: press.messageId }, "duplicate card press ignored");
      return legacy ? {} : { toast: { type: "info", content: "已收到" } };
    }
    this.o.log.info({ channel: "lark", message: press.messageId }, "card press");
    // The label for the answer; the step itself checks the set again, in order with the chat's other messages.
    const choices = (await this.load(press.chatId, press.openId)).choices;
    const chosen = choices?.id === value.s ? choices.items[value.i] : undefined;
    void this.queue.push(press.chatId, () => this.handlePress(press.chatId, press.openId, value, claim));
    if (!choices || !chosen) return legacy ? {} : { toast: { type: "info", content: "已收到" } };
    const card = answeredCard(choices.text, chosen.label);
    return legacy ? card : { toast: { type: "success", content: `已选择：${chosen.label}` }, card: { type: "raw", data: card } };
  }

  /**
   * Handle `im.chat.member.bot.deleted_v1` (the bot removed from a group) or
   * `im.chat.disbanded_v1` (the group dissolved): the group's subscription ends.
   */
  async onChatGone(data: unknown, reason: string): Promise<void> {
    if (await this.o.admin?.chatGone(data, reason)) this.o.log.info({ channel: "lark", reason }, "subscription ended");
  }

  private async handleMessage(m: LarkMessage, claim: string): Promise<void> {
    const group = m.chatType !== "p2p";
    const say = (text: string) => this.send(m.chatId, [{ type: "text", text }], claim);
    if (m.text === null) return void (await say(TEXT_ONLY));
    const command = /^\/([a-z]+)(?:@\S+)?(?:\s+([\s\S]*))?$/i.exec(m.text);
    const admin = this.o.admin;
    if (admin) {
      const name = (command?.[1] ?? "").toLowerCase();
      const replies = command ? await admin.command(m, name === "cancel" ? "" : name, command[2] ?? "") : await admin.text(m, m.text);
      const cancelled = name === "cancel" ? await admin.text(m, "取消") : null;
      const out = replies ?? cancelled;
      if (out) return admin.render(m.chatId, out, (n) => uuidOf(claim, n));
    }
    if (command) {
      const name = (command[1] ?? "").toLowerCase();
      const rest = (command[2] ?? "").trim();
      switch (name) {
        case "start":
        case "help":
          return void (await say(HELP));
        case "privacy":
          return void (await say(this.privacy));
        case "forget": {
          const removed = await this.o.store.deletePrefix(userPrefix(m.chatId, m.openId));
          return void (await say(removed > 0 ? FORGOTTEN : NOTHING_TO_FORGET));
        }
        case "files":
          return this.send(m.chatId, await this.shelf.replies(userPrefix(m.chatId, m.openId)), claim);
        case "cancel":
          return this.converse(m.chatId, m.openId, { text: "取消" }, claim);
        case "check":
        case "apply":
          if (group) return void (await say(PRIVATE_ONLY));
          return this.converse(m.chatId, m.openId, { text: name === "check" ? "资格自测" : "申报表" }, claim);
        case "ask":
          return this.converse(m.chatId, m.openId, { text: rest || "帮助" }, claim);
      }
    }
    if (m.text === "") return void (await say(HELP));
    if (group && isInterviewTrigger(m.text)) return void (await say(PRIVATE_ONLY));
    if (FILES_COMMAND.test(m.text)) return this.send(m.chatId, await this.shelf.replies(userPrefix(m.chatId, m.openId)), claim);
    await this.converse(m.chatId, m.openId, { text: m.text }, claim);
  }

  private async handlePress(chatId: string, openId: string, value: { i: number; s: string }, claim: string): Promise<void> {
    if (this.o.admin && value.s.startsWith(NOTICE_SET)) {
      const replies = await this.o.admin.press({ chatId, openId, chatType: "p2p" }, value.i);
      return this.o.admin.render(chatId, replies, (n) => uuidOf(claim, n));
    }
    const { choices } = await this.load(chatId, openId);
    const chosen = choices?.id === value.s ? choices.items[value.i] : undefined;
    if (!chosen) return void (await this.send(chatId, [{ type: "text", text: STALE_BUTTON }], claim));
    await this.converse(chatId, openId, { choice: chosen.value }, claim);
  }

  private async converse(chatId: string, openId: string, input: Input, claim: string): Promise<void> {
    const stored = await this.load(chatId, openId);
    const handled = await this.o.conversation.handle(stored.session, input);
    // Offered choices replace the stored ones; any other answer retires them (an older card's buttons go stale).
    const last = [...handled.replies].reverse().find((r) => r.type === "choices");
    const choices = last?.type === "choices" ? { id: newSetId(), text: last.text, items: last.choices } : null;
    // Saved before the replies go out: a press of the new card, or the next answer, always finds the new state
    // (and a crash between the two never applies the next answer to the previous question).
    await this.o.store.set(sessionKey(chatId, openId), { session: handled.session, choices } satisfies Stored, { ttlSeconds: this.ttl });
    await this.shelf.keepAll(userPrefix(chatId, openId), handled.replies);
    await this.send(chatId, handled.replies, claim, choices);
  }

  private async load(chatId: string, openId: string): Promise<Stored> {
    const raw = (await this.o.store.get(sessionKey(chatId, openId))) as Partial<Stored> | undefined;
    return { session: raw?.session ? parseSession(raw.session) : NEW_SESSION, choices: raw?.choices ?? null };
  }

  /**
   * Send replies in order.
   * @param offered the stored set of the last choice reply (an earlier one in the same turn gets a set id that is never stored)
   */
  private async send(chatId: string, replies: Reply[], claim: string, offered: StoredChoices | null = null): Promise<void> {
    let n = 0;
    for (const r of replies) {
      const uuid = uuidOf(claim, n++);
      if (r.type === "text") await this.o.api.sendMessage(chatId, "text", { text: r.text }, uuid);
      else if (r.type === "choices") {
        const setId = offered && offered.items === r.choices ? offered.id : newSetId();
        await this.o.api.sendMessage(chatId, "interactive", choicesCard(r.text, r.choices, setId), uuid);
      } else {
        const fileType = /\.docx?$/i.test(r.fileName) ? "doc" : "stream";
        const fileKey = await this.o.api.uploadFile(r.fileName, r.data, fileType);
        await this.o.api.sendMessage(chatId, "file", { file_key: fileKey }, uuid);
      }
    }
  }
}
