/**
 * What the channel-agnostic admin side needs from a chat channel to report a
 * broadcast's progress to the admin who started it, also when no message of
 * theirs is being handled (a scheduled notice, a broadcast resumed after a
 * restart): send a text and edit it later, send a file. Implemented in
 * src/channels/telegram/admin-port.ts and src/channels/lark/admin-port.ts.
 */
import type { Channel } from "../notice.js";

/** A channel's way to reach an admin's private chat. */
export interface AdminPort {
  readonly channel: Channel;
  /** Send a plain text. @returns the message id (to edit it) */
  sendText(chatId: string, text: string): Promise<string>;
  /** Replace the text of a message sent with {@link sendText}. */
  editText(chatId: string, messageId: string, text: string): Promise<void>;
  /** Send a file (the report .csv). */
  sendFile(chatId: string, fileName: string, data: Uint8Array): Promise<void>;
}
