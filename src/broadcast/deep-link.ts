/**
 * Links from a notice back to the assistant, so readers can ask about the
 * program or run the self-check at once.
 *
 * Telegram: `https://t.me/<bot>?start=<payload>` opens a private chat with the
 * bot and sends `/start <payload>`. Payloads are at most 64 characters of
 * `A-Z a-z 0-9 _ -` (Bot API, deep linking): `p-<program id>` (ask about the
 * program) and `c-<program id>` (资格自测 for it). Program ids are
 * `[a-z0-9-]+`, so they fit as they are.
 *
 * Lark has no start payload: the AppLink
 * `https://applink.feishu.cn/client/bot/open?appId=<app id>` (applink.larksuite.com
 * for Lark) opens the chat with the bot, and the message says what to type.
 */
import { parseDeepLink } from "../core/deep-link.js";

/** What a start payload asks for. */
export type StartIntent = "ask" | "check";

const PREFIX: Record<StartIntent, string> = { ask: "p", check: "c" };

/**
 * The /start payload of a program link.
 * @throws RangeError when the payload would not be a valid Telegram payload (over 64 characters or other characters)
 */
export function startPayload(intent: StartIntent, programId: string): string {
  const payload = `${PREFIX[intent]}-${programId}`;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(payload)) throw new RangeError(`invalid start payload: ${payload}`);
  return payload;
}

/**
 * The intent and program of a /start payload, or null: the chat side's own
 * parser (src/core/deep-link.ts, which opens the link), so what a notice links
 * is always what the assistant understands.
 */
export function parseStartPayload(payload: string): { intent: StartIntent; programId: string } | null {
  return parseDeepLink(payload);
}

/** `https://t.me/<bot>?start=<payload>` (bot username without @). */
export function telegramDeepLink(botUsername: string, intent: StartIntent, programId: string): string {
  return `https://t.me/${encodeURIComponent(botUsername.replace(/^@/, ""))}?start=${startPayload(intent, programId)}`;
}

/** The AppLink that opens the chat with the bot. @param domain LARK_DOMAIN (`lark` → larksuite, anything else → feishu) */
export function larkBotLink(appId: string, domain: string): string {
  const host = domain === "lark" ? "applink.larksuite.com" : "applink.feishu.cn";
  return `https://${host}/client/bot/open?appId=${encodeURIComponent(appId)}`;
}
