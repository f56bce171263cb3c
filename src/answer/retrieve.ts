/**
 * BM25 index over every clause of the knowledge base (MiniSearch with the
 * jieba tokenizer). Used to find the clause that answers a question, scoped to
 * the documents and programs the question is about.
 */
import MiniSearch from "minisearch";
import type { KnowledgeBase, LoadedDocument } from "../kb/load.js";
import type { Clause } from "../kb/schema.js";
import type { Segmenter } from "../nlu/segment.js";
import { readCache, writeCache } from "../util/cache.js";

/** A clause found for a query, with its BM25 score. */
export interface Hit {
  clause: Clause;
  document: LoadedDocument;
  score: number;
}

interface IndexedClause {
  id: number;
  text: string;
  label: string;
  /** The text again, indexed as character bigrams (typo tolerance). */
  bigrams: string;
}

/** Chinese character bigrams of a text. */
function bigramsOf(s: string): string[] {
  const out: string[] = [];
  for (const run of s.match(/[\u4e00-\u9fff]+/g) ?? []) for (let i = 0; i + 2 <= run.length; i++) out.push(run.slice(i, i + 2));
  return out;
}

const PUNCT = /^[\p{P}\p{S}\s]+$/u;
/** Bump when the indexed fields or the tokenizer change, so cached indexes are rebuilt. */
const INDEX_FORMAT = 2;

/** The clause index. Build once per knowledge base (a few ms for the bundled KB). */
export class ClauseIndex {
  private readonly search: MiniSearch<IndexedClause>;
  private readonly clauses: { clause: Clause; document: LoadedDocument }[] = [];

  /**
   * @param cache when given, the built index is cached on disk under this key
   *   (the key must change whenever the clauses or the tokenizer change)
   */
  constructor(kb: KnowledgeBase, segmenter: Segmenter, stopwords: ReadonlySet<string>, cache?: { dir: string; key: string }) {
    const words = (s: string) => segmenter.cutForSearch(s).filter((t) => t.trim() !== "" && !PUNCT.test(t));
    const tokenize = (s: string, field?: string) => (field === "bigrams" ? bigramsOf(s) : words(s));
    const options = {
      fields: ["text", "label", "bigrams"],
      tokenize,
      processTerm: (t: string) => {
        const w = t.toLowerCase();
        return stopwords.has(w) ? null : w;
      },
      searchOptions: { boost: { label: 0.5, bigrams: 0.5 }, bm25: { k: 1.2, b: 0.5, d: 0.5 }, tokenize: words },
    };
    const docs: IndexedClause[] = [];
    for (const document of kb.documents) {
      for (const clause of document.clauses) {
        docs.push({ id: this.clauses.length, text: clause.text, label: clause.label, bigrams: clause.text });
        this.clauses.push({ clause, document });
      }
    }
    const name = cache ? `index-v${INDEX_FORMAT}-${cache.key}-${docs.length}.json` : "";
    const cached = cache ? readCache(cache.dir, name) : null;
    if (cached) {
      this.search = MiniSearch.loadJSON<IndexedClause>(cached.toString("utf8"), options);
    } else {
      this.search = new MiniSearch<IndexedClause>(options);
      this.search.addAll(docs);
      if (cache) writeCache(cache.dir, name, JSON.stringify(this.search));
    }
  }

  /**
   * Rank clauses for weighted query terms.
   * @param terms query terms with weights (1 = a word of the question); `bigram`
   *   terms are character bigrams and search only the bigram field
   * @param accept optional filter on candidate clauses
   * @param boost optional multiplier per clause (program scope, intent)
   * @returns hits, best first
   */
  query(
    terms: { term: string; weight: number; bigram?: boolean }[],
    accept?: (c: Clause, d: LoadedDocument) => boolean,
    boost?: (c: Clause, d: LoadedDocument) => number,
  ): Hit[] {
    if (terms.length === 0) return [];
    const weight = new Map<string, number>();
    const boosts = new Map<number, number>();
    const accepted = new Map<number, boolean>();
    const bigramTerms = new Set(terms.filter((t) => t.bigram).map((t) => t.term.toLowerCase()));
    for (const t of terms) {
      const k = t.term.toLowerCase();
      weight.set(k, Math.max(weight.get(k) ?? 0, t.weight));
    }
    // Character bigrams only search the bigram field; words search the text and label.
    const words = [...weight.keys()].filter((k) => !bigramTerms.has(k));
    const grams = [...weight.keys()].filter((k) => bigramTerms.has(k));
    const results = this.search.search(
      {
        combineWith: "OR",
        queries: [
          { queries: words, fields: ["text", "label"], combineWith: "OR" as const },
          ...(grams.length > 0 ? [{ queries: grams, fields: ["bigrams"], combineWith: "OR" as const }] : []),
        ],
      },
      {
        filter: accept
          ? (r) => {
              let ok = accepted.get(r.id as number);
              if (ok === undefined) {
                const c = this.clauses[r.id as number];
                ok = c !== undefined && accept(c.clause, c.document);
                accepted.set(r.id as number, ok);
              }
              return ok;
            }
          : undefined,
        boostTerm: (term) => weight.get(term) ?? 1,
        // Terms arrive already segmented: do not run jieba on them again.
        tokenize: (s: string) => [s],
        // MiniSearch calls this once per (clause, term): remember each clause's boost.
        boostDocument: boost
          ? (id) => {
              let b = boosts.get(id as number);
              if (b === undefined) {
                const c = this.clauses[id as number];
                b = c ? boost(c.clause, c.document) : 1;
                boosts.set(id as number, b);
              }
              return b;
            }
          : undefined,
      },
    );
    const hits: Hit[] = [];
    for (const r of results) {
      const c = this.clauses[r.id as number];
      if (c) hits.push({ clause: c.clause, document: c.document, score: r.score });
    }
    return hits;
  }
}
