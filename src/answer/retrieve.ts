/**
 * BM25 index over every clause of the knowledge base (MiniSearch with the
 * jieba tokenizer). Used to find the clause that answers a question, scoped to
 * the documents and programs the question is about.
 *
 * A second index of character bigrams gives typo tolerance (任物 still meets
 * 主要任务). It is loaded only for questions with a word the clauses never use,
 * which keeps it off the start-up path of most questions.
 */
import MiniSearch, { type Options } from "minisearch";
import type { KnowledgeBase, LoadedDocument } from "../kb/load.js";
import type { Clause } from "../kb/schema.js";
import type { Segmenter } from "../nlu/segment.js";
import { SpellIndex } from "../nlu/spell.js";
import { readCache, writeCache } from "../util/cache.js";

/** A clause found for a query, with its BM25 score. */
export interface Hit {
  clause: Clause;
  document: LoadedDocument;
  score: number;
}

/** A weighted query term; `bigram` terms are character bigrams (see {@link ClauseIndex.unknownWords}). */
export interface QueryTerm {
  term: string;
  weight: number;
  bigram?: boolean;
}

interface IndexedClause {
  id: number;
  text: string;
  label?: string;
}

/** Chinese character bigrams of a text. */
export function bigramsOf(s: string): string[] {
  const out: string[] = [];
  for (const run of s.match(/[\u4e00-\u9fff]+/g) ?? []) for (let i = 0; i + 2 <= run.length; i++) out.push(run.slice(i, i + 2));
  return out;
}

const PUNCT = /^[\p{P}\p{S}\s]+$/u;
/** Bump when the indexed fields or the tokenizer change, so cached indexes are rebuilt. */
const INDEX_FORMAT = 4;
/** Weight of the bigram index relative to the word index. */
const BIGRAM_WEIGHT = 0.5;

/** The clause index. Build once per knowledge base. */
export class ClauseIndex {
  private readonly words: MiniSearch<IndexedClause>;
  private grams: MiniSearch<IndexedClause> | null = null;
  private readonly clauses: { clause: Clause; document: LoadedDocument }[] = [];
  private readonly bigramOptions: Options<IndexedClause>;
  private readonly known = new Map<string, boolean>();
  /** Per index: the clauses a query term matches (see {@link ClauseIndex.matching}). */
  private readonly matched = new WeakMap<MiniSearch<IndexedClause>, Map<string, number[]>>();
  private vocab: Set<string> | null = null;
  private spell: SpellIndex | null = null;
  private allText: string | null = null;
  private readonly tokenize: (s: string) => string[];

  /**
   * @param cache when given, built indexes are cached on disk under this key
   *   (the key must change whenever the clauses or the tokenizer change)
   */
  constructor(
    kb: KnowledgeBase,
    segmenter: Segmenter,
    stopwords: ReadonlySet<string>,
    private readonly cache?: { dir: string; key: string },
  ) {
    const processTerm = (t: string) => {
      const w = t.toLowerCase();
      return stopwords.has(w) ? null : w;
    };
    const docs: IndexedClause[] = [];
    for (const document of kb.documents) {
      for (const clause of document.clauses) {
        docs.push({ id: this.clauses.length, text: clause.text, label: clause.label });
        this.clauses.push({ clause, document });
      }
    }
    this.tokenize = (s) => segmenter.cutForSearch(s).filter((t) => t.trim() !== "" && !PUNCT.test(t));
    this.words = this.open("words", docs, {
      fields: ["text", "label"],
      tokenize: this.tokenize,
      processTerm,
      searchOptions: { boost: { label: 0.5 }, bm25: { k: 1.2, b: 0.75, d: 0.5 } },
    });
    this.bigramOptions = { fields: ["text"], tokenize: bigramsOf, processTerm, searchOptions: { bm25: { k: 1.2, b: 0.75, d: 0.5 } } };
  }

  /** Load a cached index or build (and cache) it. */
  private open(kind: string, docs: IndexedClause[], options: Options<IndexedClause>): MiniSearch<IndexedClause> {
    const name = this.cache ? `index-${kind}-v${INDEX_FORMAT}-${this.cache.key}-${docs.length}.json` : "";
    const cached = this.cache ? readCache(this.cache.dir, name) : null;
    if (cached) return MiniSearch.loadJSON<IndexedClause>(cached.toString("utf8"), options);
    const index = new MiniSearch<IndexedClause>(options);
    index.addAll(docs);
    if (this.cache) writeCache(this.cache.dir, name, JSON.stringify(index));
    return index;
  }

  /** The words of the clause index (cached beside the index). */
  vocabulary(): Set<string> {
    if (this.vocab) return this.vocab;
    const name = this.cache ? `vocab-v${INDEX_FORMAT}-${this.cache.key}.json` : "";
    const cached = this.cache ? readCache(this.cache.dir, name) : null;
    if (cached) this.vocab = new Set(JSON.parse(cached.toString("utf8")) as string[]);
    else {
      this.vocab = new Set(this.clauses.flatMap((c) => this.tokenize(c.clause.text)).filter((w) => /^[\u4e00-\u9fff]{2,}$/.test(w)));
      if (this.cache) writeCache(this.cache.dir, name, JSON.stringify([...this.vocab]));
    }
    return this.vocab;
  }

