/**
 * Understanding a question: normalisation, English glossary, segmentation,
 * mentions (documents, programs, domains, tiers), intent and slots.
 */
import type { Intent, Lexicon } from "./catalog.js";
import { FirstCharIndex } from "./first-char.js";
import type { Mention, MentionIndex } from "./mentions.js";
import { normalize } from "./normalize.js";
import type { Segmenter } from "./segment.js";
import { extractSlots, type Slots } from "./slots.js";

/** What the NLU made of one question. */
export interface Understanding {
  /** Normalised question (traditional → simplified, NFKC, lower-case ASCII). */
  text: string;
  /** The question with English terms replaced by the documents' Chinese terms. */
  zh: string;
  lang: "zh" | "en";
  /** Content tokens for retrieval (stopwords removed, synonyms added). */
  tokens: string[];
  /** Chinese character bigrams of the question, so a typo (任物) still meets 主要任务. */
  bigrams: string[];
  intent: Intent | null;
  /** Intents ranked by keyword evidence, best first. */
  intents: { intent: Intent; score: number }[];
  mentions: Mention[];
  slots: Slots;
  /** Place names that are not in the knowledge base (e.g. 杭州). */
  foreignPlaces: string[];
  /** The question compares programs or asks across domains (哪些领域、分别、和…都). */
  cross: boolean;
  /** The question asks for an amount of money. */
  asksAmount: boolean;
  /** The question asks when something happens or is paid (什么时候发、何时), not how much. */
  asksWhen: boolean;
  /** The amount asked for is monthly (每月、一个月、per month). */
  perMonth: boolean;
  /** The amount asked for is daily (每天、每日、per day). */
  perDay: boolean;
  /** The question reads like a follow-up (那骨干呢？、需要什么学历？). */
  followUp: boolean;
  /** Content words beyond intent keywords, names and generic words: what makes the question specific. */
  specific: string[];
  /** Eligibility aspects the question singles out (学历, 年龄 …), from the lexicon. */
  aspects: { fields: string[]; text: string[] }[];
}

/** Inputs the understanding step needs, built once per knowledge base. */
export interface NluResources {
  segmenter: Segmenter;
  mentions: MentionIndex;
  intents: Intent[];
  lexicon: Lexicon;
  /** All KB text, to tell known places (北京 in 京津医院) from foreign ones. */
  corpus: string;
}

const PUNCT = /^[\p{P}\p{S}\s\d]+$/u;
const isCjk = (code: number) => code >= 0x4e00 && code <= 0x9fff;
const AMOUNT =
  /多少钱|多少元|多少万|金额|数额|(?:补贴|津贴|补助|资助|经费|奖励|奖金|资金|工资|租金|费|预算|总额)[^，。？?]{0,10}多少|(?:租金|房租|价格|工资|薪酬)(?:是|为|有)?多少|(?:补助|补贴|津贴|资助|经费|奖励|奖金|资金)(?:是|有|给)?多少|多少[^，。？?]{0,4}(?:津贴|补贴|补助|资助|经费|奖励|奖金|资金)|标准是多少|给多少|how much (?:money|funding|subsidy|allowance)|how much does/;
const CROSS =
  /哪些领域|哪几个领域|哪个领域|各领域|各个领域|分别|都可以|都能|都是|都有|一样|相比|区别|不同点|哪些项目|哪几个项目|各有|各自|各是|which domains|compare|both/;
/** Names (program aliases, document titles) at least this long are hidden from intent keywords. */
const MASKED_NAME = 6;
const FOLLOW_UP = /^(那|那么|那个|还有|另外|再问|呢|and |what about)/;
/** A pronoun between a verb and 钱 (会不会收我钱、给我们钱): dropped so 收钱、给钱 are read. */
const VERB_PRONOUN_MONEY = /([收给交要扣])(?:我们|我|俺们|俺|咱们|咱)(?=钱)/g;

const glossaryCache = new WeakMap<Record<string, string>, { phrase: string; re: RegExp; zh: string }[]>();

/** What understanding derives from a lexicon: sets, entries and compiled patterns (once per lexicon). */
interface LexiconTables {
  stop: Set<string>;
  generic: Set<string>;
  synonyms: [string, string[]][];
  /** The synonym words, by first character. */
  synonymWords: FirstCharIndex;
  /** Every word that synonyms add to a query. */
  expansions: Set<string>;
  /** Eligibility aspects with a test of each of their words (English words as whole words). */
  aspects: { aspect: Lexicon["criteriaAspects"][string]; tests: ((text: string, zh: string) => boolean)[] }[];
}
const lexiconCache = new WeakMap<Lexicon, LexiconTables>();

/**
 * A word made only of stopword and generic characters (入选后能拿 → 后能, 各给): a segmentation
 * artefact that says nothing about what is asked.
 */
export function isFunctionWord(word: string, lexicon: Lexicon): boolean {
  const { generic, stop } = tables(lexicon);
  return word.length <= 3 && [...word].every((ch) => generic.has(ch) || stop.has(ch));
}

