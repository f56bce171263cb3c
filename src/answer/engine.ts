/**
 * The Q&A engine: understands a question, finds the programs and clauses it
 * is about, and composes an answer from KB values and clause text only, with
 * citations. Ambiguous questions get `clarify`, unanswerable ones `no_answer`.
 */

import Fuse from "fuse.js";
import { type KnowledgeBase, type LoadedDocument, loadKnowledgeBase } from "../kb/load.js";
import type { Clause, Program } from "../kb/schema.js";
import { statusLabel, validityWarning } from "../kb/status.js";
import { type Intent, loadCatalog } from "../nlu/catalog.js";
import { MentionIndex } from "../nlu/mentions.js";
import { hasContent, normalize } from "../nlu/normalize.js";
import { createSegmenter } from "../nlu/segment.js";
import { corrections } from "../nlu/spell.js";
import { type NluResources, type Understanding, understand } from "../nlu/understand.js";
import { cacheKey, defaultCacheDir } from "../util/cache.js";
import { excerpt, MONEY, sentences } from "./excerpt.js";
import { chineseDate, type Rendered, renderBasis, renderField, renderStatus, whoToAsk } from "./render.js";
import { bigramsOf, ClauseIndex, type Hit } from "./retrieve.js";
import { checkSlots } from "./slots-check.js";
import { type Answer, type ChatContext, type Choice, type Citation, EMPTY_CONTEXT } from "./types.js";

/** Longest question accepted, in characters. */
export const MAX_QUESTION_CHARS = 500;
/** Minimum BM25 score of the best clause for an answer without a detected program or intent. */
const MIN_SCORE_UNSCOPED = 12;
const MIN_SCORE_SCOPED = 4;

interface Target {
  document: LoadedDocument;
  programs: Program[];
  /** The question named one of these programs (not just the region). */
  explicit: boolean;
}

/** The result of one turn. */
export interface Turn {
  answer: Answer;
  context: ChatContext;
}

export class Engine {
  /** The understanding resources (segmenter, mentions, catalog), for tools and tests. */
  readonly nlu: NluResources;
  private readonly index: ClauseIndex;
  private readonly intents: Intent[];
  private readonly commonPhrases = new Map<string, boolean>();
  private readonly programScoped = new Map<string, boolean>();
  private readonly programClauses = new Map<string, Set<string>>();

  private constructor(
    readonly kb: KnowledgeBase,
    policies: string,
    cacheDir: string,
  ) {
    const { intents, lexicon } = loadCatalog(policies, cacheDir);
    this.intents = intents;
    const mentions = new MentionIndex(kb, lexicon);
    const corpus = [
      ...kb.documents.flatMap((d) => d.clauses.map((c) => c.text)),
      ...intents.flatMap((i) => [...i.keywords, ...i.clauseWords]),
      ...Object.keys(lexicon.synonyms),
      ...Object.values(lexicon.english),
    ].join("\n");
    const segmenter = createSegmenter(corpus, mentions.surfaces(), cacheDir);
    this.nlu = { segmenter, mentions, intents, lexicon, corpus };
    this.index = new ClauseIndex(kb, segmenter, new Set(lexicon.stopwords), {
      dir: cacheDir,
      key: cacheKey(corpus, mentions.surfaces().join("\n")),
    });
  }

  /**
   * Load the KB, catalog and indexes.
   * @param policies the `policies/` folder
   * @param cacheDir where parsed YAML and the trimmed jieba dictionary are cached (default `data/cache`)
   * @throws KbError when the knowledge base is invalid
   */
  static load(policies: string, cacheDir = defaultCacheDir(policies)): Engine {
    const { kb } = loadKnowledgeBase(policies, { verify: false, cacheDir });
    return new Engine(kb, policies, cacheDir);
  }