  /** The vocabulary indexed for one-character typo lookups (built on first use). */
  spellIndex(): SpellIndex {
    this.spell ??= new SpellIndex(this.vocabulary());
    return this.spell;
  }

  /** All clause texts joined (for checking that a phrase is written somewhere). */
  corpus(): string {
    this.allText ??= this.clauses.map((c) => c.clause.text).join("\n");
    return this.allText;
  }

  private bigramIndex(): MiniSearch<IndexedClause> {
    this.grams ??= this.open(
      "bigrams",
      this.clauses.map((c, id) => ({ id, text: c.clause.text })),
      this.bigramOptions,
    );
    return this.grams;
  }

  /**
   * Chinese words of two or more characters that no clause uses (a typo such
   * as 任物, or a colloquial word): the cue to add bigram terms to a query.
   */
  unknownWords(words: readonly string[]): string[] {
    return words.filter((w) => {
      if (!/^[\u4e00-\u9fff]{2,}$/.test(w)) return false;
      let known = this.known.get(w);
      if (known === undefined) {
        known = this.words.search(w, { fields: ["text"], tokenize: (s) => [s] }).length > 0;
        this.known.set(w, known);
      }
      return !known;
    });
  }

  /**
   * The clauses (ids) a query term matches in an index. A term that matches none of the clauses
   * a query accepts adds nothing to an OR query (no score, no matched term, no change to the order
   * of the others) but still costs MiniSearch a walk of its radix tree and its per-term set-up:
   * such terms are left out of queries. Remembered per term (the vocabulary of questions is small).
   */
  private matching(index: MiniSearch<IndexedClause>, term: string): number[] {
    let known = this.matched.get(index);
    if (!known) {
      known = new Map();
      this.matched.set(index, known);
    }
    let ids = known.get(term);
    if (ids === undefined) {
      ids = index.search(term, { tokenize: (s) => [s] }).map((r) => r.id as number);
      if (known.size > 20_000) known.clear();
      known.set(term, ids);
    }
    return ids;
  }

  /**
   * Rank clauses for weighted query terms.
   * @param terms query terms with weights (1 = a word of the question)
   * @param accept optional filter on candidate clauses
   * @param boost optional multiplier per clause (program scope, tier, numbers)
   * @returns hits, best first
   */
  query(terms: QueryTerm[], accept?: (c: Clause, d: LoadedDocument) => boolean, boost?: (c: Clause, d: LoadedDocument) => number): Hit[] {
    if (terms.length === 0) return [];
    const weight = new Map<string, number>();
    const bigrams = new Set<string>();
    for (const t of terms) {
      const k = t.term.toLowerCase();
      weight.set(k, Math.max(weight.get(k) ?? 0, t.weight));
      if (t.bigram) bigrams.add(k);
    }
    // MiniSearch applies `filter` only after scoring every matching clause, but it skips a clause
    // whose document boost is 0 before scoring it: rejecting there gives the same hits (an accepted
    // clause's boost stays 1, or its own boost) for a fraction of the work. The boost is called once
    // per (clause, term): remember each clause's verdict (NaN: not worked out yet).
    const verdicts = accept || boost ? new Float64Array(this.clauses.length).fill(Number.NaN) : null;
    const verdict = (id: number) => {
      let b = verdicts?.[id] ?? Number.NaN;
      if (Number.isNaN(b)) {
        const c = this.clauses[id];
        b = c === undefined || (accept && !accept(c.clause, c.document)) ? 0 : boost ? boost(c.clause, c.document) : 1;
        if (verdicts && id >= 0 && id < verdicts.length) verdicts[id] = b;
      }
      return b;
    };
    const options = {
      boostTerm: (term: string) => weight.get(term) ?? 1,
      boostDocument: accept || boost ? (id: unknown) => verdict(id as number) : undefined,
    };
    // A term stays when it matches a clause the query accepts.
    const live = (index: MiniSearch<IndexedClause>, term: string) => {
      const ids = this.matching(index, term);
      return accept || boost ? ids.some((id) => verdict(id) !== 0) : ids.length > 0;
    };
    // One query string whose tokens are the terms (they arrive segmented: no jieba again). MiniSearch
    // combines its terms with OR exactly as it combines a query tree of one-term strings, without
    // setting up a sub-query (options, tokenizing, combining) per term.
    const search = (index: MiniSearch<IndexedClause>, list: string[]) => index.search(list.join(" "), { ...options, tokenize: () => list });
    const words = [...weight.keys()].filter((k) => !bigrams.has(k) && live(this.words, k));
    const found = words.length > 0 ? search(this.words, words) : [];
    const grams = bigrams.size > 0 ? [...bigrams].filter((k) => live(this.bigramIndex(), k)) : [];
    const hits: Hit[] = [];
    const hit = (id: number, score: number) => {
      const c = this.clauses[id];
      if (c) hits.push({ clause: c.clause, document: c.document, score });
    };
    if (grams.length === 0) {
      for (const r of found) hit(r.id as number, r.score);
    } else {
      const scores = new Map<number, number>();
      for (const r of found) scores.set(r.id as number, r.score);
      for (const r of search(this.bigramIndex(), grams)) {
        scores.set(r.id as number, (scores.get(r.id as number) ?? 0) + BIGRAM_WEIGHT * r.score);
      }
      for (const [id, score] of scores) hit(id, score);
    }
    return hits.sort((a, b) => b.score - a.score);
  }
}
