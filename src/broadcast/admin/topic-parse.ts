/**
 * Audience topics from free text, as an admin types them after /subscribe or
 * in the /notice interview: `郑州 教育 卫生`, `社会事业人才 平顶山`,
 * `zz-social-talent`. Programs are found by id, title or alias (KB), regions
 * by any of a document's region names (郑州 → every name of 郑州市, so a
 * subscription matches notices whichever spelling they use), sectors by the
 * KB programs' `sectors` or by the lexicon's everyday words for a domain
 * (医院 → 卫生); a sector takes the names the lexicon's `sameSectors` gives the
 * same field (卫生 → 医疗卫生、医疗). Whatever is left is returned as not
 * understood, so the chat can show what it took.
 */
import type { KnowledgeBase } from "../../kb/load.js";
import { loadCatalog } from "../../nlu/catalog.js";
import { ALL_TOPICS, type Topics } from "../topics.js";

/** The topics found, and the words that matched nothing. */
export interface ParsedTopics {
  topics: Topics;
  unknown: string[];
}

/** Shortest alias used to find a program in free text (shorter ones are too often ordinary words). */
const MIN_ALIAS = 4;

/** What the lexicon says about sectors, read once per knowledge base. */
interface SectorWords {
  /** Everyday word → the KB sectors it names (from `domains`). */
  words: Map<string, string[]>;
  /** KB sector → every KB sector of the same field (from `sameSectors`). */
  same: Map<string, string[]>;
}

const sectorWordsCache = new WeakMap<KnowledgeBase, SectorWords>();

function sectorWords(kb: KnowledgeBase): SectorWords {
  const cached = sectorWordsCache.get(kb);
  if (cached) return cached;
  const { lexicon } = loadCatalog(kb.root);
  const kbSectors = new Set(kb.programs.flatMap((p) => p.program.sectors));
  const same = new Map<string, string[]>();
  for (const group of lexicon.sameSectors) {
    const present = group.filter((s) => kbSectors.has(s));
    for (const s of present) same.set(s, [...new Set([...(same.get(s) ?? [s]), ...present])]);
  }
  const words = new Map<string, string[]>();
  for (const [domain, list] of Object.entries(lexicon.domains)) {
    const named = [domain, ...list].filter((w) => kbSectors.has(w));
    if (named.length === 0) continue;
    const all = [...new Set(named.flatMap((s) => same.get(s) ?? [s]))];
    for (const w of list) if (!kbSectors.has(w)) words.set(w, all);
  }
  const out = { words, same };
  sectorWordsCache.set(kb, out);
  return out;
}

/** Words that only mean "everything": `/subscribe 全部`. */
const ALL_WORDS = /^(全部|所有|all|无|跳过|skip)$/i;

/**
 * Parse topics from free text.
 * @example parseTopics("郑州 教育", kb).topics // { programs: [], regions: ["郑州", "郑州市"], sectors: ["教育", …] }
 */
export function parseTopics(text: string, kb: KnowledgeBase): ParsedTopics {
  let rest = ` ${text.normalize("NFKC")} `;
  const programs = new Set<string>();
  const regions = new Set<string>();
  const sectors = new Set<string>();
  const take = (s: string) => {
    rest = rest.split(s).join(" ");
  };
  // Longest surfaces first, so 社会事业人才培养专项 is taken before 社会事业人才.
  const surfaces: { s: string; kind: "program" | "region" | "sector"; value: string[] }[] = [];
  for (const { program, document } of kb.programs) {
    for (const s of [program.id, program.title, ...program.aliases.filter((a) => a.length >= MIN_ALIAS)])
      surfaces.push({ s, kind: "program", value: [program.id] });
    for (const n of document.doc.region.names) surfaces.push({ s: n, kind: "region", value: document.doc.region.names });
    for (const sec of program.sectors) surfaces.push({ s: sec, kind: "sector", value: [sec] });
  }
  const lex = sectorWords(kb);
  for (const [w, secs] of lex.words) surfaces.push({ s: w, kind: "sector", value: secs });
  surfaces.sort((a, b) => b.s.length - a.s.length);
  for (const x of surfaces) {
    if (!rest.includes(x.s)) continue;
    const into = x.kind === "program" ? programs : x.kind === "region" ? regions : sectors;
    for (const v of x.value) into.add(v);
    take(x.s);
  }
  // The documents name one field differently (卫生 in 武清 and 玉溪, 医疗卫生 in 郑州): one takes all.
  for (const t of [...sectors]) for (const s of lex.same.get(t) ?? []) sectors.add(s);
  const unknown = rest
    .split(/[\s,，、;；/|和及与]+/)
    .map((w) => w.trim())
    .filter((w) => w && !ALL_WORDS.test(w) && !/^(领域|地区|项目|话题)$/.test(w));
  if (programs.size + regions.size + sectors.size === 0) return { topics: { ...ALL_TOPICS }, unknown };
  return { topics: { programs: [...programs], regions: [...regions], sectors: [...sectors] }, unknown };
}

/**
 * Topics in words for the chat: `项目：郑州市社会事业人才培养专项；地区：郑州市；领域：教育` or `全部通知`.
 */
export function topicsText(t: Topics, kb: KnowledgeBase): string {
  const title = (id: string) => kb.programs.find((p) => p.program.id === id)?.program.title ?? id;
  // Of a region's names (a document's region.names), the longest (郑州市, 天津市武清区) stands for all.
  const regions: string[] = [];
  for (const names of new Set(kb.documents.map((d) => d.doc.region.names.join("|")))) {
    const group = names.split("|");
    if (group.some((n) => t.regions.includes(n))) regions.push(group.reduce((a, b) => (b.length > a.length ? b : a)));
  }
  const known = new Set(kb.documents.flatMap((d) => d.doc.region.names));
  regions.push(...t.regions.filter((r) => !known.has(r)));
  const parts = [
    t.programs.length > 0 ? `项目：${t.programs.map(title).join("、")}` : "",
    regions.length > 0 ? `地区：${regions.join("、")}` : "",
    t.sectors.length > 0 ? `领域：${t.sectors.join("、")}` : "",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join("；") : "全部通知（不限项目、地区、领域）";
}
