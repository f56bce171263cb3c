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
   * @param terms query terms with weights (1 = a word of the question)
   * @param accept optional filter on candidate clauses
   * @param boost optional multiplier per clause (program scope, intent)
   * @returns hits, best first
   */
  query(
    terms: { term: string; weight: number }[],
    accept?: (c: Clause, d: LoadedDocument) => boolean,
    boost?: (c: Clause, d: LoadedDocument) => number,
  ): Hit[] {
    if (terms.length === 0) return [];
    const weight = new Map<string, number>();
    for (const t of terms) {
      const k = t.term.toLowerCase();
      weight.set(k, Math.max(weight.get(k) ?? 0, t.weight));
    }
    const results = this.search.search(
      { combineWith: "OR", queries: [...weight.keys()] },
      {
        filter: accept
          ? (r) => {
              const c = this.clauses[r.id as number];
              return c !== undefined && accept(c.clause, c.document);
            }
          : undefined,
        boostTerm: (term) => weight.get(term) ?? 1,
        boostDocument: boost
          ? (id) => {
              const c = this.clauses[id as number];
              return c ? boost(c.clause, c.document) : 1;
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
