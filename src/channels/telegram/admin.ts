/**
 * Broadcast commands on Telegram, over the channel-agnostic
 * {@link ChatBroadcast}: /subscribe [topics], /unsubscribe, /subscriptions in
 * groups (a group admin is `creator` or `administrator` by getChatMember, or
 * an anonymous admin posting as the group); /notice, /admins, /grant,
 * /revoke, /audit in the private chat; the /notice interview's answers and
 * buttons (`n:<index>`); and `my_chat_member` updates: the bot left or kicked
 * → the group's subscription ends.
 */
import { Composer, type Context, InlineKeyboard, InputFile } from "grammy";
import { ADMIN_COMMANDS, type AdminChat, type AdminReply, type ChatBroadcast } from "../../broadcast/admin/service.js";
import { telegramMessage } from "../../broadcast/message.js";

/** The admin side of a chat's update. */
function chatOf(ctx: Context): AdminChat {
  const chat = ctx.chat;
  const from = ctx.from;
  return {
    channel: "telegram",
    chatId: String(chat?.id ?? 0),
    userId: String(from?.id ?? 0),
    group: chat?.type !== "private",
    chatTitle: chat && "title" in chat ? (chat.title ?? "") : "",
    isGroupAdmin: async () => {
      if (!chat || !from) return false;
      if (ctx.msg?.sender_chat?.id === chat.id) return true; // an anonymous admin posts as the group
      const member = await ctx.getChatMember(from.id);
      return member.status === "creator" || member.status === "administrator";
    },
  };
}

/** Send the admin replies in order. */
async function render(ctx: Context, replies: AdminReply[]): Promise<void> {
  for (const r of replies) {
    if (r.type === "text") await ctx.reply(r.text);
    else if (r.type === "choices") {
      const keyboard = new InlineKeyboard();
      r.choices.forEach((c, i) => {
        if (i > 0) keyboard.row();
        keyboard.text(c.label.slice(0, 60), `n:${i}`);
      });
      await ctx.reply(r.text, { reply_markup: keyboard });
    } else if (r.type === "preview") {
      // Exactly the message the groups get (same builder, same options).
      const { text, ...other } = telegramMessage(r.notice, ctx.me.username);
      await ctx.api.sendMessage(ctx.chat?.id ?? 0, text, other);
    } else await ctx.replyWithDocument(new InputFile(Buffer.from(r.data), r.fileName));
  }
}

/** The middleware of the broadcast commands (install before the assistant's own handlers). */
export function adminComposer(broadcast: ChatBroadcast): Composer<Context> {
  const composer = new Composer<Context>();
  for (const name of ADMIN_COMMANDS) {
    composer.command(name, async (ctx) => {
      const replies = await broadcast.command(chatOf(ctx), name, ctx.match);
      if (replies) await render(ctx, replies);
    });
  }
  composer.command("cancel", async (ctx, next) => {
    const replies = await broadcast.answer(chatOf(ctx), { text: "取消" });
    return replies ? render(ctx, replies) : next();
  });
  composer.on("message:text", async (ctx, next) => {
    if (ctx.chat.type !== "private" || ctx.message.text.startsWith("/")) return next();
    const replies = await broadcast.answer(chatOf(ctx), { text: ctx.message.text });
    return replies ? render(ctx, replies) : next();
  });
  composer.callbackQuery(/^n:(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const replies = await broadcast.answer(chatOf(ctx), { index: Number(ctx.match[1]) });
    await render(ctx, replies ?? [{ type: "text", text: "这个按钮已失效。发送 /notice 重新开始撰写通知。" }]);
  });
  composer.on("my_chat_member", async (ctx) => {
    const { new_chat_member: now, chat } = ctx.myChatMember;
    if (chat.type === "private") return;
    if (now.status === "left" || now.status === "kicked")
      await broadcast.chatGone(
        "telegram",
        String(chat.id),
        now.status === "kicked" ? "机器人被移出群 / bot removed (kicked)" : "机器人已离开群 / bot left",
      );
  });
  return composer;
}
