/**
 * Correction of one-character typos (同音字/形近字) in Chinese words that the
 * knowledge base never uses: 主要任物 → 主要任务. A candidate is a known word of
 * the same length that differs in one character and, together with the
 * neighbouring characters of the question, appears in the clause texts.
 */

/**
 * Known words indexed by "one character blanked" patterns (任* and *务 for 任务),
 * so the words one substitution away from a typo are found by a few lookups.
 */
export class SpellIndex {
  private readonly byPattern = new Map<string, string[]>();

  /** @param vocabulary the words of the clause index */
  constructor(vocabulary: Iterable<string>) {
    for (const w of vocabulary) {
      if (w.length < 2 || w.length > 6) continue;
      for (let i = 0; i < w.length; i++) {
        const key = `${w.slice(0, i)}\u0000${w.slice(i + 1)}`;
        const list = this.byPattern.get(key);
        if (list) list.push(w);
        else this.byPattern.set(key, [w]);
      }
    }
  }

  private readonly results = new Map<string, string[]>();

  /** Corrections already worked out for a word in its context (the corpus check is the slow part). */
  remember(key: string, compute: () => string[]): string[] {
    let r = this.results.get(key);
    if (!r) {
      r = compute();
      if (this.results.size > 10_000) this.results.clear();
      this.results.set(key, r);
    }
    return r;
  }

  /** Known words that differ from `word` in exactly one character. */
  neighbours(word: string): string[] {
    const out = new Set<string>();
    for (let i = 0; i < word.length; i++) {
      for (const w of this.byPattern.get(`${word.slice(0, i)}\u0000${word.slice(i + 1)}`) ?? []) if (w !== word) out.add(w);
    }
    return [...out];
  }
}

/**
 * @param word an unknown word of the question (2–6 Chinese characters)
 * @param question the question it comes from (for its neighbours)
 * @param index the known words
 * @param corpus all clause texts, joined
 * @returns corrections, best first (empty when none is convincing)
 */
export function corrections(word: string, question: string, index: SpellIndex, corpus: string): string[] {
  if (word.length < 2 || word.length > 6) return [];
  const at = question.indexOf(word);
  const before = at > 0 ? question.slice(Math.max(0, at - 1), at) : "";
  const after = at >= 0 ? question.slice(at + word.length, at + word.length + 1) : "";
  return index.remember(`${before}\u0000${word}\u0000${after}`, () => confirmed(word, before, after, index, corpus));
}

function confirmed(word: string, before: string, after: string, index: SpellIndex, corpus: string): string[] {
  const scored: { w: string; score: number }[] = [];
  for (const v of index.neighbours(word)) {
    // Context confirms the correction: 要+任务 is written in 主要任务.
    const score = (before && corpus.includes(before + v) ? 1 : 0) + (after && corpus.includes(v + after) ? 1 : 0);
    if (score > 0) scored.push({ w: v, score });
  }
  const best = Math.max(0, ...scored.map((s) => s.score));
  return scored.filter((s) => s.score === best).map((s) => s.w);
}