  /**
   * Answer one question in a conversation.
   * @param question the user's text, any length or content
   * @param context what the chat remembers (default: a fresh chat)
   * @returns the answer and the context for the next turn
   */
  ask(question: string, context: ChatContext = EMPTY_CONTEXT): Turn {
    const trimmed = question.trim();
    if (trimmed === "") return this.plain("no_answer", "请输入您的问题，例如：郑州社会事业人才培养经费怎么拨付？", context);
    if (trimmed.length > MAX_QUESTION_CHARS) {
      return this.plain("no_answer", `问题太长了（超过${MAX_QUESTION_CHARS}字），请用一两句话说明您想了解的政策和问题。`, context);
    }
    if (!hasContent(normalize(trimmed))) {
      return this.plain("no_answer", "没有识别到文字内容。请用中文或英文描述您的问题，例如：武清卫生骨干人才的申报条件是什么？", context);
    }
    const picked = this.pickChoice(trimmed, context);
    if (picked) return picked;
    const u = understand(trimmed, this.nlu);
    return this.answer(trimmed, u, context);
  }

  /** When the previous turn asked to clarify, a reply naming a choice re-asks the pending question. */
  private pickChoice(text: string, context: ChatContext): Turn | null {
    const pending = context.pending;
    if (!pending) return null;
    const n = Number(normalize(text).replace(/[^\d]/g, ""));
    let choice: Choice | undefined;
    if (/^\s*\d+\s*$/.test(normalize(text)) && n >= 1 && n <= pending.choices.length) choice = pending.choices[n - 1];
    choice ??= pending.choices.find((c) => c.value === text.trim() || c.label === text.trim());
    choice ??= matchChoice(normalize(text), pending.choices);
    if (!choice) return null;
    const program = this.kb.programs.find((p) => p.program.id === choice.value);
    const document = program?.document ?? this.kb.documents.find((d) => d.doc.id === choice.value);
    if (!document) return null;
    const scoped: ChatContext = {
      documents: [document.doc.id],
      programs: program ? [program.program.id] : [],
      domains: program?.program.domain ? [program.program.domain] : [],
      tiers: program?.program.tier ? [program.program.tier] : [],
      intent: context.intent,
    };
    const u = understand(pending.question, this.nlu);
    return this.answer(pending.question, { ...u, followUp: true, mentions: [] }, scoped, true);
  }

