/**
 * The Q&A engine: understands a question, finds the programs and clauses it
 * is about, and composes an answer from KB values and clause text only, with
 * citations. Ambiguous questions get `clarify`, unanswerable ones `no_answer`.
 */

import { type KnowledgeBase, type LoadedDocument, loadKnowledgeBase } from "../kb/load.js";
import type { Clause, Program } from "../kb/schema.js";
import { validityWarning } from "../kb/status.js";
import { type Intent, loadCatalog } from "../nlu/catalog.js";
import { MentionIndex } from "../nlu/mentions.js";
import { hasContent, normalize } from "../nlu/normalize.js";
import { createSegmenter } from "../nlu/segment.js";
import { corrections } from "../nlu/spell.js";
import { isFunctionWord, type NluResources, type Understanding, understand, understandNormalized } from "../nlu/understand.js";
import { cacheKey, defaultCacheDir } from "../util/cache.js";
import { round, unique } from "../util/collections.js";
import { amountStated, countStated } from "./amount.js";
import { matchChoice } from "./choices.js";
import { countPhrases, excerpt } from "./excerpt.js";
import { ProgramIndex, type Target } from "./programs.js";
import { renderField } from "./render.js";
import {
  allDocumentsTurn,
  citations,
  clarifyTurn,
  noAmountTurn,
  noAnswerTurn,
  notStatedTurn,
  plainTurn,
  supersededTurn,
} from "./replies.js";
import { bigramsOf, ClauseIndex, type Hit } from "./retrieve.js";
import { checkSlots } from "./slots-check.js";
import { structuredFor } from "./structured.js";
import { type ChatContext, type Choice, EMPTY_CONTEXT, type Turn } from "./types.js";

export type { Turn } from "./types.js";

/** Longest question accepted, in characters. */
export const MAX_QUESTION_CHARS = 500;
/** Minimum BM25 score of the best clause for an answer without a detected program or intent. */
const MIN_SCORE_UNSCOPED = 12;
const MIN_SCORE_SCOPED = 4;
/** A clause that ends announcing its parts (郑州系列人才政策有四大鲜明的特点。、包括以下三个方面：). */
const ANNOUNCES_PARTS = /(?:有|包括|分为|以下)[一二三四五六七八九十两\d]+(?:大|个|项|类|方面)[^。；]{0,8}[。：:]$/;

export class Engine {
  /** The understanding resources (segmenter, mentions, catalog), for tools and tests. */
  readonly nlu: NluResources;
  private readonly index: ClauseIndex;
  private readonly intents: Intent[];
  /** Every substring of every intent keyword (for typo corrections that reveal the intent). */
  private readonly intentParts: Set<string>;
  private readonly programs: ProgramIndex;
  private readonly isProgram = (id: string): boolean => this.programs.byId(id) !== undefined;
  private readonly abouts = new WeakMap<Clause, string>();
  private readonly texts = new WeakMap<LoadedDocument, string>();
  private readonly programTexts = new WeakMap<Program, string>();

  private constructor(
    readonly kb: KnowledgeBase,
    policies: string,
    cacheDir: string,
  ) {
    const { intents, lexicon } = loadCatalog(policies, cacheDir);
    this.intents = intents;
    this.intentParts = new Set(intents.flatMap((i) => i.keywords.flatMap(substrings)));
    this.programs = new ProgramIndex(kb);
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
    if (trimmed === "") return plainTurn("no_answer", "请输入您的问题，例如：郑州社会事业人才培养经费怎么拨付？", context);
    if (trimmed.length > MAX_QUESTION_CHARS) {
      return plainTurn("no_answer", `问题太长了（超过${MAX_QUESTION_CHARS}字），请用一两句话说明您想了解的政策和问题。`, context);
    }
    const text = normalize(trimmed);
    if (!hasContent(text)) {
      return plainTurn("no_answer", "没有识别到文字内容。请用中文或英文描述您的问题，例如：武清卫生骨干人才的申报条件是什么？", context);
    }
    const picked = this.pickChoice(trimmed, text, context);
    if (picked) return picked;
    const u = understandNormalized(text, this.nlu);
    return this.answer(trimmed, this.respell(u) ?? u, context);
  }