function tables(lexicon: Lexicon): LexiconTables {
  let t = lexiconCache.get(lexicon);
  if (!t) {
    t = {
      stop: new Set(lexicon.stopwords),
      generic: new Set(lexicon.generic),
      synonyms: Object.entries(lexicon.synonyms),
      synonymWords: new FirstCharIndex(Object.keys(lexicon.synonyms)),
      expansions: new Set(Object.values(lexicon.synonyms).flat()),
      aspects: Object.values(lexicon.criteriaAspects).map((aspect) => ({
        aspect,
        tests: aspect.words.map((w) => {
          if (!/^[a-z]/.test(w)) return (_text: string, zh: string) => zh.includes(w);
          const re = new RegExp(`\\b${w}\\b`);
          return (text: string) => re.test(text);
        }),
      })),
    };
    lexiconCache.set(lexicon, t);
  }
  return t;
}

/** Each intent's English keywords as whole-word patterns (compiled once per intent). */
const englishKeywords = new WeakMap<Intent, { re: RegExp; words: number }[]>();

function englishPatterns(intent: Intent): { re: RegExp; words: number }[] {
  let patterns = englishKeywords.get(intent);
  if (!patterns) {
    patterns = intent.keywordsEn.map((k) => ({ re: new RegExp(`(?<![a-z])${k}(?![a-z])`), words: k.split(" ").length }));
    englishKeywords.set(intent, patterns);
  }
  return patterns;
}

function translateEnglish(text: string, english: Record<string, string>): string {
  let out = ` ${text} `;
  let rules = glossaryCache.get(english);
  if (!rules) {
    rules = Object.keys(english)
      .sort((a, b) => b.length - a.length)
      .map((p) => ({
        phrase: p,
        re: new RegExp(`(?<![a-z])${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:s|es)?(?![a-z])`, "g"),
        zh: english[p] ?? "",
      }));
    glossaryCache.set(english, rules);
  }
  // A phrase not in the text (as the earlier rules left it) cannot match: skip its pattern.
  for (const { phrase, re, zh } of rules) if (out.includes(phrase)) out = out.replace(re, ` ${zh} `);
  // Rejoin Chinese terms so aliases match: "郑州 社会事业 人才" → "郑州社会事业人才".
  return out
    .replace(/\s+/g, " ")
    .replace(/([\u4e00-\u9fff]) (?=[\u4e00-\u9fff])/g, "$1")
    .trim();
}

/** Every intent keyword in catalog order (intent by intent), indexed by first character. */
interface KeywordIndex {
  keywords: { intent: number; keyword: string }[];
  words: FirstCharIndex;
}
const keywordIndexes = new WeakMap<Intent[], KeywordIndex>();

function keywordIndex(intents: Intent[]): KeywordIndex {
  let index = keywordIndexes.get(intents);
  if (!index) {
    const keywords = intents.flatMap((intent, i) => intent.keywords.map((keyword) => ({ intent: i, keyword })));
    index = { keywords, words: new FirstCharIndex(keywords.map((k) => k.keyword)) };
    keywordIndexes.set(intents, index);
  }
  return index;
}

/**
 * Score intents by keyword evidence: each keyword found adds its length,
 * weighted up to 1.5× towards the end of the sentence (Chinese puts the asked
 * thing last: 研修期间可以请假吗 asks about leave, not the period).
 */
function scoreIntents(
  text: string,
  zh: string,
  intents: Intent[],
): { ranked: { intent: Intent; score: number }[]; found: Map<Intent, string[]> } {
  const ranked: { intent: Intent; score: number }[] = [];
  const found = new Map<Intent, string[]>();
  const english = /[a-z]{3,}/.test(text);
  // Only keywords starting with a character of the question can be in it; visiting them in catalog
  // order adds each intent's evidence in the same order as a walk over all its keywords.
  const index = keywordIndex(intents);
  const evidence = new Array<number>(intents.length).fill(0);
  for (const at of index.words.candidates(zh)) {
    const { intent: i, keyword: k } = index.keywords[at] as { intent: number; keyword: string };
    const last = zh.lastIndexOf(k);
    if (last < 0) continue;
    evidence[i] = (evidence[i] as number) + k.length * (1 + (0.5 * (last + k.length)) / (zh.length + 1));
    const intent = intents[i] as Intent;
    const words = found.get(intent);
    if (words) words.push(k);
    else found.set(intent, [k]);
  }
  for (const [i, intent] of intents.entries()) {
    let score = evidence[i] as number;
    if (english) {
      for (const k of englishPatterns(intent)) if (k.re.test(text)) score += 2 * k.words;
    }
    if (score > 0) ranked.push({ intent, score });
  }
  ranked.sort((a, b) => b.score - a.score);
  // 医疗方面有什么保障: the specific kind of benefit (医疗) beats the general word (保障).
  const top = ranked[0];
  const specific = ranked.find((r) => r.intent.field === top?.intent.field && r.intent.benefitType);
  if (top && !top.intent.benefitType && specific) {
    ranked.splice(ranked.indexOf(specific), 1);
    ranked.unshift(specific);
  }
  return { ranked, found };
}