  private answer(question: string, u: Understanding, context: ChatContext, forceContext = false): Turn {
    const explicitDocs = unique(u.mentions.filter((m) => m.kind === "document").map((m) => m.ref));
    const namedRegions = new Set(u.mentions.filter((m) => m.kind === "document").map((m) => m.ref));
    // A program named only by a phrase that many documents use (高层次人才) does not pull in
    // another region's document when the question names a region.
    const explicitPrograms = unique(
      u.mentions
        .filter((m) => m.kind === "program")
        .filter((m) => {
          const doc = this.programById(m.ref)?.document.doc.id;
          return namedRegions.size === 0 || (doc !== undefined && namedRegions.has(doc)) || !this.isCommonPhrase(m.surface);
        })
        .map((m) => m.ref),
    );
    let domains = unique(u.mentions.filter((m) => m.kind === "domain").map((m) => m.ref));
    let tiers = unique(u.mentions.filter((m) => m.kind === "tier").map((m) => m.ref));
    const superseded = unique(u.mentions.filter((m) => m.kind === "superseded").map((m) => m.ref));
    let docIds = unique([...explicitDocs, ...explicitPrograms.map((p) => this.programById(p)?.document.doc.id ?? "")].filter(Boolean));
    let programIds = explicitPrograms;
    let intent = u.intent;

    // A tier named without a place (骨干人才…) points at the documents that have that tier.
    const tierDocs = unique(this.kb.programs.filter((p) => p.program.tier && tiers.includes(p.program.tier)).map((p) => p.document.doc.id));
    const contextFits = tiers.length === 0 || context.documents.some((d) => tierDocs.includes(d));
    const inherit =
      forceContext || (docIds.length === 0 && context.documents.length > 0 && contextFits && (u.followUp || !u.intent || tiers.length > 0));
    if (inherit) {
      docIds = context.documents;
      if (domains.length === 0) domains = context.domains;
      if (tiers.length === 0) tiers = context.tiers;
      if (u.mentions.every((m) => m.kind !== "domain" && m.kind !== "tier")) programIds = context.programs;
      intent ??= this.intents.find((i) => i.id === context.intent) ?? null;
    }
    if (docIds.length === 0 && tiers.length > 0) docIds = tierDocs;

    if (superseded.length > 0) return this.answerSuperseded(superseded[0] ?? "", context);

    if (u.foreignPlaces.length > 0 && docIds.length === 0) {
      const regions = this.kb.documents.map((d) => d.doc.region.district ?? d.doc.region.city);
      return this.plain(
        "no_answer",
        `抱歉，我只收录了${unique(regions).join("、")}的人才政策，没有“${u.foreignPlaces[0]}”的相关文件，无法回答。请咨询当地人力资源和社会保障部门或人才工作领导小组办公室。`,
        context,
      );
    }

    const targets = this.resolveTargets(docIds, programIds, domains, tiers);
    // Inside a scope the names that chose it (武清, 鲲鹏工程) no longer discriminate between clauses.
    const names = u.mentions.filter((m) => m.kind === "document").map((m) => m.surface);
    const content = targets.length > 0 ? u.tokens.filter((t) => !names.some((n) => n.includes(t))) : u.tokens;
    // A word no clause uses may be a typo (任物 → 任务): add its corrections, and character bigrams.
    const unknown = this.index.unknownWords(u.tokens);
    const fixes = unknown.flatMap((w) => corrections(w, u.zh, this.index.spellIndex(), this.index.corpus()));
    const terms = [
      ...(content.length > 0 ? content : u.tokens).map((t) => ({ term: t, weight: 1 })),
      ...fixes.map((t) => ({ term: t, weight: 1 })),
      ...unknownBigrams(u.zh, unknown).map((t) => ({ term: t, weight: 0.6, bigram: true })),
      ...(intent?.clauseWords ?? []).map((t) => ({ term: t, weight: 0.3 })),
    ];
    const single = targets.flatMap((t) => (t.programs.length === 1 && t.programs[0] ? [t.programs[0]] : []));
    const nextContext: ChatContext = {
      documents: targets.map((t) => t.document.doc.id),
      programs: single.map((p) => p.id),
      // Remember the 领域/层次 of the program under discussion, so 那骨干呢？ keeps 卫生.
      domains: domains.length > 0 ? domains : unique(single.map((p) => p.domain ?? "").filter(Boolean)),
      tiers: tiers.length > 0 ? tiers : unique(single.map((p) => p.tier ?? "").filter(Boolean)),
      intent: intent?.id ?? null,
    };

    if (targets.length === 0 && intent?.field === "status") return this.answerAllStatuses(nextContext);
    if (targets.length === 0) return this.answerUnscoped(question, u, intent, terms, context);

    // One document with several programs that answer differently → clarify.
    if (targets.length === 1 && intent?.perProgram && !u.cross && u.specific.length === 0 && !forceContext) {
      const t = targets[0] as Target;
      if (t.programs.length > 1) {
        const rendered = t.programs.map((p) => renderField(intent, p, u.aspects).lines);
        // Programs that mostly agree (a domain's 拔尖/骨干 share most measures) are answered side by side.
        const sets = rendered.map((r) => new Set(r));
        const union = new Set(rendered.flat());
        const shared = [...union].filter((l) => sets.every((set) => set.has(l))).length;
        if (union.size > 0 && shared / union.size < 0.6) {
          return this.clarify(
            question,
            intent,
            t.programs.map((p) => ({ label: p.title, value: p.id })),
            t.document,
            nextContext,
          );
        }
      }
    }
    return this.compose(u, intent, targets, terms, nextContext);
  }

  private answerUnscoped(
    question: string,
    u: Understanding,
    intent: Intent | null,
    terms: { term: string; weight: number }[],
    context: ChatContext,
  ): Turn {
    const hits = this.index.query(terms);
    const top = hits[0];
    if (!top || (top.score < MIN_SCORE_UNSCOPED && !intent)) return this.noAnswer(context);
    if (intent?.perProgram && !u.cross && u.specific.length === 0) {
      const withData = this.kb.documents.filter((d) => d.doc.programs.some((p) => renderField(intent, p).lines.length > 0));
      if (withData.length >= 2) {
        const choices = withData.flatMap((d) =>
          d.doc.programs.length <= 3
            ? d.doc.programs.map((p) => ({ label: p.title, value: p.id }))
            : [{ label: `${d.doc.shortTitle}（${domainList(d)}）`, value: d.doc.id }],
        );
        return this.clarify(question, intent, choices, null, { ...EMPTY_CONTEXT, intent: intent.id });
      }
    }
    if (top.score < MIN_SCORE_SCOPED) return this.noAnswer(context);
    const target: Target = { document: top.document, programs: this.programsOfClause(top.document, top.clause), explicit: true };
    return this.compose(u, intent, [target], terms, {
      documents: [top.document.doc.id],
      programs: target.programs.length === 1 ? [target.programs[0]?.id ?? ""] : [],
      domains: [],
      tiers: [],
      intent: intent?.id ?? null,
    });
  }

