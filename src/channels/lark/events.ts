/**
 * The two inputs of the channel, read from what the SDK's dispatchers pass to
 * their handlers (v2 events flattened: header and event fields side by side):
 *
 * - `im.message.receive_v1` (https://open.feishu.cn/document/server-docs/im-v1/message/events/receive);
 * - a card button press: `card.action.trigger`
 *   (https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-callback-communication)
 *   or the legacy card callback (`open_id`, `open_chat_id`, `open_message_id`, `action` at the top).
 *
 * Anything that does not parse is ignored rather than failing the request.
 */
import { z } from "zod";

const Mention = z.object({
  key: z.string(),
  id: z.object({ open_id: z.string().optional() }).partial().optional(),
  mentioned_type: z.string().optional(),
});

const MessageEvent = z.object({
  event_id: z.string().optional(),
  uuid: z.string().optional(),
  sender: z.object({ sender_id: z.object({ open_id: z.string() }), sender_type: z.string().optional() }),
  message: z.object({
    message_id: z.string(),
    chat_id: z.string(),
    chat_type: z.string(),
    message_type: z.string(),
    content: z.string(),
    mentions: z.array(Mention).optional(),
  }),
});

const TriggerEvent = z.object({
  event_id: z.string().optional(),
  operator: z.object({ open_id: z.string() }),
  action: z.object({ value: z.unknown() }),
  context: z.object({ open_message_id: z.string(), open_chat_id: z.string() }),
});

const LegacyCardEvent = z.object({
  open_id: z.string(),
  open_message_id: z.string(),
  open_chat_id: z.string(),
  token: z.string().optional(),
  action: z.object({ value: z.unknown() }),
});

/** A received chat message. */
export interface LarkMessage {
  /** The delivery's id (v2 `header.event_id`, v1 `uuid`): a re-delivery has the same. */
  eventId: string;
  messageId: string;
  chatId: string;
  /** `p2p` or a group type (`group`, `topic_group` …). */
  chatType: string;
  /** The sender's open_id. */
  openId: string;
  /** `text`, `post`, `image`, `file` … */
  messageType: string;
  /** The text of a text message, mention keys (`@_user_1`) removed; null for other types. */
  text: string | null;
  /** Whether the bot is among the message's @mentions. */
  mentionsBot: boolean;
  /** Sent by a user (not another bot or app). */
  fromUser: boolean;
}

/** A pressed card button. */
export interface CardPress {
  /** The callback's id when it has one (`card.action.trigger`). */
  eventId: string | null;
  openId: string;
  chatId: string;
  /** The card's message. */
  messageId: string;
  /** The button's `value`. */
  value: unknown;
}

/**
 * Read an `im.message.receive_v1` event.
 * @param botOpenId the bot's own open_id (from bot/v3/info)
 * @returns the message, or null when the data is not such an event
 */
export function messageOf(data: unknown, botOpenId: string): LarkMessage | null {
  const r = MessageEvent.safeParse(data);
  if (!r.success) return null;
  const { message, sender } = r.data;
  const eventId = r.data.event_id ?? r.data.uuid;
  if (!eventId) return null;
  const mentions = message.mentions ?? [];
  let text: string | null = null;
  if (message.message_type === "text") {
    const content = safeParse(message.content);
    const raw = typeof content === "object" && content !== null ? (content as { text?: unknown }).text : undefined;
    if (typeof raw === "string") {
      let t = raw;
      for (const m of mentions) t = t.replaceAll(m.key, " ");
      text = t.replaceAll("@_all", " ").replace(/\s+/g, " ").trim();
    } else text = "";
  }
  return {
    eventId,
    messageId: message.message_id,
    chatId: message.chat_id,
    chatType: message.chat_type,
    openId: sender.sender_id.open_id,
    messageType: message.message_type,
    text,
    mentionsBot: mentions.some((m) => m.id?.open_id === botOpenId),
    fromUser: (sender.sender_type ?? "user") === "user",
  };
}

/**
 * Read a card button press, in either callback format.
 * @returns the press, or null when the data is neither format
 */
export function cardPressOf(data: unknown): CardPress | null {
  const v2 = TriggerEvent.safeParse(data);
  if (v2.success) {
    const e = v2.data;
    return {
      eventId: e.event_id ?? null,
      openId: e.operator.open_id,
      chatId: e.context.open_chat_id,
      messageId: e.context.open_message_id,
      value: e.action.value,
    };
  }
  const legacy = LegacyCardEvent.safeParse(data);
  if (!legacy.success) return null;
  const e = legacy.data;
  return { eventId: null, openId: e.open_id, chatId: e.open_chat_id, messageId: e.open_message_id, value: e.action.value };
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
