/**
 * Untrusted input: normalised (NFC; full-width digits, letters, + and - become
 * ASCII, Chinese punctuation is kept), control and zero-width characters
 * removed, length and emoji checked.
 */

/** Longest input accepted in one message (characters). */
export const MAX_INPUT_CHARS = 2000;

/** The cleaned text, or a problem to tell the user. */
export type Cleaned = { ok: true; text: string } | { ok: false; message: string };

/** Control (Cc) and format (Cf: zero-width, bidi overrides) characters. */
const CONTROL = /[\p{Cc}\p{Cf}]/gu;
/** Full-width digits, letters, ＋ and －. */
const FULL_WIDTH = /[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0b\uff0d]/g;
const EMOJI = /\p{Extended_Pictographic}/u;

/**
 * Clean one message. Line breaks are kept (long answers such as 个人业绩 may have
 * several paragraphs); leading and trailing blanks are trimmed.
 */
export function cleanInput(raw: string): Cleaned {
  if (raw.length > MAX_INPUT_CHARS * 4) return { ok: false, message: `输入过长（最多 ${MAX_INPUT_CHARS} 字），请精简后重新输入。` };
  const text = raw
    .normalize("NFC")
    .replace(FULL_WIDTH, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, " ")
    .replace(CONTROL, (ch) => (ch === "\n" ? ch : ""))
    .trim();
  if (text.length > MAX_INPUT_CHARS) return { ok: false, message: `输入过长（最多 ${MAX_INPUT_CHARS} 字），请精简后重新输入。` };
  if (text === "") return { ok: false, message: "您还没有输入内容。" };
  if (EMOJI.test(text)) return { ok: false, message: "请不要使用表情符号，请用文字回答。" };
  return { ok: true, text };
}