  private compose(
    u: Understanding,
    intent: Intent | null,
    targets: Target[],
    terms: { term: string; weight: number }[],
    next: ChatContext,
  ): Turn {
    const parts: string[] = [];
    const cited: { document: LoadedDocument; clauseId: string }[] = [];
    const programs: Program[] = [];
    let best = 0;
    const warned = new Set<string>();
    const queryTerms = terms.filter((t) => t.weight >= 1).map((t) => t.term);
    const hitsOf = new Map(targets.map((t) => [t, this.scopedHits(t, terms, u)] as const));
    const topScore = Math.max(0, ...[...hitsOf.values()].map((h) => h[0]?.score ?? 0));
    // Targets found only through a region name (郑州 → two documents) stay only if their clauses match.
    const anyExplicit = targets.some((t) => t.explicit);
    const structuredOf = new Map(targets.map((t) => [t, this.structured(intent, t, u)] as const));
    const anyStructured = targets.some((t) => (structuredOf.get(t)?.lines.length ?? 0) > 0);
    const kept = targets.filter(
      (t) =>
        t.explicit ||
        u.cross ||
        (!anyExplicit &&
          (hitsOf.get(t)?.[0]?.score ?? 0) >= topScore * 0.7 &&
          (!anyStructured || (structuredOf.get(t)?.lines.length ?? 0) > 0)),
    );
    kept.sort((a, b) => Number(b.explicit) - Number(a.explicit) || (hitsOf.get(b)?.[0]?.score ?? 0) - (hitsOf.get(a)?.[0]?.score ?? 0));
    const multi = kept.length > 1;
    for (const t of kept.slice(0, 4)) {
      const doc = t.document.doc;
      const section: string[] = [];
      if (multi) section.push(`【${t.programs.length === 1 ? t.programs[0]?.title : doc.shortTitle}】`);
      const warning = validityWarning(doc);
      if (warning && !warned.has(doc.id)) {
        section.push(warning);
        warned.add(doc.id);
      }
      let structured = structuredOf.get(t) ?? { lines: [], clauses: [] };
      // Several programs in view and a specific question: keep only the programs whose
      // values cite the best-matching clause (平顶山's 9 programs, one of them relevant).
      const bestHit = hitsOf.get(t)?.[0];
      if (t.programs.length > 1 && bestHit && u.specific.length > 0) {
        const citing = t.programs.filter((p) => this.citedClauses(p).has(bestHit.clause.id));
        structured =
          citing.length > 0 && citing.length < t.programs.length
            ? this.structured(intent, { ...t, programs: citing }, u)
            : citing.length === 0
              ? { lines: [], clauses: [] }
              : structured;
      }
      // A colloquial eligibility question (我46岁能报吗) gets the direct answer first, then all criteria.
      const check = intent?.id === "eligibility" && t.programs.length === 1 && t.programs[0] ? checkSlots(t.programs[0], u.slots) : [];
      if (check.length > 0) section.push(...check, "全部申报条件：");
      if (structured.lines.length > 0) {
        section.push(...structured.lines.map((l) => (l.startsWith("《") || /^\d+\./.test(l) ? l : `· ${l}`)));
        for (const c of structured.clauses) cited.push({ document: t.document, clauseId: c });
      }
      const preferred = new Set(structured.clauses);
      const hits = [...(hitsOf.get(t) ?? [])]
        .map((h) => (preferred.has(h.clause.id) ? { ...h, score: h.score * 2 } : h))
        .sort((a, b) => b.score - a.score);
      const quoteCount = u.cross && targets.length === 1 ? 10 : structured.lines.length > 0 ? 1 : 2;
      const quoted = this.pickQuotes(hits, quoteCount, u);
      if (u.asksAmount && !this.amountStated(u, t, structured, quoted, queryTerms)) return this.noAmount(t, quoted[0], next, u.perMonth);
      for (const h of quoted) {
        section.push(
          `${structured.lines.length > 0 || quoted.length > 1 ? "原文" : "依据"}（${h.clause.label}）：${excerpt(h.clause.text, queryTerms)}`,
        );
        cited.push({ document: t.document, clauseId: h.clause.id });
        best = Math.max(best, h.score);
      }
      if (structured.lines.length === 0 && quoted.length === 0) continue;
      programs.push(...t.programs);
      parts.push(section.join("\n"));
    }
    if (parts.length === 0) return this.noAnswer(next);
    const citations = this.citations(cited);
    const intro = this.intro(intent, kept);
    const answer = [
      intro,
      ...parts,
      `出处：${unique(citations.map((c) => `《${c.document}》${c.docNumber ? `（${c.docNumber}）` : ""}${c.clause}`)).join("；")}`,
    ]
      .filter(Boolean)
      .join("\n");
    const confidence = Math.min(0.99, targets.length > 0 && programs.length > 0 ? 0.6 + best / (best + 20) / 2.5 : best / (best + 10));
    return {
      answer: {
        status: "answered",
        answer,
        citations,
        intent: intent?.id ?? null,
        programs: unique(programs.map((p) => p.id)).map((id) => ({ id, title: this.programById(id)?.program.title ?? id })),
        confidence: round(confidence),
      },
      context: next,
    };
  }

