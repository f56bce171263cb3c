/**
 * The group message of a notice, exactly as groups see it (the /notice
 * preview and `policybot broadcast --dry-run` show the same).
 *
 * - Telegram: HTML (`parse_mode: "HTML"`, every text escaped), at most 4096
 *   characters (Bot API sendMessage): a long body is cut with a pointer to the
 *   attached .docx; two URL buttons open the assistant (deep links).
 * - Lark: a `post` (rich text) message with a title, the same paragraphs and a
 *   link to the bot chat (AppLink) with what to type there.
 */
import { type StartIntent, telegramDeepLink } from "./deep-link.js";
import type { Notice } from "./notice.js";

/** Telegram's limit of a message text (characters after entity parsing). */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** Escape text for Telegram's HTML parse mode (`&`, `<`, `>`, and `"` for attributes). */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** 2026-06-30 → 2026年6月30日. */
export function chineseDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

/** A sendMessage payload for Telegram (without chat_id). */
export interface TelegramMessage {
  text: string;
  parse_mode: "HTML";
  link_preview_options: { is_disabled: true };
  reply_markup: { inline_keyboard: { text: string; url: string }[][] };
}

const CUT = "……（全文见附件 / full text in the attached document）";

/** Paragraphs of a body: blank lines separate them; single line breaks stay. */
const paragraphs = (body: string) =>
  body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);

/**
 * The Telegram message of a notice.
 * @param botUsername the bot's username (getMe), for the deep links
 */
export function telegramMessage(n: Notice, botUsername: string): TelegramMessage {
  const link = (intent: StartIntent) => telegramDeepLink(botUsername, intent, n.program);
  const head = [`<b>${escapeHtml(n.title)}</b>`, "", `项目：${escapeHtml(n.programTitle)}`, `截止时间：${chineseDate(n.deadline)}`, ""];
  const tail = [
    "",
    `联系人：${escapeHtml(n.contact)}`,
    "",
    `👉 <a href="${escapeHtml(link("ask"))}">向政策助手提问</a> · <a href="${escapeHtml(link("check"))}">资格自测</a>`,
  ];
  const fixed = [...head, ...tail].join("\n").length + 2;
  let body = paragraphs(n.body).map(escapeHtml).join("\n\n");
  // Escaping only lengthens the text, so the visible length is at most this; cut on a character boundary.
  if (fixed + body.length > TELEGRAM_TEXT_LIMIT) {
    const room = TELEGRAM_TEXT_LIMIT - fixed - CUT.length;
    body = `${Array.from(paragraphs(n.body).join("\n\n")).slice(0, Math.max(0, room)).join("")}`;
    body = escapeHtml(body) + CUT;
  }
  return {
    text: [...head, body, ...tail].join("\n"),
    parse_mode: "HTML",
    link_preview_options: { is_disabled: true },
    reply_markup: {
      inline_keyboard: [
        [
          { text: "💬 咨询政策", url: link("ask") },
          { text: "✅ 资格自测", url: link("check") },
        ],
      ],
    },
  };
}

/** A Lark `post` content element. */
type PostElement = { tag: "text"; text: string } | { tag: "a"; text: string; href: string };

/** The `content` object of a Lark `post` message (zh_cn). */
export interface LarkPost {
  zh_cn: { title: string; content: PostElement[][] };
}

/**
 * The Lark message of a notice (msg_type `post`). Lark renders post text literally (no markup to escape).
 * @param botLink the AppLink of the bot chat (see deep-link.ts)
 */
export function larkPost(n: Notice, botLink: string): LarkPost {
  const line = (text: string): PostElement[] => [{ tag: "text", text }];
  return {
    zh_cn: {
      title: n.title,
      content: [
        line(`项目：${n.programTitle}`),
        line(`截止时间：${chineseDate(n.deadline)}`),
        line(""),
        ...paragraphs(n.body).map(line),
        line(""),
        line(`联系人：${n.contact}`),
        [
          { tag: "text", text: "👉 " },
          { tag: "a", text: "打开政策助手", href: botLink },
          { tag: "text", text: `，发送“${n.programTitle}”提问，或发送“资格自测”自测是否符合条件。` },
        ],
      ],
    },
  };
}

/** The Lark post as plain text (previews, dry runs). */
export function larkPostText(p: LarkPost): string {
  return [p.zh_cn.title, ...p.zh_cn.content.map((els) => els.map((e) => (e.tag === "a" ? `${e.text} <${e.href}>` : e.text)).join(""))].join(
    "\n",
  );
}

/** The Telegram message as plain text with the links (previews, dry runs): tags removed, entities decoded. */
export function telegramText(m: TelegramMessage): string {
  const plain = m.text
    .replace(/<a href="([^"]*)">([^<]*)<\/a>/g, "$2（$1）")
    .replace(/<\/?(b|i|u|s|code|pre)>/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
  return plain;
}
