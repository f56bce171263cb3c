/**
 * The chat side of broadcasts, channel-agnostic: group commands (/subscribe
 * [topics], /unsubscribe, /subscriptions), admin commands (/admins, /grant,
 * /revoke, /audit), the /notice interview in a private chat, and the
 * platforms' "bot removed / chat gone" signals. Channels translate their
 * updates into {@link AdminChat} calls and render the {@link AdminReply}s;
 * every admin action is written to the audit log.
 *
 * ```ts
 * const replies = await broadcast.command(chat, "subscribe", "郑州 教育");
 * ```
 */
import type { DialogInput, ReplyChoice } from "../../dialog/types.js";
import type { KnowledgeBase } from "../../kb/load.js";
import type { Store } from "../../storage/store.js";
import type { BroadcastBackend } from "../backend.js";
import type { Channel, Notice } from "../notice.js";
import { noticeFileName, renderNoticeDocx } from "../notice-docx.js";
import type { AuditStore, RoleStore, SubscriptionStore } from "../stores.js";
import { chatKey, type Subscription } from "../subscriptions.js";
import { matches } from "../topics.js";
import { CONFIRM, type NoticeReply, type NoticeState, parseNoticeState, startNotice, stepNotice } from "./notice-flow.js";
import type { AdminPort } from "./port.js";
import { roleCommand } from "./role-commands.js";
import type { ChatRunner } from "./runner.js";
import { parseTopics, topicsText } from "./topic-parse.js";

/** Who says something where. */
export interface AdminChat {
  channel: Channel;
  chatId: string;
  /** The sender's id on the platform (Telegram user id, Lark open_id). */
  userId: string;
  /** A group chat (not the private chat with the bot). */
  group: boolean;
  /** The group's title (subscriptions list it). */
  chatTitle: string;
  /** Whether the sender owns or manages the group (asked of the platform only when needed). */
  isGroupAdmin: () => Promise<boolean>;
}

/** What the chat shows: texts, buttons, the group message as groups see it, files. */
export type AdminReply =
  | { type: "text"; text: string }
  | { type: "choices"; text: string; choices: ReplyChoice[] }
  | { type: "preview"; notice: Notice }
  | { type: "document"; fileName: string; data: Uint8Array };

/** Options of {@link ChatBroadcast}. */
export interface ChatBroadcastOptions {
  /** Subscriptions, the audit log and where broadcasts start (SQLite or Redis, see backend.ts). */
  backend: Pick<BroadcastBackend, "subscriptions" | "audit" | "start">;
  /** Root admins (ADMIN_IDS) and the role table. */
  roles: RoleStore;
  runner: ChatRunner;
  kb: KnowledgeBase;
  /** Where /notice drafts are kept (plain JSON, like interview sessions). */
  store: Store;
  templatesDir: string;
  /** Channels the environment configures (a notice whose audience needs another is refused). */
  channels: readonly Channel[];
  /** Seconds a /notice draft is kept after its last answer (default 7 days). */
  draftTtlSeconds?: number;
  /** Clock in milliseconds. */
  now?: () => number;
}

/** The commands {@link ChatBroadcast.command} handles. */
export const ADMIN_COMMANDS = ["subscribe", "unsubscribe", "subscriptions", "notice", "admins", "grant", "revoke", "audit"] as const;

const say = (text: string): AdminReply[] => [{ type: "text", text }];
/** Whether an active subscription is in a notice's audience (as `SubscriptionStore.audience`). */
const inAudience = (s: Subscription, n: Notice): boolean =>
  (!n.channels || n.channels.includes(s.channel)) && matches(s.topics, n.effectiveAudience);
const NOT_GROUP_ADMIN = "只有群主或群管理员可以订阅或退订本群的通知。";

import { NOT_ADMIN } from "./role-commands.js";

const PRIVATE_ONLY = "请私聊我使用这个命令。";
const GROUP_ONLY = "请在要订阅的群里发送这个命令。";

/** The chat side of broadcasts. */
export class ChatBroadcast {
  constructor(private readonly o: ChatBroadcastOptions) {}

