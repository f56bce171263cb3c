/**
 * The Telegram side of {@link AdminPort}: the progress message of a broadcast
 * is a plain text edited with editMessageText, the report .csv a document.
 */
import { type Api, InputFile } from "grammy";
import type { AdminPort } from "../../broadcast/admin/port.js";

/** An AdminPort over a bot's Api. */
export function telegramAdminPort(api: Api): AdminPort {
  return {
    channel: "telegram",
    async sendText(chatId, text) {
      return String((await api.sendMessage(chatId, text)).message_id);
    },
    async editText(chatId, messageId, text) {
      await api.editMessageText(chatId, Number(messageId), text);
    },
    async sendFile(chatId, fileName, data) {
      await api.sendDocument(chatId, new InputFile(Buffer.from(data), fileName));
    },
  };
}
