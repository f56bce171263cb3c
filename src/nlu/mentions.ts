/**
 * Detection of what a question is about: documents (by region name or alias),
 * programs (by title/alias, tolerating a one-character typo), 领域 domains and tiers.
 */
import type { KnowledgeBase } from "../kb/load.js";
import type { Lexicon } from "./catalog.js";
import { FirstCharIndex } from "./first-char.js";

export type MentionKind = "document" | "program" | "domain" | "tier" | "superseded";

export interface Mention {
  kind: MentionKind;
  /** document id, program id, domain name, tier name, or superseded title */
  ref: string;
  surface: string;
  /** 1 for an exact alias, less for fuzzy matches */
  score: number;
}

interface Entry {
  surface: string;
  kind: MentionKind;
  ref: string;
}

const CJK_FIRST = 0x4e00;
/** Scratch table for {@link MentionIndex.fuzzy}: 1 for each CJK ideograph of the question being read (reset after). */
const QUESTION_CHARS = new Uint8Array(0x9fff - CJK_FIRST + 1);

const TIER_SHORT = (tier: string) => [tier, tier.replace(/^优秀/, "").replace(/人才$|干部$/, "")].filter((t) => t.length >= 2);

/** Index of every surface form that names something in the KB. */
export class MentionIndex {
  private readonly entries: Entry[];
  /** The surfaces of `entries` by first character. */
  private readonly byFirst: FirstCharIndex;
  private fuzzyEntries: Entry[] | null = null;

  constructor(kb: KnowledgeBase, lexicon: Lexicon) {
    const entries: Entry[] = [];
    const add = (surface: string, kind: MentionKind, ref: string) => {
      const s = surface.normalize("NFKC").toLowerCase().trim();
      if (s.length >= 2) entries.push({ surface: s, kind, ref });
    };
    for (const d of kb.documents) {
      for (const n of [...d.doc.region.names, ...d.doc.aliases, ...d.doc.aliasesEn, d.doc.title, d.doc.shortTitle])
        add(n, "document", d.doc.id);
      for (const s of d.doc.supersedes) {
        add(s.title, "superseded", s.title);
        if (s.docNumber) add(s.docNumber, "superseded", s.title);
      }
      for (const p of d.doc.programs) {
        for (const n of [p.title, ...p.aliases, ...p.aliasesEn, ...p.mentionedSchemes]) add(n, "program", p.id);
        if (p.tier) for (const t of TIER_SHORT(p.tier)) add(t, "tier", p.tier);
      }
    }
    for (const [domain, words] of Object.entries(lexicon.domains)) for (const w of words) add(w, "domain", domain);
    // Superseded documents are also named by their short keywords (名师名医名家).
    for (const e of entries.filter((x) => x.kind === "superseded")) {
      const core = /^(?:.*?市)?(.+?)(?:支持专项)?实施细则$/.exec(e.surface)?.[1];
      if (core && core !== e.surface) add(core, "superseded", e.ref);
    }
    entries.sort((a, b) => b.surface.length - a.surface.length);
    this.entries = entries;
    this.byFirst = new FirstCharIndex(entries.map((e) => e.surface));
  }

  /** All surface forms (for the segmenter's user dictionary). */
  surfaces(): string[] {
    return this.entries.map((e) => e.surface);
  }

