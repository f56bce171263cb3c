/**
 * Lookups over the knowledge base's programs for the answer engine: which
 * programs a question targets, which clauses a program cites, which phrases are
 * too common to name one program. Results are cached per engine.
 */
import type { KnowledgeBase, LoadedDocument } from "../kb/load.js";
import type { Clause, Program } from "../kb/schema.js";

/** A document the question is about, with the programs in view. */
export interface Target {
  document: LoadedDocument;
  programs: Program[];
  /** The question named one of these programs (not just the region). */
  explicit: boolean;
}

export class ProgramIndex {
  private readonly commonPhrases = new Map<string, boolean>();
  private readonly scoped = new WeakMap<LoadedDocument, Map<string, boolean>>();
  private readonly clausesOf = new Map<string, Set<string>>();

  private readonly ids = new Map<string, KnowledgeBase["programs"][number]>();

  constructor(readonly kb: KnowledgeBase) {
    for (const p of kb.programs) if (!this.ids.has(p.program.id)) this.ids.set(p.program.id, p);
  }

  /** The program with this id and its document. */
  byId(id: string) {
    return this.ids.get(id);
  }

  /** Every clause id a program's values cite. */
  citedClauses(p: Program): Set<string> {
    let ids = this.clausesOf.get(p.id);
    if (!ids) {
      const found = new Set<string>();
      const walk = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === "object") {
          for (const [k, x] of Object.entries(v)) {
            if (k === "clause" && typeof x === "string") found.add(x);
            else walk(x);
          }
        }
      };
      walk(p);
      ids = found;
      this.clausesOf.set(p.id, ids);
    }
    return ids;
  }

  /** A phrase written in the clauses of two or more documents (e.g. 高层次人才). */
  isCommonPhrase(phrase: string): boolean {
    let common = this.commonPhrases.get(phrase);
    if (common === undefined) {
      const flat = (s: string) => s.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
      const p = flat(phrase);
      common = this.kb.documents.filter((d) => d.clauses.some((c) => flat(c.text).includes(p))).length >= 2;
      this.commonPhrases.set(phrase, common);
    }
    return common;
  }

  /** Whether a clause belongs to some program's scope (a 武清 domain). */
  isProgramScoped(d: LoadedDocument, c: Clause): boolean {
    let ofDocument = this.scoped.get(d);
    if (!ofDocument) {
      ofDocument = new Map();
      this.scoped.set(d, ofDocument);
    }
    let scoped = ofDocument.get(c.id);
    if (scoped === undefined) {
      scoped = d.doc.programs.some((p) => p.scope.some((s) => c.id.startsWith(s)));
      ofDocument.set(c.id, scoped);
    }
    return scoped;
  }

  /** The programs a clause belongs to (all of a one-program document). */
  programsOfClause(d: LoadedDocument, c: Clause): Program[] {
    const scoped = d.doc.programs.filter((p) => p.scope.some((s) => c.id.startsWith(s)));
    return scoped.length > 0 ? scoped : d.doc.programs.length === 1 ? d.doc.programs : [];
  }

  /**
   * The documents in view with their programs, narrowed by named programs,
   * 领域 (domains) and 层次 (tiers).
   */
  resolveTargets(docIds: string[], programIds: string[], domains: string[], tiers: string[]): Target[] {
    const targets: Target[] = [];
    for (const id of docIds) {
      const document = this.kb.documents.find((d) => d.doc.id === id);
      if (!document) continue;
      const all = document.doc.programs;
      const explicit = all.filter((p) => programIds.includes(p.id));
      let chosen = explicit;
      const hasDomains = all.some((p) => p.domain);
      if (hasDomains && (domains.length > 0 || tiers.length > 0)) {
        const base = explicit.length > 0 && explicit.length < all.length ? explicit : all;
        const narrowed = base.filter(
          (p) =>
            (domains.length === 0 || (p.domain !== undefined && domains.includes(p.domain))) &&
            (tiers.length === 0 || (p.tier !== undefined && tiers.includes(p.tier))),
        );
        if (narrowed.length > 0) chosen = narrowed;
      }
      if (chosen.length === 0) chosen = all.length === 1 ? all : explicit.length > 0 ? explicit : all;
      if (explicit.length > 0 && docIds.length > 1) chosen = chosen.length > 0 ? chosen : explicit;
      targets.push({
        document,
        programs: chosen,
        explicit: explicit.length > 0 || (hasDomains && (domains.length > 0 || tiers.length > 0)),
      });
    }
    return targets;
  }
}
