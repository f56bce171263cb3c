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

/** Money written in a text (万元, 元, 亿元). */
export const MONEY = /\d+(?:\.\d+)?\s*(?:万|亿)?元|[一二三四五六七八九十百千万]+(?:万|亿)?元/;