  private intro(intent: Intent | null, targets: Target[]): string {
    if (targets.length !== 1) return intent ? `关于“${intent.label}”，各项目规定如下：` : "";
    const t = targets[0] as Target;
    const domains = unique(t.programs.map((p) => p.domain ?? ""));
    const name =
      t.programs.length === 1
        ? t.programs[0]?.title
        : domains.length === 1 && domains[0]
          ? `${t.document.doc.shortTitle} ${domains[0]}领域`
          : t.document.doc.shortTitle;
    return intent ? `${name}｜${intent.label}：` : `${name}：`;
  }

  private structured(intent: Intent | null, t: Target, u: Understanding): Rendered {
    if (!intent) return { lines: [], clauses: [] };
    if (intent.field === "status") return renderStatus(t.document.doc);
    if (intent.field === "basis") return renderBasis(t.document.doc);
    if (t.programs.length === 0) return { lines: [], clauses: [] };
    // Group programs whose rendering is the same (e.g. every domain's 拔尖人才 gets 1万元).
    const groups = new Map<string, { programs: Program[]; rendered: Rendered }>();
    for (const p of t.programs) {
      const r = renderField(intent, p, u.aspects);
      if (r.lines.length === 0) continue;
      const key = r.lines.join("\n");
      const g = groups.get(key) ?? { programs: [], rendered: r };
      g.programs.push(p);
      groups.set(key, g);
    }
    if (groups.size === 1) return [...groups.values()][0]?.rendered ?? { lines: [], clauses: [] };
    if (groups.size > 4) return { lines: [], clauses: [] };
    const lines: string[] = [];
    const clauses: string[] = [];
    for (const g of groups.values()) {
      lines.push(`${groupTitle(g.programs)}：`, ...g.rendered.lines.map((l) => `  ${l}`));
      clauses.push(...g.rendered.clauses);
    }
    return { lines, clauses };
  }

  private scopedHits(t: Target, terms: { term: string; weight: number }[], u: Understanding): Hit[] {
    const prefixes = t.programs.flatMap((p) => p.scope);
    const inScope = (c: Clause) => prefixes.length === 0 || prefixes.some((p) => c.id.startsWith(p));
    const numbers = (u.zh.match(/\d+/g) ?? []).filter((n) => n.length >= 2);
    // With one program in view, a clause about its own tier beats one about another tier (拔尖 vs 骨干).
    const tier = t.programs.length === 1 ? t.programs[0]?.tier : undefined;
    const otherTiers = tier ? unique(t.document.doc.programs.map((p) => p.tier ?? "").filter((x) => x && x !== tier)) : [];
    const tierWeight = (c: Clause) => {
      if (!tier) return 1;
      const about = `${c.label}${c.text.slice(0, 40)}`;
      if (about.includes(tier)) return 1.5;
      return otherTiers.some((o) => about.includes(o)) ? 0.5 : 1;
    };
    // A named program's own clauses (those its values cite) come first.
    const own = t.explicit && t.programs.length <= 3 ? new Set(t.programs.flatMap((p) => [...this.citedClauses(p)])) : null;
    return this.index.query(
      terms,
      (c, d) => d.doc.id === t.document.doc.id && (inScope(c) || !this.isProgramScoped(d, c)),
      (c) =>
        (inScope(c) ? 1.5 : 1) *
        (own?.has(c.id) ? 1.5 : 1) *
        tierWeight(c) *
        (numbers.length > 0 && numbers.every((n) => c.text.includes(n)) ? 2 : 1),
    );
  }