  /**
   * A typo in the word that says what is asked (申报条见 → 申报条件) hides the intent:
   * when an unknown word is one character away from a clause word that intent keywords
   * use, and its neighbours in the question confirm it, read the corrected question.
   */
  private respell(u: Understanding): Understanding | null {
    if (u.lang !== "zh") return null;
    const unknown = this.index.unknownWords(u.tokens);
    if (unknown.length === 0) return null;
    let zh = u.zh;
    for (const w of unknown) {
      const at = zh.indexOf(w);
      if (at < 0) continue;
      const before = zh.slice(Math.max(0, at - 1), at);
      const after = zh.slice(at + w.length, at + w.length + 1);
      const fixes = this.index
        .spellIndex()
        .neighbours(w)
        .filter((v) => this.intentParts.has(v))
        .filter((v) => (before && this.intentParts.has(before + v)) || (after && this.intentParts.has(v + after)));
      if (fixes.length === 1 && fixes[0]) zh = zh.slice(0, at) + fixes[0] + zh.slice(at + w.length);
    }
    return zh === u.zh ? null : understand(zh, this.nlu);
  }

  /**
   * When the previous turn asked to clarify, a reply naming a choice re-asks the pending question.
   * @param normalized `normalize(text)`
   */
  private pickChoice(text: string, normalized: string, context: ChatContext): Turn | null {
    const pending = context.pending;
    if (!pending) return null;
    const n = Number(normalized.replace(/[^\d]/g, ""));
    let choice: Choice | undefined;
    if (/^\s*\d+\s*$/.test(normalized) && n >= 1 && n <= pending.choices.length) choice = pending.choices[n - 1];
    choice ??= pending.choices.find((c) => c.value === text.trim() || c.label === text.trim());
    choice ??= matchChoice(normalized, pending.choices);
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
        // A near-miss (人才培训 ≈ 人才培育) of another document's alias does not outweigh a named document.
        .filter((m) => m.score >= 1 || namedRegions.size === 0 || namedRegions.has(this.programs.byId(m.ref)?.document.doc.id ?? ""))
        // …nor is a near-miss that is itself a phrase several documents use (人才培养 ≈ 人才培育).
        .filter((m) => m.score >= 1 || !this.programs.isCommonPhrase(m.surface))
        .filter((m) => {
          const doc = this.programs.byId(m.ref)?.document.doc.id;
          return namedRegions.size === 0 || (doc !== undefined && namedRegions.has(doc)) || !this.programs.isCommonPhrase(m.surface);
        })
        .map((m) => m.ref),
    );
    let domains = unique(u.mentions.filter((m) => m.kind === "domain").map((m) => m.ref));
    let tiers = unique(u.mentions.filter((m) => m.kind === "tier").map((m) => m.ref));
    const superseded = unique(u.mentions.filter((m) => m.kind === "superseded").map((m) => m.ref));
    let docIds = unique([...explicitDocs, ...explicitPrograms.map((p) => this.programs.byId(p)?.document.doc.id ?? "")].filter(Boolean));
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

    if (superseded.length > 0) return supersededTurn(this.kb, superseded[0] ?? "") ?? noAnswerTurn(this.kb, context);

    // 北京市海外高层次人才…: a foreign place with only a phrase many documents use (高层次人才) is not about our documents.
    const onlyCommon =
      explicitDocs.length === 0 && u.mentions.every((m) => m.kind !== "program" || this.programs.isCommonPhrase(m.surface));
    if (u.foreignPlaces.length > 0 && (docIds.length === 0 || (onlyCommon && !inherit))) {
      const regions = this.kb.documents.map((d) => d.doc.region.district ?? d.doc.region.city);
      return plainTurn(
        "no_answer",
        `抱歉，我只收录了${unique(regions).join("、")}的人才政策，没有“${u.foreignPlaces[0]}”的相关文件，无法回答。请咨询当地人力资源和社会保障部门或人才工作领导小组办公室。`,
        context,
      );
    }

    // 人才绿色通道是怎么规定的: one phrase names programs of several documents and nothing says which → ask.
    const ambiguous = this.ambiguousPhrase(u, explicitDocs, explicitPrograms, inherit);
    if (ambiguous) {
      return clarifyTurn(
        question,
        intent ?? { id: null, label: ambiguous },
        explicitPrograms.map((id) => {
          const p = this.programs.byId(id);
          return { label: p ? `${p.program.title}（${p.document.doc.shortTitle}）` : id, value: id };
        }),
        null,
        { ...EMPTY_CONTEXT, intent: intent?.id ?? null },
        this.isProgram,
      );
    }

