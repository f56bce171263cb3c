/**
 * NLU resources built the same way `src/answer/engine.ts` builds them, so the
 * understanding step can be tested on its own.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KnowledgeBase, loadKnowledgeBase } from "../../src/kb/load.js";
import { loadCatalog } from "../../src/nlu/catalog.js";
import { MentionIndex } from "../../src/nlu/mentions.js";
import { createSegmenter } from "../../src/nlu/segment.js";
import type { NluResources } from "../../src/nlu/understand.js";
import { POLICIES } from "./paths.js";

export function buildNlu(policies = POLICIES): { kb: KnowledgeBase; nlu: NluResources } {
  const { kb } = loadKnowledgeBase(policies);
  const { intents, lexicon } = loadCatalog(policies);
  const mentions = new MentionIndex(kb, lexicon);
  const corpus = [
    ...kb.documents.flatMap((d) => d.clauses.map((c) => c.text)),
    ...intents.flatMap((i) => [...i.keywords, ...i.clauseWords]),
    ...Object.keys(lexicon.synonyms),
    ...Object.values(lexicon.english),
  ].join("\n");
  const cacheDir = mkdtempSync(join(tmpdir(), "policybot-test-cache-"));
  const segmenter = createSegmenter(corpus, mentions.surfaces(), cacheDir);
  return { kb, nlu: { segmenter, mentions, intents, lexicon, corpus } };
}
