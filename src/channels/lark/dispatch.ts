/**
 * The SDK dispatchers, wired to the bot's two handlers. The same
 * `EventDispatcher` serves the long connection (`WSClient`) and the webhook
 * route, so both modes run exactly the same code per event; the legacy card
 * callback format goes through the SDK's `CardActionHandler`.
 *
 * Webhook requests reach these only after verify.ts has checked and
 * decrypted them, so the dispatchers get plain payloads and no keys of their own
 * for webhook use (`needCheck: false`); the encrypt key is given to the event
 * dispatcher only so that it can decrypt what the long connection may deliver encrypted.
 */
import { CardActionHandler, EventDispatcher, LoggerLevel, type Logger as SdkLogger } from "@larksuiteoapi/node-sdk";
import type { CardAnswer, LarkBot } from "./bot.js";

/** Both dispatchers of one bot. */
export interface Dispatchers {
  /** `im.message.receive_v1`, `card.action.trigger`, `im.chat.member.bot.deleted_v1`, `im.chat.disbanded_v1`. */
  events: EventDispatcher;
  /** Legacy card callbacks. */
  cards: CardActionHandler;
}

/**
 * Build the dispatchers of a bot.
 * @param encryptKey LARK_ENCRYPT_KEY, for encrypted long-connection payloads
 */
export function createDispatchers(bot: LarkBot, logger: SdkLogger, encryptKey?: string): Dispatchers {
  const events = new EventDispatcher({ encryptKey, logger, loggerLevel: LoggerLevel.info }).register<{
    "card.action.trigger": (data: unknown) => Promise<CardAnswer>;
  }>({
    "im.message.receive_v1": (data) => bot.onMessage(data),
    // The bot removed from a group, or the group dissolved: its broadcast subscription ends.
    "im.chat.member.bot.deleted_v1": (data) => bot.onChatGone(data, "机器人被移出群 / bot removed"),
    "im.chat.disbanded_v1": (data) => bot.onChatGone(data, "群已解散 / chat disbanded"),
    "card.action.trigger": (data) => bot.onCardPress(data, false),
  });
  const cards = new CardActionHandler({ logger, loggerLevel: LoggerLevel.info }, (data: unknown) => bot.onCardPress(data, true));
  return { events, cards };
}