    const targets = this.programs.resolveTargets(docIds, programIds, domains, tiers);
    // Inside a scope the names that chose it (武清, 鲲鹏工程) no longer discriminate between clauses.
    // So do the place names of the documents in view (平顶山 beside 高层次专业技术人才引育工程, which
    // named the document: else its 标题, short and with 平顶山 twice, outranks every answer).
    const names = [
      ...u.mentions.filter((m) => m.kind === "document").map((m) => m.surface),
      ...targets.flatMap((t) => t.document.doc.region.names),
    ];
    const content = targets.length > 0 ? u.tokens.filter((t) => !names.some((n) => n.includes(t))) : u.tokens;
    // A word no clause uses may be a typo (任物 → 任务): add its corrections, and character bigrams.
    // A name the question was matched by (高层次专业技术人才引育工程, written with a space in its 标题) is no typo.
    const surfaces = new Set(u.mentions.map((m) => m.surface));
    const unknown = this.index.unknownWords(u.tokens.filter((t) => !surfaces.has(t)));
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

    // 实施细则是哪天印发的 (one document, which?) vs 哪些政策已经过期了 (all of them).
    if (targets.length === 0 && (intent?.field === "status" || intent?.field === "basis")) {
      const ofAll = u.cross || /哪些|哪几|各个|各项|所有|全部|都/.test(u.zh);
      return allDocumentsTurn(this.kb, intent.field, question, !ofAll, nextContext);
    }
    if (targets.length === 0) return this.answerUnscoped(question, u, intent, terms, context);
    // 郑州社会事业人才的个人所得税能减免吗: a topic the named documents never touch.
    const outside = this.outsideTopic(u, targets);
    if (outside && targets[0])
      return notStatedTurn(targets[0], undefined, `${outside}方面的内容`, intent?.id ?? null, nextContext, "我不做猜测");
    const unstated = this.unstatedNumber(u, intent, targets, terms);
    if (unstated) return notStatedTurn(unstated.target, unstated.hit, unstated.what, intent?.id ?? null, nextContext);
    // 郑州社会事业人才的个人所得税怎么减免: nothing asked that the documents know of (no intent, and
    // every content word foreign to them): say the documents do not answer rather than quote a neighbour.
    if (!intent && !u.followUp && this.foreignContent(u, 2)) return noAnswerTurn(this.kb, nextContext);

