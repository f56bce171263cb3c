/**
 * Chinese word segmentation with jieba (`@node-rs/jieba`).
 *
 * Loading jieba's full dictionary (350k words) costs ~250 ms, too much for a
 * CLI cold start, so the segmenter uses a trimmed copy: the words that occur
 * in the knowledge base, frequent words and place names (tag `ns`, needed to
 * spot questions about other cities). The trimmed copy is cached on disk under
 * `data/cache/` keyed by a hash of the corpus, and rebuilt when the KB changes.
 * KB titles, aliases and terms are added as a user dictionary (`loadDict`).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Jieba } from "@node-rs/jieba";
import { cacheKey, readCache, writeCache } from "../util/cache.js";

/** A word with its part-of-speech tag (jieba/ICTCLAS tags: `ns` place name, `m` numeral …). */
export interface TaggedWord {
  word: string;
  tag: string;
}

/** Segmentation functions used by the NLU and the clause index. */
export interface Segmenter {
  cut(text: string): string[];
  cutForSearch(text: string): string[];
  tag(text: string): TaggedWord[];
}

const FREQUENT = 2000;
const PLACE_MIN_FREQ = 20;

function fullDictPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@node-rs/jieba/package.json")), "dict.txt");
}

function trimmedDictionary(corpus: string, cacheDir: string): Buffer {
  const name = `jieba-${cacheKey(corpus, String(FREQUENT), String(PLACE_MIN_FREQ))}.txt`;
  const cached = readCache(cacheDir, name);
  if (cached) return cached;
  const keep: string[] = [];
  for (const line of readFileSync(fullDictPath(), "utf8").split("\n")) {
    const [word, freq, tag] = line.split(" ");
    if (!word) continue;
    const f = Number(freq);
    if (f >= FREQUENT || (tag === "ns" && f >= PLACE_MIN_FREQ) || corpus.includes(word)) keep.push(line);
  }
  const data = Buffer.from(keep.join("\n"), "utf8");
  writeCache(cacheDir, name, data);
  return data;
}

/**
 * Build a segmenter for a corpus.
 * @param corpus all text the segmenter must split well (clause texts, catalog keywords)
 * @param terms KB titles/aliases/terms, added as whole words
 * @param cacheDir where the trimmed dictionary is cached
 */
export function createSegmenter(corpus: string, terms: readonly string[], cacheDir: string): Segmenter {
  const jieba = Jieba.withDict(trimmedDictionary(corpus, cacheDir));
  const user = [...new Set(terms.map((t) => t.trim()).filter((t) => t.length >= 2 && !/\s/.test(t)))];
  if (user.length > 0) jieba.loadDict(Buffer.from(user.map((t) => `${t} 50000 nz`).join("\n"), "utf8"));
  return {
    cut: (text) => jieba.cut(text, true),
    cutForSearch: (text) => jieba.cutForSearch(text, true),
    tag: (text) => jieba.tag(text, true).map((t) => ({ word: t.word, tag: t.tag })),
  };
}