  private get registry(): SubscriptionStore {
    return this.o.backend.subscriptions;
  }
  private get audit(): AuditStore {
    return this.o.backend.audit;
  }
  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** A channel's way to reach admins (progress and reports of broadcasts started in its chats). */
  addPort(port: AdminPort): void {
    this.o.runner.addPort(port);
  }

  /** The principal of a chat's sender (`telegram:123`, `lark:ou_…`). */
  static principal(chat: Pick<AdminChat, "channel" | "userId">): string {
    return `${chat.channel}:${chat.userId}`;
  }

  private draftKey(chat: AdminChat): string {
    return `broadcast:notice:${chat.channel}:${chat.userId}`;
  }

  /**
   * Handle one of {@link ADMIN_COMMANDS}.
   * @param args the text after the command
   * @returns the replies, or null when `name` is not an admin command
   */
  async command(chat: AdminChat, name: string, args: string): Promise<AdminReply[] | null> {
    const by = ChatBroadcast.principal(chat);
    switch (name) {
      case "subscribe":
      case "unsubscribe": {
        if (!chat.group) return say(GROUP_ONLY);
        if (!(await chat.isGroupAdmin())) return say(NOT_GROUP_ADMIN);
        return name === "subscribe" ? this.subscribe(chat, by, args) : this.unsubscribe(chat, by);
      }
      case "subscriptions":
        return this.subscriptions(chat, by);
      case "notice":
        if (chat.group) return say("请私聊我发送 /notice 撰写通知（不在群里撰写）。");
        if (!(await this.o.roles.can(by, "broadcast"))) return say(NOT_ADMIN);
        return this.startDraft(chat, by);
      case "admins":
      case "grant":
      case "revoke":
      case "audit":
        if (chat.group) return say(PRIVATE_ONLY);
        return say(await roleCommand(this.o.roles, this.audit, name, by, args.trim()));
      default:
        return null;
    }
  }

  private async subscribe(chat: AdminChat, by: string, args: string): Promise<AdminReply[]> {
    const { topics, unknown } = parseTopics(args, this.o.kb);
    await this.registry.add({ channel: chat.channel, chatId: chat.chatId, title: chat.chatTitle, topics, by });
    await this.audit.append({
      actor: by,
      action: "subscription.add",
      target: chatKey(chat.channel, chat.chatId),
      count: 1,
      detail: { topics },
    });
    const note =
      unknown.length > 0 ? `\n未识别：${unknown.join("、")}（可用项目名称、地区如 郑州/平顶山/玉溪/武清、领域如 教育/卫生）` : "";
    return say(`已订阅政策通知。本群将收到：${topicsText(topics, this.o.kb)}${note}\n发送 /subscriptions 查看，/unsubscribe 退订。`);
  }

  private async unsubscribe(chat: AdminChat, by: string): Promise<AdminReply[]> {
    const ended = await this.registry.end(chat.channel, chat.chatId, "unsubscribed", by);
    if (!ended) return say("本群没有订阅通知。");
    await this.audit.append({
      actor: by,
      action: "subscription.end",
      target: chatKey(chat.channel, chat.chatId),
      count: 1,
      detail: { reason: "unsubscribed" },
    });
    return say("已退订，本群不再收到群发通知。");
  }

  private async subscriptions(chat: AdminChat, by: string): Promise<AdminReply[]> {
    if (chat.group) {
      const s = await this.registry.get(chat.channel, chat.chatId);
      if (!s || s.ended) return say("本群没有订阅通知。群管理员可发送 /subscribe [项目/地区/领域] 订阅。");
      return say(`本群已订阅：${topicsText(s.topics, this.o.kb)}（${s.by}，${new Date(s.at).toISOString().slice(0, 10)}）`);
    }
    if (!(await this.o.roles.can(by, "broadcast"))) return say(NOT_ADMIN);
    const list = await this.registry.list();
    if (list.length === 0) return say("还没有群订阅通知。");
    return say(
      [
        `订阅的群（${list.length}）：`,
        ...list.map((s) => `· ${s.channel} ${s.title}（${s.chatId}）：${topicsText(s.topics, this.o.kb)}`),
      ].join("\n"),
    );
  }

