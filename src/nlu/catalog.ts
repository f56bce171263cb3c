/**
 * The intent catalog (`policies/intents.yaml`) and the lexicon
 * (`policies/lexicon.yaml`): data files validated with zod.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { BenefitType } from "../kb/schema.js";
import { cacheKey, readCache, writeCache } from "../util/cache.js";
import { yaml } from "../util/yaml.js";

export const Intent = z.object({
  id: z.string().min(1),
  label: z.string().min(1),
  /** Questions that must be read as this intent (a data-driven test). */
  examples: z.array(z.string().min(1)).default([]),
  field: z.string().nullable(),
  benefitType: BenefitType.optional(),
  perProgram: z.boolean(),
  keywords: z.array(z.string().min(1)).min(1),
  keywordsEn: z.array(z.string().min(1)).default([]),
  clauseWords: z.array(z.string().min(1)).default([]),
});
export type Intent = z.infer<typeof Intent>;

export const IntentCatalog = z.object({ version: z.literal(1), intents: z.array(Intent).min(1) });

export const Lexicon = z.object({
  version: z.literal(1),
  synonyms: z.record(z.string(), z.array(z.string())).default({}),
  english: z.record(z.string(), z.string()).default({}),
  stopwords: z.array(z.string()).default([]),
  domains: z.record(z.string(), z.array(z.string())).default({}),
  generic: z.array(z.string()).default([]),
  /**
   * Topics people ask about that a talent-policy document may not regulate (个人所得税、社保、落户 …),
   * each with the words a document that does would use. Asked of documents that use none of
   * them, the answer is that the documents do not say.
   */
  outsideTopics: z.record(z.string(), z.array(z.string().min(1)).min(1)).default({}),
  /** Sector (领域) names that mean one field in different documents: a topic naming one takes all (broadcast audiences). */
  sameSectors: z.array(z.array(z.string().min(1)).min(2)).default([]),
  amountAskingWords: z.array(z.string()).default([]),
  moneyWords: z.array(z.string()).default([]),
  criteriaAspects: z
    .record(z.string(), z.object({ words: z.array(z.string()), fields: z.array(z.string()), text: z.array(z.string()) }))
    .default({}),
});
export type Lexicon = z.infer<typeof Lexicon>;

/**
 * Read and validate the catalog and lexicon from the policies folder.
 * @param cacheDir when set, the parsed YAML is cached there as JSON (keyed by content hash)
 * @throws Error naming the file and every schema issue
 */
export function loadCatalog(policiesDir: string, cacheDir?: string): { intents: Intent[]; lexicon: Lexicon } {
  const read = <T>(name: string, schema: z.ZodType<T>): T => {
    const file = join(policiesDir, name);
    const text = readFileSync(file, "utf8");
    const cacheName = `yaml-${cacheKey(text)}.json`;
    const cached = cacheDir ? readCache(cacheDir, cacheName) : null;
    let data: unknown;
    if (cached) data = JSON.parse(cached.toString("utf8"));
    else {
      data = yaml().parse(text);
      if (cacheDir) writeCache(cacheDir, cacheName, JSON.stringify(data));
    }
    const r = schema.safeParse(data);
    if (!r.success) throw new Error(`${file}: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    return r.data;
  };
  return { intents: read("intents.yaml", IntentCatalog).intents, lexicon: read("lexicon.yaml", Lexicon) };
}
