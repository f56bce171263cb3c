/**
 * The Feishu/Lark side of {@link AdminPort}: the progress message of a
 * broadcast is a text message edited with `im.message.update`, the report
 * .csv an uploaded file. Lark allows 20 edits of one message, so
 * intermediate progress is shown at most every few seconds and the last edit
 * is kept for the final count.
 */
import type { AdminPort } from "../../broadcast/admin/port.js";
import type { LarkApi } from "./client.js";

/** Edits of one message Lark allows. */
const EDIT_LIMIT = 20;

/**
 * An AdminPort over the channel's open-api client.
 * @param minEditMs least time between two intermediate edits of one message (default 3 s)
 */
export function larkAdminPort(api: LarkApi, minEditMs = 3000): AdminPort {
  const edits = new Map<string, { count: number; at: number }>();
  return {
    channel: "lark",
    sendText: (chatId, text) => api.sendMessage(chatId, "text", { text }),
    async editText(_chatId, messageId, text) {
      const e = edits.get(messageId) ?? { count: 0, at: 0 };
      const final = text.includes("（完成）");
      // One edit is kept for the final count; intermediate ones are spaced out.
      if (e.count >= EDIT_LIMIT || (!final && (e.count >= EDIT_LIMIT - 1 || Date.now() - e.at < minEditMs))) return;
      edits.set(messageId, { count: e.count + 1, at: Date.now() });
      await api.updateMessage(messageId, "text", { text });
    },
    async sendFile(chatId, fileName, data) {
      const key = await api.uploadFile(fileName, data, "stream");
      await api.sendMessage(chatId, "file", { file_key: key });
    },
  };
}