  private pickQuotes(hits: Hit[], count: number, u: Understanding): Hit[] {
    const top = hits[0];
    if (!top) return [];
    const out = [top];
    const ratio = count > 2 ? 0.7 : 0.75;
    const numbers = (u.zh.match(/\d+/g) ?? []).filter((n) => n.length >= 2);
    for (const h of hits.slice(1)) {
      if (out.length >= count) break;
      if (h.score < top.score * ratio) break;
      if (count > 2 && numbers.length > 0 && !numbers.every((n) => h.clause.text.includes(n))) continue;
      out.push(h);
    }
    return out;
  }

  /**
   * Whether the answer would state the amount asked for: among the structured
   * lines and quoted sentences, those that best match the question's specific
   * words (差旅费, 人才公寓 …) must contain money; a monthly amount must be
   * written as monthly.
   */
  private amountStated(u: Understanding, t: Target, structured: Rendered, quotedHits: Hit[], terms: string[]): boolean {
    // A named program answers with its own clauses, not with another program's amount in the same article.
    const own = t.explicit && t.programs.length === 1 && t.programs[0] ? this.citedClauses(t.programs[0]) : null;
    const quoted = own ? quotedHits.filter((h) => own.has(h.clause.id)) : quotedHits;
    // What the money is for (购房补贴, 食宿补贴, 第一期 …): the question's words minus
    // the names of places, 领域 and 层次, generic words and the asking words themselves.
    const { lexicon } = this.nlu;
    const generic = new Set(lexicon.generic);
    const asking = new Set(lexicon.amountAskingWords);
    const money = new Set(lexicon.moneyWords);
    const places = u.mentions.filter((m) => m.kind !== "program").map((m) => m.surface);
    // English questions reach the documents through a glossary: their words do not say what the money is for.
    const focus = (u.lang === "en" ? [] : u.tokens).filter(
      (w) =>
        w.length >= 2 && !generic.has(w) && !asking.has(w) && !money.has(w) && !places.some((p) => p.includes(w)) && !/^[a-z0-9]+$/.test(w),
    );
    // A structured line speaks for its program: match the question against its names too.
    const names = t.programs.map((p) => [p.title, ...p.aliases].join(" ")).join(" ");
    const candidates = [
      ...structured.lines.map((l) => `${names} ${l}`),
      ...quoted.flatMap((h) => this.relevantSentences(h.clause.text, terms)),
    ];
    const overlap = (s: string) => focus.reduce((n, t) => n + (s.includes(t) ? t.length : 0), 0);
    const best = Math.max(0, ...candidates.map(overlap));
    if (focus.length > 0 && best === 0) return false;
    const relevant = focus.length > 0 ? candidates.filter((c) => overlap(c) === best) : candidates;
    return relevant.some((s) => MONEY.test(s) && (!u.perMonth || /每月|月/.test(s)));
  }

  private relevantSentences(text: string, terms: string[]): string[] {
    const scored = sentences(text).map((s) => ({ s, n: terms.reduce((k, t) => k + (t.length > 1 && s.includes(t) ? t.length : 0), 0) }));
    const max = Math.max(0, ...scored.map((x) => x.n));
    return scored.filter((x) => x.n > 0 && x.n >= max * 0.6).map((x) => x.s);
  }