    // One document with several programs that answer differently → clarify.
    // A question that names each program it asks about (拔尖人才和骨干人才) needs no clarifying.
    const namesEach = (tiers.length >= 2 || domains.length >= 2 || explicitPrograms.length >= 2) && (targets[0]?.programs.length ?? 0) <= 4;
    if (targets.length === 1 && intent?.perProgram && !u.cross && !forceContext && !namesEach) {
      const t = targets[0] as Target;
      if (t.programs.length > 1 && !this.selectsPrograms(u.specific, t)) {
        const rendered = t.programs.map((p) => renderField(intent, p, u.aspects, { when: u.asksWhen }).lines);
        // Programs that mostly agree (a domain's 拔尖/骨干 share most measures) are answered side by side.
        const sets = rendered.map((r) => new Set(r));
        const union = new Set(rendered.flat());
        const shared = [...union].filter((l) => sets.every((set) => set.has(l))).length;
        if (union.size > 0 && shared / union.size < 0.6) {
          return clarifyTurn(
            question,
            intent,
            t.programs.map((p) => ({ label: p.title, value: p.id })),
            t.document,
            nextContext,
            this.isProgram,
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
    // 推荐一部好看的电影、怎么办理护照: every content word is foreign to the documents (and no typo
    // of theirs); an intent keyword (推荐、怎么办理) alone does not make it a policy question.
    if (this.foreignContent(u)) return noAnswerTurn(this.kb, context);
    const hits = this.index.query(terms);
    const top = hits[0];
    if (!top || (top.score < MIN_SCORE_UNSCOPED && !intent)) return noAnswerTurn(this.kb, context);
    if (intent?.perProgram && !u.cross) {
      const withData = this.kb.documents.filter((d) => d.doc.programs.some((p) => renderField(intent, p).lines.length > 0));
      const fit = this.documentsFitting(u.specific, withData);
      if (fit.length >= 2) {
        const choices = fit.flatMap((d) =>
          d.doc.programs.length <= 3
            ? d.doc.programs.map((p) => ({ label: p.title, value: p.id }))
            : [{ label: `${d.doc.shortTitle}（${domainList(d)}）`, value: d.doc.id }],
        );
        return clarifyTurn(question, intent, choices, null, { ...EMPTY_CONTEXT, intent: intent.id }, this.isProgram);
      }
    }
    if (top.score < MIN_SCORE_SCOPED) return noAnswerTurn(this.kb, context);
    const target: Target = { document: top.document, programs: this.programs.programsOfClause(top.document, top.clause), explicit: true };
    return this.compose(
      u,
      intent,
      [target],
      terms,
      {
        documents: [top.document.doc.id],
        programs: target.programs.length === 1 ? [target.programs[0]?.id ?? ""] : [],
        domains: [],
        tiers: [],
        intent: intent?.id ?? null,
      },
      hits,
    );
  }

  /**
   * The first of the lexicon's `outsideTopics` the question names (个人所得税、社保、落户 …) when
   * none of the targets' documents uses any of its words, else null.
   */
  private outsideTopic(u: Understanding, targets: Target[]): string | null {
    if (targets.length === 0) return null;
    for (const [topic, forms] of Object.entries(this.nlu.lexicon.outsideTopics)) {
      if (!u.zh.includes(topic)) continue;
      if (!targets.some((t) => forms.some((f) => this.documentText(t.document).includes(f)))) return topic;
    }
    return null;
  }

  /**
   * A number asked (名额、金额) about something the documents name but give no number for:
   * a scheme a program only mentions (“671青年人才工程”每年选拔多少人), or the quota of a
   * place below the documents' regions (给金水区分配了多少个名额: quotas are set by yearly notices).
   */
  private unstatedNumber(
    u: Understanding,
    intent: Intent | null,
    targets: Target[],
    terms: { term: string; weight: number }[],
  ): { target: Target; hit: Hit | undefined; what: string } | null {
    const quota = intent?.id === "quota";
    if (!quota && !u.asksAmount) return null;
    const what = quota ? "名额（人数）" : "金额";
    const firstHit = (t: Target) =>
      this.scopedHits(
        t,
        this.index.query(terms, (_c, d) => d === t.document),
        u,
      )[0];
    for (const m of u.mentions) {
      if (m.kind !== "program") continue;
      const p = this.programs.byId(m.ref);
      if (!p) continue;
      if (!p.program.mentionedSchemes.some((s) => s.normalize("NFKC").toLowerCase() === m.surface)) continue;
      const target = targets.find((t) => t.document === p.document) ?? { document: p.document, programs: [p.program], explicit: true };
      return { target, hit: firstHit(target), what: `“${m.surface}”的${what}` };
    }
    const target = targets[0];
    if (!quota || !target) return null;
    const place = u.tokens.find((w) => /^[\u4e00-\u9fff]{2,6}(区|县|镇|乡|街道)$/.test(w) && this.index.unknownWords([w]).length > 0);
    return place ? { target, hit: firstHit(target), what: `分配给${place}的名额` } : null;
  }

  /**
   * The phrase (绿色通道) when it alone names programs of two or more documents: no place,
   * no other program named, not a comparison, not a follow-up in a chat that has chosen.
   */
  private ambiguousPhrase(u: Understanding, explicitDocs: string[], explicitPrograms: string[], inherit: boolean): string | null {
    if (explicitDocs.length > 0 || inherit || u.cross || explicitPrograms.length < 2) return null;
    const surfaces = unique(u.mentions.filter((m) => m.kind === "program").map((m) => m.surface));
    if (surfaces.length !== 1 || u.mentions.some((m) => m.kind !== "program")) return null;
    const docs = unique(explicitPrograms.map((id) => this.programs.byId(id)?.document.doc.id ?? ""));
    return docs.length >= 2 ? (surfaces[0] ?? null) : null;
  }

  /**
   * Whether the question has specific words about a target's programs: words none of their
   * clauses use (骨干人才的年龄不能超过多少岁: 不能) are small talk, and leave the question as
   * general as one without them.
   */
  private selectsPrograms(specific: string[], t: Target): boolean {
    if (specific.length === 0) return false;
    return specific.some((w) => t.programs.some((p) => this.programText(p, t.document).includes(w)));
  }

  /**
   * The documents a question without a place may be about, judged by its specific words:
   * words no document uses (期是、今年: segmentation debris, small talk) say nothing; the
   * rest must all be in a document's text. 培养期是多长时间 fits every document with a
   * training period; 研修期间差旅费怎么报 only 玉溪.
   */
  private documentsFitting(specific: string[], documents: LoadedDocument[]): LoadedDocument[] {
    const words = specific.filter((w) => documents.some((d) => this.documentText(d).includes(w)));
    return documents.filter((d) => words.every((w) => this.documentText(d).includes(w)));
  }

  /**
   * Every content word of the question (at least `min` of them) is one no clause uses, nor a typo
   * of one (电影、护照、个人所得税 减免). Inside a named scope one colloquial word (派别的活) is not enough.
   */
  private foreignContent(u: Understanding, min = 1): boolean {
    const content = u.specific.filter((w) => /^[\u4e00-\u9fff]{2,}$/.test(w));
    if (content.length < min || content.length < u.specific.filter((w) => w.length >= 2).length) return false;
    // 研修会不会光让我打杂: a colloquial word the lexicon translates into the documents' words
    // (打杂 → 直接参与、轮岗; 刷个脸 → 人脸识别) is not foreign to them.
    const synonyms = Object.keys(this.nlu.lexicon.synonyms).filter((k) => k.length >= 2 && u.zh.includes(k));
    if (content.some((w) => synonyms.some((k) => k.includes(w) || w.includes(k)))) return false;
    if (this.index.unknownWords(content).length < content.length) return false;
    return content.every((w) => corrections(w, u.zh, this.index.spellIndex(), this.index.corpus()).length === 0);
  }

  /**
   * The answer from the targets' structured values and best clauses.
   * @param searched hits of the same `terms` over every document, when already searched (answerUnscoped)
   */
  private compose(
    u: Understanding,
    intent: Intent | null,
    targets: Target[],
    terms: { term: string; weight: number }[],
    next: ChatContext,
    searched?: Hit[],
  ): Turn {
    const parts: string[] = [];
    const cited: { document: LoadedDocument; clauseId: string }[] = [];
    const programs: Program[] = [];
    let best = 0;
    const warned = new Set<string>();
    const queryTerms = terms.filter((t) => t.weight >= 1).map((t) => t.term);
    // How many (多少、几个), not how much money: see countPhrases.
    const asksCount = /多少|几(?:个|名|位|项|家)/.test(u.zh) && !u.asksAmount;
    // The names that chose a clause's document or program say nothing about which of its phrases answers.
    const names = u.mentions.filter((m) => m.kind === "document").map((m) => m.surface);
    const named = u.mentions.filter((m) => m.kind === "program" || m.kind === "domain").map((m) => m.surface);
    // One search over the clauses some target keeps (see scopedHits); each target then keeps and
    // re-weights its own. `searched`: the same terms were already searched over every document
    // (answerUnscoped); its hits of these clauses are what this search would return (same scores, same order).
    const scopes = targets.map((t) => ({ document: t.document, keeps: this.keeps(t) }));
    const wanted = (c: Clause, d: LoadedDocument) => {
      for (const s of scopes) if (s.document === d && s.keeps(c)) return true;
      return false;
    };
    const base = searched ? searched.filter((h) => wanted(h.clause, h.document)) : this.index.query(terms, wanted);
    const hitsOf = new Map(targets.map((t) => [t, this.scopedHits(t, base, u)] as const));
    const topScore = Math.max(0, ...[...hitsOf.values()].map((h) => h[0]?.score ?? 0));
    // Targets found only through a region name (郑州 → two documents) stay only if their clauses match.
    const anyExplicit = targets.some((t) => t.explicit);
    const structuredOf = new Map(targets.map((t) => [t, structuredFor(intent, t, u)] as const));
    const anyStructured = targets.some((t) => (structuredOf.get(t)?.lines.length ?? 0) > 0);
    const kept = targets.filter(
      (t) =>
        t.explicit ||
        u.cross ||
        (!anyExplicit &&
          (hitsOf.get(t)?.[0]?.score ?? 0) >= topScore * 0.7 &&
          // 政务办提出了什么服务模式: the document with the best clause answers even when its
          // programs' values are too varied to list.
          (!anyStructured || (structuredOf.get(t)?.lines.length ?? 0) > 0 || (hitsOf.get(t)?.[0]?.score ?? 0) >= topScore)),
    );
    // Named targets in the order the question names them (郑州…和玉溪… → 郑州 first), then by their best clause.
    const namedAt = (t: Target) => {
      const at = u.mentions
        .filter((m) => m.ref === t.document.doc.id || t.programs.some((p) => p.id === m.ref))
        .map((m) => u.zh.indexOf(m.surface))
        .filter((i) => i >= 0);
      return at.length > 0 ? Math.min(...at) : Number.MAX_SAFE_INTEGER;
    };
    kept.sort(
      (a, b) =>
        Number(b.explicit) - Number(a.explicit) ||
        (a.explicit && b.explicit ? namedAt(a) - namedAt(b) : 0) ||
        (hitsOf.get(b)?.[0]?.score ?? 0) - (hitsOf.get(a)?.[0]?.score ?? 0),
    );
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
      const documentLevel = intent?.field === "status" || intent?.field === "basis";
      if (t.programs.length > 1 && bestHit && u.specific.length > 0 && !documentLevel && !namesEachProgram(u, t.programs)) {
        const citing = t.programs.filter((p) => this.programs.citedClauses(p).has(bestHit.clause.id));
        structured =
          citing.length > 0 && citing.length < t.programs.length
            ? structuredFor(intent, { ...t, programs: citing }, u)
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
      const raw = hitsOf.get(t) ?? [];
      let hits = raw.map((h) => (preferred.has(h.clause.id) ? { ...h, score: h.score * 2 } : h)).sort((a, b) => b.score - a.score);
      // 研修学习里设的辅导教师负责啥: the values (负责部门) never name 辅导教师, the best clause does;
      // preferring the values' clauses would quote one without it, so the best clause is quoted.
      const lines = structured.lines.join("");
      // The specific words, and the corrections of typos (辅到 → 辅导: terms the question's tokens lack).
      const asked = queryTerms.filter((w) => u.specific.includes(w) || !u.tokens.includes(w));
      // The document's own name (玉溪) says nothing about which of its clauses answers.
      const unmet = asked.filter((w) => w.length >= 2 && !lines.includes(w) && !doc.title.includes(w) && raw[0]?.clause.text.includes(w));
      const covers = (h: Hit | undefined) => unmet.filter((w) => h?.clause.text.includes(w)).length;
      if (covers(raw[0]) > covers(hits[0])) hits = raw;
      const quoteCount = u.cross && targets.length === 1 ? 10 : structured.lines.length > 0 ? 1 : 2;
      const quoted = this.pickQuotes(hits, quoteCount, u);
      // 郑州系列人才政策被概括为哪几大特点: the clause announcing them is answered by the clauses under
      // it (一策 → 一策-指向更精准 …), which the question's words do not find: they are quoted too.
      const lead = quoted[0];
      if (lead && ANNOUNCES_PARTS.test(lead.clause.text.trim())) {
        const under = `${lead.clause.id}-`;
        for (const c of t.document.clauses) {
          if (c.id.startsWith(under) && !c.id.slice(under.length).includes("-") && !quoted.some((q) => q.clause === c))
            quoted.push({ clause: c, document: t.document, score: 0 });
        }
      }
      // 哪几个领域要组织岗位练兵: each 领域 whose best clause matches at least half as well as the best
      // one is quoted, so the reply names every 领域 that says it, not only the one that says it most.
      // (Scores as searched: the structured values' preference would favour the 领域 they come from.)
      const top = raw[0];
      if (u.cross && top && /哪(?:些|几个|个)领域|which 领域/.test(u.zh)) {
        for (const best of bestPerDomain(t.programs, raw)) if (best.score >= top.score * 0.5) quoteOnce(quoted, best);
      }
      // 教育领域和农业领域分别有什么平台: each 领域 the question names gets its best clause quoted,
      // however much better the other domain's clauses match.
      if (u.cross && structured.lines.length === 0 && namesEachProgram(u, t.programs)) {
        for (const best of bestPerDomain(t.programs, hits)) quoteOnce(quoted, best);
      }
      // A word of the question that only another target's document uses describes that target's money;
      // one made of function characters only (各给) is segmentation debris.
      const ignoreWord = (w: string) =>
        isFunctionWord(w, this.nlu.lexicon) ||
        (multi && !this.documentText(t.document).includes(w) && kept.some((o) => o !== t && this.documentText(o.document).includes(w)));
      if (u.asksAmount && !amountStated(u, t, structured, quoted, queryTerms, this.nlu.lexicon, this.programs, ignoreWord))
        return noAmountTurn(t, quoted[0], next, u.perMonth ? "月" : u.perDay ? "天" : "");
      // 平顶山建了几个博士后工作站: the count asked is not written; with other targets, this one just says nothing.
      if (!u.asksAmount && !countStated(u.zh, structured.lines, quoted)) {
        if (kept.length === 1) return notStatedTurn(t, quoted[0], "具体数量", intent?.id ?? null, next);
        continue;
      }
      // 中原科技城认定了多少高层次人才: with nothing structured to answer, the counts asked for are quoted
      // as the phrases that state them, not with the other figures of the sentence (签约项目84个 …).
      const phraseTerms = queryTerms.filter((w) => !names.some((n) => n.includes(w)) && !named.some((n) => n.includes(w)));
      const countOnly = asksCount && !intent && structured.lines.length === 0;
      for (const h of quoted) {
        const text = (countOnly ? countPhrases(h.clause.text, phraseTerms) : null) ?? excerpt(h.clause.text, queryTerms);
        section.push(`${structured.lines.length > 0 || quoted.length > 1 ? "原文" : "依据"}（${h.clause.label}）：${text}`);
        cited.push({ document: t.document, clauseId: h.clause.id });
        best = Math.max(best, h.score);
      }
      if (structured.lines.length === 0 && quoted.length === 0) continue;
      programs.push(...t.programs);
      parts.push(section.join("\n"));
    }
    if (parts.length === 0) return noAnswerTurn(this.kb, next);
    const cites = citations(cited);
    const intro = this.intro(intent, kept);
    const answer = [
      intro,
      ...parts,
      `出处：${unique(cites.map((c) => `《${c.document}》${c.docNumber ? `（${c.docNumber}）` : ""}${c.clause}`)).join("；")}`,
    ]
      .filter(Boolean)
      .join("\n");
    const confidence = Math.min(0.99, targets.length > 0 && programs.length > 0 ? 0.6 + best / (best + 20) / 2.5 : best / (best + 10));
    return {
      answer: {
        status: "answered",
        answer,
        citations: cites,
        intent: intent?.id ?? null,
        programs: unique(programs.map((p) => p.id)).map((id) => ({ id, title: this.programs.byId(id)?.program.title ?? id })),
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

  /**
   * A target's clauses from the shared search, re-weighted for the target: its
   * programs' scope, the clauses its named programs cite, its tier, and numbers
   * the question repeats. (BM25 scores are sums, so weighting after the search
   * equals weighting inside it.)
   */
  private scopedHits(t: Target, base: Hit[], u: Understanding): Hit[] {
    const inScope = this.inScope(t);
    const numbers = (u.zh.match(/\d+/g) ?? []).filter((n) => n.length >= 2);
    // With one program in view, a clause about its own tier beats one about another tier (拔尖 vs 骨干).
    const tier = t.programs.length === 1 ? t.programs[0]?.tier : undefined;
    const otherTiers = tier ? unique(t.document.doc.programs.map((p) => p.tier ?? "").filter((x) => x && x !== tier)) : [];
    const tierWeight = (c: Clause) => {
      if (!tier) return 1;
      const about = this.about(c);
      if (about.includes(tier)) return 1.5;
      return otherTiers.some((o) => about.includes(o)) ? 0.5 : 1;
    };
    // A named program's own clauses (those its values cite) come first.
    const own = t.explicit && t.programs.length <= 3 ? new Set(t.programs.flatMap((p) => [...this.programs.citedClauses(p)])) : null;
    const weight = (c: Clause, scoped: boolean) =>
      (scoped ? 1.5 : 1) *
      (own?.has(c.id) ? 1.5 : 1) *
      tierWeight(c) *
      (numbers.length > 0 && numbers.every((n) => c.text.includes(n)) ? 2 : 1);
    const hits: Hit[] = [];
    for (const h of base) {
      if (h.document !== t.document) continue;
      const scoped = inScope(h.clause);
      if (!scoped && this.programs.isProgramScoped(h.document, h.clause)) continue;
      hits.push({ clause: h.clause, document: h.document, score: h.score * weight(h.clause, scoped) });
    }
    return hits.sort((a, b) => b.score - a.score);
  }

  /** Whether a clause of a target's document is in the scope of the target's programs (all are when they have none). */
  private inScope(t: Target): (c: Clause) => boolean {
    const prefixes = t.programs.flatMap((p) => p.scope);
    // A program without a scope covers its whole document (平顶山's 引育工程 beside its sub-plans):
    // its 总体要求 is as much in view as a sub-plan's clause.
    const whole = t.programs.some((p) => p.scope.length === 0);
    return (c) => whole || prefixes.length === 0 || prefixes.some((p) => c.id.startsWith(p));
  }

  /** The clauses of its document a target keeps (scopedHits): those in its scope or in no program's scope. */
  private keeps(t: Target): (c: Clause) => boolean {
    const inScope = this.inScope(t);
    return (c) => inScope(c) || !this.programs.isProgramScoped(t.document, c);
  }

  /** A program's names and the texts of the clauses its values cite, joined (cached). */
  private programText(p: Program, d: LoadedDocument): string {
    let t = this.programTexts.get(p);
    if (t === undefined) {
      const ids = this.programs.citedClauses(p);
      t = [p.title, ...p.aliases, ...d.clauses.filter((c) => ids.has(c.id)).map((c) => c.text)].join("\n");
      this.programTexts.set(p, t);
    }
    return t;
  }

  /** Every clause text of a document, joined (cached). */
  private documentText(d: LoadedDocument): string {
    let t = this.texts.get(d);
    if (t === undefined) {
      t = d.clauses.map((c) => c.text).join("\n");
      this.texts.set(d, t);
    }
    return t;
  }

  /** What a clause is about, for telling tiers apart: its label and the start of its text. */
  private about(c: Clause): string {
    let about = this.abouts.get(c);
    if (about === undefined) {
      about = `${c.label}${c.text.slice(0, 40)}`;
      this.abouts.set(c, about);
    }
    return about;
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
}

/**
 * The question names every program in view, two or more of them, by name or by 领域
 * (农业领域和专业技术领域分别由谁组织实施、卫生骨干人才和教育骨干人才哪个年龄要求高):
 * each is asked about, so the best clause (one domain's) does not narrow the answer to its programs.
 */
function namesEachProgram(u: Understanding, programs: Program[]): boolean {
  const named = new Set(u.mentions.filter((m) => m.kind === "program" && m.score >= 1).map((m) => m.ref));
  const domains = new Set(u.mentions.filter((m) => m.kind === "domain").map((m) => m.ref));
  if (named.size < 2 && domains.size < 2) return false;
  return programs.every((p) => named.has(p.id) || (domains.size >= 2 && p.domain !== undefined && domains.has(p.domain)));
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

/** Every non-empty substring of a word (`k.includes(v)` ⇔ `substrings(k)` has `v`). */
function substrings(word: string): string[] {
  const out: string[] = [];
  for (let a = 0; a < word.length; a++) for (let b = a + 1; b <= word.length; b++) out.push(word.slice(a, b));
  return out;
}

function domainList(d: LoadedDocument): string {
  const domains = unique(d.doc.programs.map((p) => p.domain).filter((x): x is string => Boolean(x)));
  return domains.length > 0 ? `${domains.join("、")}等${domains.length}个领域` : `${d.doc.programs.length}个项目`;
}

/** Each 领域's best hit among a target's programs (in the order of the programs' domains). */
function bestPerDomain(programs: Program[], hits: Hit[]): Hit[] {
  const out: Hit[] = [];
  for (const domain of unique(programs.map((p) => p.domain ?? "").filter(Boolean))) {
    const own = programs.filter((p) => p.domain === domain).flatMap((p) => p.scope);
    const best = hits.find((h) => own.some((s) => h.clause.id.startsWith(s)));
    if (best) out.push(best);
  }
  return out;
}

/** Add a hit to the quotes unless its clause is quoted already. */
function quoteOnce(quoted: Hit[], hit: Hit): void {
  if (!quoted.some((q) => q.clause === hit.clause)) quoted.push(hit);
}
