/**
 * Excerpts of clause text for quoting: whole clauses when short, otherwise the
 * sentences that share the most words with the question, in document order.
 */

const SENTENCE = /[^。；！？!?;]+[。；！？!?;]?/g;

/** Split Chinese text into sentences (keeps the end punctuation). */
export function sentences(text: string): string[] {
  return (text.match(SENTENCE) ?? [text]).map((s) => s.trim()).filter(Boolean);
}

/**
 * @param text clause text
 * @param terms question terms
 * @param max soft cap on characters
 */
export function excerpt(text: string, terms: readonly string[], max = 360): string {
  if (text.length <= max) return text;
  const parts = sentences(text);
  const scored = parts.map((s, i) => ({ s, i, score: terms.reduce((n, t) => n + (t.length > 1 && s.includes(t) ? t.length : 0), 0) }));
  const chosen = new Set<number>();
  let size = 0;
  for (const p of [...scored].sort((a, b) => b.score - a.score || a.i - b.i)) {
    if (p.score === 0 && chosen.size > 0) break;
    if (size > 0 && size + p.s.length > max) continue;
    chosen.add(p.i);
    size += p.s.length;
  }
  const out: string[] = [];
  let last = -1;
  for (const i of [...chosen].sort((a, b) => a - b)) {
    if (last >= 0 && i !== last + 1) out.push("……");
    out.push(parts[i] ?? "");
    last = i;
  }
  if (last < parts.length - 1) out.push("……");
  return out.join("");
}

/** A count of people, things or money written in a phrase (850名、84个、1300亿元), not a date or a period. */
const COUNT = /\d+(?:\.\d+)?\s*(?:名|个|人|家|项|位|批|万元|亿元|元)/;

/**
 * The phrases (between commas) of a clause that state the counts a question asks for, when the
 * clause lists several figures: 认定各类高层次人才850名 out of 签约领军项目84个，总投资超1300亿元，
 * 认定各类高层次人才850名，招揽软件开发人才1160人. Null unless some phrase with a count has a
 * word of the question that no other such phrase has, and some other phrase has none.
 * @param terms question terms, without the names that chose the clause's document
 */
export function countPhrases(text: string, terms: readonly string[]): string | null {
  const phrases = text
    .split(/[，,。；;！？!?]/)
    .map((p) => p.trim())
    .filter((p) => COUNT.test(p));
  // A word two figures share (人才 in 高层次人才850名 and 软件开发人才1160人) does not pick one.
  const telling = terms.filter((t) => t.length > 1 && phrases.filter((p) => p.includes(t)).length === 1);
  const asked = phrases.filter((p) => telling.some((t) => p.includes(t)));
  if (asked.length === 0 || asked.length === phrases.length) return null;
  return `……${asked.join("……")}……`;
}

/** Money written in a text (万元, 元, 亿元). */
export const MONEY = /\d+(?:\.\d+)?\s*(?:万|亿)?元|[一二三四五六七八九十百千万]+(?:万|亿)?元/;
