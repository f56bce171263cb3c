/**
 * Correction of one-character typos (同音字/形近字) in Chinese words that the
 * knowledge base never uses: 主要任物 → 主要任务. A candidate is a known word of
 * the same length that differs in one character and, together with the
 * neighbouring characters of the question, appears in the clause texts.
 */

/**
 * @param word an unknown word of the question (2–6 Chinese characters)
 * @param question the question it comes from (for its neighbours)
 * @param vocabulary the words of the clause index
 * @param corpus all clause texts, joined
 * @returns corrections, best first (empty when none is convincing)
 */
export function corrections(word: string, question: string, vocabulary: Iterable<string>, corpus: string): string[] {
  if (word.length < 2 || word.length > 6) return [];
  const at = question.indexOf(word);
  const before = at > 0 ? question.slice(Math.max(0, at - 1), at) : "";
  const after = at >= 0 ? question.slice(at + word.length, at + word.length + 1) : "";
  const scored: { w: string; score: number }[] = [];
  for (const v of vocabulary) {
    if (v.length !== word.length || v === word) continue;
    let diff = 0;
    for (let i = 0; i < v.length && diff <= 1; i++) if (v[i] !== word[i]) diff++;
    if (diff !== 1) continue;
    // Context confirms the correction: 要+任务 is written in 主要任务.
    const score = (before && corpus.includes(before + v) ? 1 : 0) + (after && corpus.includes(v + after) ? 1 : 0);
    if (score > 0) scored.push({ w: v, score });
  }
  const best = Math.max(0, ...scored.map((s) => s.score));
  return scored.filter((s) => s.score === best).map((s) => s.w);
}