  /** Every clause id a program's values cite. */
  private citedClauses(p: Program): Set<string> {
    let ids = this.programClauses.get(p.id);
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
      this.programClauses.set(p.id, ids);
    }
    return ids;
  }

  /** A phrase written in the clauses of two or more documents (e.g. 高层次人才). */
  private isCommonPhrase(phrase: string): boolean {
    let common = this.commonPhrases.get(phrase);
    if (common === undefined) {
      const flat = (s: string) => s.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
      const p = flat(phrase);
      common = this.kb.documents.filter((d) => d.clauses.some((c) => flat(c.text).includes(p))).length >= 2;
      this.commonPhrases.set(phrase, common);
    }
    return common;
  }

  private isProgramScoped(d: LoadedDocument, c: Clause): boolean {
    const key = `${d.doc.id}#${c.id}`;
    let scoped = this.programScoped.get(key);
    if (scoped === undefined) {
      scoped = d.doc.programs.some((p) => p.scope.some((s) => c.id.startsWith(s)));
      this.programScoped.set(key, scoped);
    }
    return scoped;
  }

  private programsOfClause(d: LoadedDocument, c: Clause): Program[] {
    const scoped = d.doc.programs.filter((p) => p.scope.some((s) => c.id.startsWith(s)));
    return scoped.length > 0 ? scoped : d.doc.programs.length === 1 ? d.doc.programs : [];
  }

  private resolveTargets(docIds: string[], programIds: string[], domains: string[], tiers: string[]): Target[] {
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

  /** Validity of every document (哪些政策已经过期了？). */
  private answerAllStatuses(next: ChatContext): Turn {
    const lines: string[] = ["各政策文件的效力如下："];
    const cited: { document: LoadedDocument; clauseId: string }[] = [];
    for (const d of this.kb.documents) {
      const doc = d.doc;
      lines.push(
        `· 《${doc.title}》${doc.docNumber ? `（${doc.docNumber}）` : ""}，${chineseDate(doc.issueDate)}${doc.kind === "新闻报道" ? "报道" : "印发"}：${statusLabel(doc)}${doc.statusNote ? `（${doc.statusNote}）` : ""}`,
      );
      for (const s of doc.supersedes) lines.push(`  同时废止《${s.title}》${s.docNumber ? `（${s.docNumber}）` : ""}`);
      cited.push({ document: d, clauseId: doc.issueDateClause }, { document: d, clauseId: doc.effective.clause });
    }
    const citations = this.citations(cited);
    return {
      answer: { status: "answered", answer: lines.join("\n"), citations, intent: "status", programs: [], confidence: 0.9 },
      context: next,
    };
  }

  private answerSuperseded(title: string, context: ChatContext): Turn {
    for (const d of this.kb.documents) {
      const s = d.doc.supersedes.find((x) => x.title === title);
      if (!s) continue;
      const clause = d.clauseById.get(s.clause);
      const answer = [
        `《${s.title}》${s.docNumber ? `（${s.docNumber}）` : ""}已废止，不再作为现行政策执行。`,
        `废止依据：《${d.doc.title}》${d.doc.docNumber ? `（${d.doc.docNumber}）` : ""}${clause?.label ?? s.clause}：${clause?.text ?? ""}`,
        s.note ? `说明：${s.note}` : "",
        `现行政策请参阅《${d.doc.title}》。`,
      ]
        .filter(Boolean)
        .join("\n");
      return {
        answer: {
          status: "answered",
          answer,
          citations: this.citations([{ document: d, clauseId: s.clause }]),
          intent: "status",
          programs: d.doc.programs.map((p) => ({ id: p.id, title: p.title })),
          confidence: 0.95,
        },
        context: { ...EMPTY_CONTEXT, documents: [d.doc.id], intent: "status" },
      };
    }
    return this.noAnswer(context);
  }

  private clarify(question: string, intent: Intent, choices: Choice[], document: LoadedDocument | null, next: ChatContext): Turn {
    const list = choices.map((c, i) => `${i + 1}. ${c.label}`).join("\n");
    const where = document ? `《${document.doc.shortTitle}》的各项目` : "不同政策";
    const answer = `关于“${intent.label}”，${where}规定不同。请问您想了解哪一个？回复序号或名称即可：\n${list}`;
    return {
      answer: {
        status: "clarify",
        answer,
        citations: [],
        intent: intent.id,
        programs: choices.filter((c) => this.programById(c.value)).map((c) => ({ id: c.value, title: c.label })),
        confidence: 0.5,
        choices,
      },
      context: { ...next, pending: { question, choices } },
    };
  }

  private noAmount(t: Target, hit: Hit | undefined, next: ChatContext, perMonth = false): Turn {
    const where = hit ? `《${t.document.doc.title}》${hit.clause.label}提到了相关内容，但` : `《${t.document.doc.title}》`;
    const what = perMonth ? "没有规定按月发放的金额" : "没有规定具体金额";
    return {
      answer: {
        status: "no_answer",
        answer: `${where}文件${what}，我不能替您估算。请咨询${whoToAsk(t.document)}。`,
        citations: hit ? this.citations([{ document: t.document, clauseId: hit.clause.id }]) : [],
        intent: "funding",
        programs: t.programs.map((p) => ({ id: p.id, title: p.title })),
        confidence: 0.6,
      },
      context: next,
    };
  }

  private noAnswer(context: ChatContext): Turn {
    const titles = this.kb.documents.filter((d) => d.doc.status !== "informational").map((d) => d.doc.shortTitle);
    const answer = [
      "抱歉，现有政策文件中没有找到能回答这个问题的内容，我不做猜测。",
      `我可以回答这些政策的申报条件、经费资助、申报程序、考核、待遇和负责部门等问题：${titles.join("、")}，以及郑州人才工作“一件事”等新闻发布内容。`,
      `具体事项可咨询：${unique(this.kb.documents.map((d) => whoToAsk(d))).join("；")}。`,
    ].join("\n");
    return this.plain("no_answer", answer, context);
  }

  private plain(status: Answer["status"], answer: string, context: ChatContext): Turn {
    return { answer: { status, answer, citations: [], intent: null, programs: [], confidence: 0 }, context };
  }

  private citations(cited: { document: LoadedDocument; clauseId: string }[]): Citation[] {
    const seen = new Set<string>();
    const out: Citation[] = [];
    for (const { document, clauseId } of cited) {
      const key = `${document.doc.id}#${clauseId}`;
      const clause = document.clauseById.get(clauseId);
      if (seen.has(key) || !clause) continue;
      seen.add(key);
      out.push({ document: document.doc.title, docNumber: document.doc.docNumber, clause: clause.label, text: clause.text });
    }
    return out;
  }

  private programById(id: string) {
    return this.kb.programs.find((p) => p.program.id === id);
  }
}