  /** The bot was removed from a group, or the group is gone: its subscription ends (audited). @returns whether one ended */
  async chatGone(channel: Channel, chatId: string, reason: string): Promise<boolean> {
    if (!(await this.registry.end(channel, chatId, reason))) return false;
    await this.audit.append({
      actor: "system",
      action: "subscription.end",
      target: chatKey(channel, chatId),
      count: 1,
      detail: { reason },
    });
    return true;
  }

  /** Whether a /notice draft is open in this private chat (its messages go to the interview). */
  async drafting(chat: AdminChat): Promise<boolean> {
    return !chat.group && parseNoticeState(await this.o.store.get(this.draftKey(chat))) !== null;
  }

  private async startDraft(chat: AdminChat, by: string): Promise<AdminReply[]> {
    const step = startNotice(by, this.now());
    await this.save(chat, step.state);
    return this.render(step.replies);
  }

  /**
   * An answer in an open /notice draft: typed text, or a pressed button (its index among those offered).
   * @returns the replies, or null when no draft is open (the message is for the assistant)
   */
  async answer(chat: AdminChat, input: DialogInput | { index: number }): Promise<AdminReply[] | null> {
    if (chat.group) return null;
    const state = parseNoticeState(await this.o.store.get(this.draftKey(chat)));
    if (!state) return null;
    const by = ChatBroadcast.principal(chat);
    if (!(await this.o.roles.can(by, "broadcast"))) {
      await this.save(chat, null);
      return say(NOT_ADMIN);
    }
    const text = "index" in input ? state.offered[input.index] : "text" in input ? input.text : input.choice;
    if (text === undefined) return say("这个按钮已失效，请按最新的提示回答。");
    // The active subscriptions, read once: the preview's audience size and the checks before sending.
    const active = await this.registry.list();
    const audienceOf = (n: Notice) => active.filter((s) => inAudience(s, n));
    const step = stepNotice(state, text, { kb: this.o.kb, now: this.now(), audienceSize: (n) => audienceOf(n).length });
    if (!step.action) {
      await this.save(chat, step.state);
      return this.render(step.replies);
    }
    const audience = audienceOf(step.action.notice);
    const refused = this.unconfigured(audience);
    // Back at the confirmation (its buttons work again), to change the audience or cancel.
    const confirming: NoticeState = { ...state, step: "confirm", offered: CONFIRM.map((c) => c.value) };
    if (refused) {
      await this.save(chat, confirming);
      return say(refused);
    }
    if (audience.length === 0) {
      await this.save(chat, confirming);
      return say("没有匹配的订阅群，未发送。可发送“修改”调整受众，或“取消”。");
    }
    await this.save(chat, null);
    const { record } = await this.o.backend.start(step.action.notice, by);
    await this.o.runner.origins.add(record.noticeId, chat.channel, chat.chatId);
    if (step.action.kind === "schedule") {
      this.o.runner.tick();
      return say(
        `已定时：将于 ${step.action.notice.scheduledAt?.replace("T", " ").slice(0, 16)}（北京时间）发送到 ${record.total} 个群。发送时这里会显示进度和报告。`,
      );
    }
    void this.o.runner.run(record.noticeId, by);
    return say(`开始群发到 ${record.total} 个群，进度见下条消息。`);
  }

  private unconfigured(audience: Subscription[]): string | null {
    const missing = [...new Set(audience.map((s) => s.channel))].filter((c) => !this.o.channels.includes(c));
    return missing.length > 0 ? `有 ${missing.join("、")} 群订阅，但该通道未配置，无法发送。` : null;
  }

  private async save(chat: AdminChat, state: NoticeState | null): Promise<void> {
    if (state) await this.o.store.set(this.draftKey(chat), state, { ttlSeconds: this.o.draftTtlSeconds ?? 7 * 86_400 });
    else await this.o.store.delete(this.draftKey(chat));
  }

  private async render(replies: NoticeReply[]): Promise<AdminReply[]> {
    const out: AdminReply[] = [];
    for (const r of replies) {
      if (r.type !== "docx") out.push(r);
      else out.push({ type: "document", fileName: noticeFileName(r.notice), data: await renderNoticeDocx(r.notice, this.o.templatesDir) });
    }
    return out;
  }
}