/** Two different names for documents (平顶山和郑州); one name shared by two documents (郑州) is one place. */
function namesSeveralPlaces(mentions: Mention[]): boolean {
  const docs = mentions.filter((m) => m.kind === "document");
  return new Set(docs.map((m) => m.surface)).size > 1 && new Set(docs.map((m) => m.ref)).size > 1;
}

/**
 * Understand one question.
 * @param raw the user's text (callers reject empty/oversized input first)
 */
export function understand(raw: string, r: NluResources): Understanding {
  return understandNormalized(normalize(raw), r);
}

/**
 * Understand one question already normalised (for callers that normalised it to check it first).
 * @param text `normalize(raw)`
 */
export function understandNormalized(text: string, r: NluResources): Understanding {
  const lex = tables(r.lexicon);
  let letters = 0;
  let cjk = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) letters++;
    else if (c >= 0x4e00 && c <= 0x9fff) cjk++;
  }
  const lang = letters > cjk * 2 ? "en" : "zh";
  const zh = lang === "en" ? translateEnglish(text, r.lexicon.english) : text;
  const mentions = r.mentions.find(zh);
  const stop = lex.stop;
  const tokens: string[] = [];
  for (const t of r.segmenter.cutForSearch(zh)) {
    const w = t.trim();
    // A word starting with a Chinese character is not punctuation (skips the Unicode-class pattern).
    if (!w || (!isCjk(w.charCodeAt(0)) && PUNCT.test(w)) || stop.has(w)) continue;
    if (lang === "en" && /^[a-z]+$/.test(w)) continue;
    tokens.push(w);
  }
  const plain = zh.replace(VERB_PRONOUN_MONEY, "$1");
  for (const at of lex.synonymWords.candidates(plain)) {
    const [word, expansions] = lex.synonyms[at] as [string, string[]];
    if (plain.includes(word)) tokens.push(...expansions);
  }
  // Place names matter only when the question names no document of the KB (then 杭州 means "not ours");
  // a program named by a phrase alone (高层次人才) does not name a place.
  const namesDocument = mentions.some((m) => m.kind === "document");
  const foreignPlaces = namesDocument
    ? []
    : r.segmenter
        .tag(zh)
        .filter((t) => t.tag === "ns" && t.word.length >= 2 && !r.corpus.includes(t.word))
        .map((t) => t.word);
  // A long name says which program, not what is asked: 博士后科研工作站 is not a question about 博士.
  let unnamed = plain;
  for (const m of mentions) if (m.surface.length >= MASKED_NAME && m.kind !== "domain") unnamed = unnamed.split(m.surface).join("□");
  const { ranked: intents, found } = scoreIntents(text, unnamed, r.intents);
  const generic = lex.generic;
  const named = mentions.map((m) => m.surface);
  const keywords = intents.flatMap((i) => found.get(i.intent) ?? []);
  const specific = tokens.filter(
    (t) =>
      !generic.has(t) &&
      !isFunctionWord(t, r.lexicon) &&
      !keywords.some((k) => k.includes(t) || t.includes(k)) &&
      !named.some((n) => n.includes(t)) &&
      !/^\d+$/.test(t),
  );
  const tokenSet = new Set(tokens);
  const bigrams: string[] = [];
  for (const run of zh.match(/[\u4e00-\u9fff]+/g) ?? []) for (let i = 0; i + 2 <= run.length; i++) bigrams.push(run.slice(i, i + 2));
  const aspects = lex.aspects.filter((a) => a.tests.some((test) => test(text, zh))).map((a) => a.aspect);
  const slots = extractSlots(zh);
  // "我46岁能报吗" states facts to check against every criterion: no narrowing to 年龄.
  const statesFacts = slots.age !== undefined || slots.years !== undefined || slots.teachingYears !== undefined || /我|本人|俺|咱/.test(zh);
  return {
    aspects: statesFacts ? [] : aspects,
    bigrams: [...new Set(bigrams)].filter((b) => !tokenSet.has(b)),
    specific: [...new Set(specific.filter((t) => !lex.expansions.has(t) || zh.includes(t)))],
    text,
    zh,
    lang,
    tokens,
    intent: intents[0]?.intent ?? null,
    intents,
    mentions,
    slots,
    foreignPlaces,
    cross: CROSS.test(zh) || namesSeveralPlaces(mentions),
    asksAmount: AMOUNT.test(zh) || AMOUNT.test(text),
    asksWhen: /什么时候|啥时候|何时|什么时间|哪个时间|when\b/.test(zh) && !AMOUNT.test(zh),
    perDay: /每天|每日|一天|per day|daily|a day/.test(zh),
    perMonth: /每月|每个月|一个月|月均|按月|per month|monthly|a month/.test(zh),
    followUp: FOLLOW_UP.test(zh) || zh.replace(/[^\u4e00-\u9fff]/g, "").length <= 8,
  };
}
