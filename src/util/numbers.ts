/**
 * Numbers in Chinese text: Arabic digits, Chinese numerals (三, 二十, 一百),
 * and the 万/亿 multipliers used for amounts of money.
 */

const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/**
 * Parse a Chinese numeral such as `三`, `十五`, `二十`, `一百`, `三千五百`, `五万`.
 * @returns the value, or `null` when the string is not a numeral
 */
export function parseChineseNumeral(s: string): number | null {
  if (s === "") return null;
  let total = 0;
  let section = 0;
  let digit = -1;
  for (const ch of s) {
    if (ch in DIGIT) {
      digit = DIGIT[ch] ?? 0;
    } else if (ch in UNIT) {
      section += (digit < 0 ? 1 : digit) * (UNIT[ch] ?? 1);
      digit = -1;
    } else if (ch === "万" || ch === "亿") {
      section += Math.max(digit, 0);
      total += (section === 0 ? 1 : section) * (ch === "万" ? 10_000 : 100_000_000);
      section = 0;
      digit = -1;
    } else {
      return null;
    }
  }
  return total + section + Math.max(digit, 0);
}

const NUMBER_TOKEN = /(\d+(?:\.\d+)?)\s*(万|亿)?|([零〇一二两三四五六七八九十百千]+)(万|亿)?/g;

/**
 * Every number written in a text, in both its bare and multiplied form
 * (`20万元` yields 20 and 200000; `三年` yields 3; `6:4` yields 6 and 4).
 */
export function numbersIn(text: string): Set<number> {
  const found = new Set<number>();
  for (const m of text.matchAll(NUMBER_TOKEN)) {
    const base = m[1] !== undefined ? Number(m[1]) : parseChineseNumeral(m[3] ?? "");
    if (base === null || Number.isNaN(base)) continue;
    found.add(base);
    const mult = m[2] ?? m[4];
    if (mult === "万") found.add(Math.round(base * 10_000));
    if (mult === "亿") found.add(Math.round(base * 100_000_000));
  }
  return found;
}
