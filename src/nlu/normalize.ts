/**
 * Normalisation of user text before understanding: Unicode NFKC (full-width →
 * half-width), traditional → simplified Chinese (opencc-js, HK/TW variants),
 * control characters removed, whitespace collapsed, ASCII lower-cased.
 */
import { createRequire } from "node:module";
import { TRADITIONAL_CHARS } from "./traditional-chars.js";

type Convert = (s: string) => string;
let t2s: Convert | null = null;

function converter(): Convert {
  if (!t2s) {
    const require = createRequire(import.meta.url);
    const OpenCC = require("opencc-js/t2cn") as { Converter(o: { from: string; to: string }): Convert };
    const hk = OpenCC.Converter({ from: "hk", to: "cn" });
    const tw = OpenCC.Converter({ from: "tw", to: "cn" });
    t2s = (s) => tw(hk(s));
  }
  return t2s;
}

/** Whether the text has a character the traditional → simplified conversion would change. */
function hasTraditional(s: string): boolean {
  for (const ch of s) if (TRADITIONAL_CHARS.has(ch)) return true;
  return false;
}

/**
 * Normalise a user message.
 * @param input raw text (any length; callers cap it before)
 * @returns normalised text, possibly empty
 */
export function normalize(input: string): string {
  let s = input.normalize("NFKC");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  s = s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufeff]/g, "");
  if (hasTraditional(s)) s = converter()(s);
  s = s.replace(/[「『]/g, "“").replace(/[」』]/g, "”");
  s = s.replace(/\s+/g, " ").trim();
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Whether a text has at least one CJK ideograph or ASCII letter/digit (emoji-only and punctuation-only do not). */
export function hasContent(s: string): boolean {
  return /[\u4e00-\u9fff]|[a-z0-9]/i.test(s);
}
