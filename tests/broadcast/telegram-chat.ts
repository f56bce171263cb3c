/**
 * Driving a Telegram bot through chat updates against the fake Bot API, as
 * chat-telegram.test.ts does: messages and commands from a user in a chat,
 * button presses, what the bot sent to a chat, the buttons it offered.
 */
import type { Update } from "grammy/types";
import { type Call, type FakeTelegram, uploadOf } from "../channels/fake-telegram.js";

/** A chat as updates carry it. */
export type Chat = { id: number; type: string; title?: string };
/** The private chat with a user. */
export const dm = (id: number): Chat => ({ id, type: "private" });
/** A supergroup. */
export const group = (id: number, title: string): Chat => ({ id, type: "supergroup", title });

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

/** Updates for one bot, and what the fake saw it send. */
export class TelegramChat {
  private nextUpdate = 1;

  constructor(
    private readonly fake: FakeTelegram,
    private readonly bot: { handleUpdate(u: Update): Promise<void> },
  ) {}

  /** A message (a command when it starts with `/`) from `from` in `chat`. */
  text(t: string, chat: Chat, from: number): Update {
    return {
      update_id: this.nextUpdate++,
      message: {
        message_id: this.nextUpdate,
        date: 0,
        chat: chat as never,
        from: { id: from, is_bot: false, first_name: "用户" },
        text: t,
        entities: t.startsWith("/") ? [{ type: "bot_command", offset: 0, length: (t.split(/\s/)[0] ?? t).length }] : undefined,
      },
    } as Update;
  }

  /** A press of an inline button in a private chat. */
  press(data: string, chatId: number): Update {
    return {
      update_id: this.nextUpdate++,
      callback_query: {
        id: `cb${this.nextUpdate}`,
        chat_instance: "x",
        data,
        from: { id: chatId, is_bot: false, first_name: "用户" },
        message: { message_id: 1, date: 0, chat: { id: chatId, type: "private" } as never, text: "…" },
      },
    } as Update;
  }

  /** The bot's calls of `method` to a chat. */
  to(chatId: number, method = "sendMessage"): Call[] {
    return this.fake.of(method).filter((c) => Number(c.json?.chat_id ?? (c.json ? undefined : uploadOf(c).fields.chat_id)) === chatId);
  }

  /** Texts the bot sent to a chat. */
  texts(chatId: number): string[] {
    return this.to(chatId).map((c) => String(c.json?.text ?? ""));
  }

  /** Send a message and return the texts the bot sent to the chat meanwhile. */
  async say(t: string, chat: Chat, from = chat.id): Promise<string> {
    const before = this.to(chat.id).length;
    await this.bot.handleUpdate(this.text(t, chat, from));
    return this.texts(chat.id).slice(before).join("\n");
  }

  /** Press the button labelled `label` of the last message to a private chat. */
  async pressButton(chatId: number, label: string): Promise<void> {
    const k = this.to(chatId).at(-1)?.json?.reply_markup as Keyboard | undefined;
    const b = k?.inline_keyboard.find((row) => row[0]?.text === label)?.[0];
    if (!b) throw new Error(`no button ${label} in: ${this.texts(chatId).at(-1)}`);
    await this.bot.handleUpdate(this.press(b.callback_data, chatId));
  }
}