/**
 * A short reply naming one of the offered choices loosely (卫生骨干, 玉溪那个):
 * the only label containing it, else the best fuse.js match. Longer texts are
 * new questions, not choices.
 */
function matchChoice(reply: string, choices: Choice[]): Choice | undefined {
  const r = reply.replace(/[的那个吧呢吗。？?！!\s]/g, "");
  if (r.length < 2 || r.length > 12) return undefined;
  const containing = choices.filter((c) => c.label.includes(r));
  if (containing.length === 1) return containing[0];
  if (containing.length > 1) return undefined;
  const best = new Fuse(choices, { keys: ["label"], includeScore: true, threshold: 0.4, ignoreLocation: true }).search(r)[0];
  return best && (best.score ?? 1) <= 0.4 ? best.item : undefined;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Character bigrams of each unknown word with one neighbour on each side (主要任物有 → 要任, 任物, 物有). */
function unknownBigrams(question: string, unknown: string[]): string[] {
  const out = new Set<string>();
  for (const w of unknown) {
    const at = question.indexOf(w);
    if (at < 0) continue;
    for (const b of bigramsOf(question.slice(Math.max(0, at - 1), at + w.length + 1))) out.add(b);
  }
  return [...out];
}

/** `武清区鲲鹏工程 卫生领域 拔尖人才` for one program; `拔尖人才（党政、卫生…）` for a group sharing a tier. */
function groupTitle(programs: Program[]): string {
  const first = programs[0];
  if (!first) return "";
  if (programs.length === 1) return first.title;
  const tiers = unique(programs.map((p) => p.tier ?? ""));
  const domains = unique(programs.map((p) => p.domain ?? "").filter(Boolean));
  if (tiers.length === 1 && tiers[0] && domains.length > 0) return `${tiers[0]}（${domains.join("、")}领域）`;
  return programs.map((p) => p.title).join("、");
}

function domainList(d: LoadedDocument): string {
  const domains = unique(d.doc.programs.map((p) => p.domain).filter((x): x is string => Boolean(x)));
  return domains.length > 0 ? `${domains.join("、")}等${domains.length}个领域` : `${d.doc.programs.length}个项目`;
}