  /**
   * Find mentions in a normalised question. Exact matches are taken longest
   * first without overlap; when no program is found, near-misses of aliases
   * are looked for (typos such as 社会事业人财).
   */
  find(q: string): Mention[] {
    const found: Mention[] = [];
    // Which surface took each character; the same surface may name several things (郑州 → two documents).
    const taken = new Array<string | null>(q.length).fill(null);
    // Only surfaces starting with a character of the question can occur in it (same order as `entries`).
    for (const k of this.byFirst.candidates(q)) {
      const e = this.entries[k] as Entry;
      let from = 0;
      for (;;) {
        const at = q.indexOf(e.surface, from);
        if (at < 0) break;
        from = at + 1;
        let free = true;
        for (let i = at; i < at + e.surface.length; i++) if (taken[i] !== null && taken[i] !== e.surface) free = false;
        if (!free) continue;
        // ASCII aliases must match whole words.
        if (/^[a-z]/.test(e.surface) && /[a-z]/.test(q[at - 1] ?? "")) continue;
        for (let i = at; i < at + e.surface.length; i++) taken[i] = e.surface;
        if (!found.some((m) => m.kind === e.kind && m.ref === e.ref))
          found.push({ kind: e.kind, ref: e.ref, surface: e.surface, score: 1 });
      }
    }
    if (!found.some((m) => m.kind === "program")) {
      // Which CJK characters (in the order fuzzy() reads them) an exact name took.
      const takenCjk: boolean[] = [];
      for (let i = 0; i < q.length; i++) if (/[\u4e00-\u9fff]/.test(q[i] ?? "")) takenCjk.push(taken[i] !== null);
      found.push(...this.fuzzy(q, takenCjk).filter((f) => !found.some((m) => m.kind === f.kind && m.ref === f.ref)));
    }
    // "卫生领域" outweighs a bare domain word elsewhere in the sentence (继续教育 is not 教育领域).
    if (found.some((m) => m.kind === "domain" && m.surface.endsWith("领域"))) {
      return found.filter((m) => m.kind !== "domain" || m.surface.endsWith("领域"));
    }
    return found;
  }

  /**
   * Near-misses of aliases of 4+ Chinese characters: a window of the question
   * with the alias's length that differs in one character (同音字 typos such as
   * 社会事业人财), or two for aliases of 8+ characters. A character that differs but belongs to
   * a name found exactly is no typo: 专业技术领域的鲲鹏工程 names a domain and the 鲲鹏工程, not
   * a near-miss of 专业技术领域骨干.
   * @param taken per CJK character of the question, whether an exact name took it
   */
  private fuzzy(q: string, taken: boolean[] = []): Mention[] {
    const cjk = q.replace(/[^\u4e00-\u9fff]/g, "");
    if (cjk.length < 4) return [];
    this.fuzzyEntries ??= this.entries.filter(
      (e) => (e.kind === "program" || e.kind === "document") && /^[\u4e00-\u9fff]{4,}$/.test(e.surface),
    );
    const out = new Map<string, Mention>();
    // Which characters the question has (CJK ideographs only, so a small table indexed by code).
    const seen = QUESTION_CHARS;
    for (let i = 0; i < cjk.length; i++) seen[cjk.charCodeAt(i) - CJK_FIRST] = 1;
    try {
      for (const e of this.fuzzyEntries) {
        const s = e.surface;
        const len = s.length;
        if (len > cjk.length) continue;
        const allowed = len >= 8 ? 2 : 1;
        // A window within `allowed` differences has the alias's other characters in place, so
        // an alias with fewer of its characters anywhere in the question cannot match.
        let absent = 0;
        for (let k = 0; k < len && absent <= allowed; k++) if (seen[s.charCodeAt(k) - CJK_FIRST] === 0) absent++;
        if (absent > allowed) continue;
        for (let i = 0; i + len <= cjk.length; i++) {
          let diff = 0;
          let named = false;
          for (let k = 0; k < len && diff <= allowed; k++) {
            if (cjk.charCodeAt(i + k) === s.charCodeAt(k)) continue;
            diff++;
            if (taken[i + k]) named = true;
          }
          if (diff === 0 || diff > allowed || named) continue;
          const score = 1 - diff / len;
          const key = `${e.kind}:${e.ref}`;
          const prev = out.get(key);
          if (!prev || prev.score < score) out.set(key, { kind: e.kind, ref: e.ref, surface: cjk.slice(i, i + len), score });
        }
      }
    } finally {
      for (let i = 0; i < cjk.length; i++) seen[cjk.charCodeAt(i) - CJK_FIRST] = 0;
    }
    return [...out.values()];
  }
}
