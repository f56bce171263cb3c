/**
 * Broadcast commands on Feishu/Lark, over the channel-agnostic
 * {@link ChatBroadcast}: /subscribe [topics], /unsubscribe, /subscriptions in
 * groups (a group admin is the chat's owner or one of its managers, by
 * `im.chat.get`); /notice, /admins, /grant, /revoke, /audit in the private
 * chat; the /notice interview's answers and card buttons (set id `notice-…`);
 * and the events that end a subscription: `im.chat.member.bot.deleted_v1`
 * (the bot removed) and `im.chat.disbanded_v1` (the group dissolved).
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { ADMIN_COMMANDS, type AdminChat, type AdminReply, type ChatBroadcast } from "../../broadcast/admin/service.js";
import { larkPost } from "../../broadcast/message.js";
import { choicesCard } from "./cards.js";
import type { LarkApi } from "./client.js";

/** Set ids of notice cards start with this (the assistant's own cards use random hex). */
export const NOTICE_SET = "notice-";

/** Who said it where (from a received message or a card press). */
export interface LarkWho {
  chatId: string;
  openId: string;
  /** `p2p` or a group type. */
  chatType: string;
}

const ChatEvent = z.object({ chat_id: z.string(), event_id: z.string().optional() });

/** The broadcast side of the Lark bot. */
export class LarkAdmin {
  /**
   * @param botLink the AppLink of the bot chat (notice previews link it, as the groups' messages do)
   */
  constructor(
    private readonly broadcast: ChatBroadcast,
    private readonly api: LarkApi,
    private readonly botLink: string,
  ) {}

  private chatOf(w: LarkWho): AdminChat {
    let info: Promise<{ name: string; ownerId: string; managerIds: string[] }> | null = null;
    const load = () => {
      info ??= this.api.chatInfo(w.chatId);
      return info;
    };
    const chat: AdminChat = {
      channel: "lark",
      chatId: w.chatId,
      userId: w.openId,
      group: w.chatType !== "p2p",
      chatTitle: "",
      isGroupAdmin: async () => {
        const i = await load();
        chat.chatTitle = i.name;
        return i.ownerId === w.openId || i.managerIds.includes(w.openId);
      },
    };
    return chat;
  }

  /** One of the admin commands, or null when `name` is not one. */
  command(w: LarkWho, name: string, args: string): Promise<AdminReply[] | null> {
    if (!(ADMIN_COMMANDS as readonly string[]).includes(name)) return Promise.resolve(null);
    return this.broadcast.command(this.chatOf(w), name, args);
  }

  /** A message in an open /notice draft (null: none open, the message is for the assistant). */
  text(w: LarkWho, text: string): Promise<AdminReply[] | null> {
    return this.broadcast.answer(this.chatOf(w), { text });
  }

  /** A notice card's button. */
  async press(w: LarkWho, index: number): Promise<AdminReply[]> {
    return (
      (await this.broadcast.answer(this.chatOf(w), { index })) ?? [
        { type: "text", text: "这个按钮已失效。发送 /notice 重新开始撰写通知。" },
      ]
    );
  }

  /**
   * `im.chat.member.bot.deleted_v1` / `im.chat.disbanded_v1`: the group's subscription ends.
   * @returns whether a subscription ended
   */
  async chatGone(data: unknown, reason: string): Promise<boolean> {
    const e = ChatEvent.safeParse(data);
    return e.success ? this.broadcast.chatGone("lark", e.data.chat_id, reason) : false;
  }

  /**
   * The replies as Lark messages: texts, a card per question (notice set id),
   * the notice as the groups get it (a post), files.
   * @param uuid the idempotency key of the n-th message
   */
  async render(chatId: string, replies: AdminReply[], uuid: (n: number) => string): Promise<void> {
    let n = 0;
    for (const r of replies) {
      const id = uuid(n++);
      if (r.type === "text") await this.api.sendMessage(chatId, "text", { text: r.text }, id);
      else if (r.type === "choices") {
        const set = `${NOTICE_SET}${randomBytes(4).toString("hex")}`;
        await this.api.sendMessage(chatId, "interactive", choicesCard(r.text, r.choices, set), id);
      } else if (r.type === "preview") await this.api.sendMessage(chatId, "post", larkPost(r.notice, this.botLink), id);
      else {
        const key = await this.api.uploadFile(r.fileName, r.data, /\.docx?$/i.test(r.fileName) ? "doc" : "stream");
        await this.api.sendMessage(chatId, "file", { file_key: key }, id);
      }
    }
  }
}
