/**
 * Questions that ask for an amount (多少钱): does the answer state the amount the
 * user asked for, or only mention the support? Never guess an amount.
 */
import type { Lexicon } from "../nlu/catalog.js";
import type { Understanding } from "../nlu/understand.js";
import { MONEY, sentences } from "./excerpt.js";
import type { ProgramIndex, Target } from "./programs.js";
import type { Rendered } from "./render.js";
import type { Hit } from "./retrieve.js";

/**
 * Whether the answer would state the amount asked for: among the structured
 * lines and quoted sentences, those that best match the question's specific
 * words (差旅费, 人才公寓 …) must contain money; a monthly amount must be
 * written as monthly. `ignoreWord` tells words that say nothing about this target's
 * money: in a question about several programs (郑州…和玉溪研修人员…分别多少) the words
 * of another one, and segmentation debris (各给).
 */
export function amountStated(
  u: Understanding,
  t: Target,
  structured: Rendered,
  quotedHits: Hit[],
  terms: string[],
  lexicon: Lexicon,
  programs: ProgramIndex,
  ignoreWord: (w: string) => boolean = () => false,
): boolean {
  // A named program answers with its own clauses, not with another program's amount in the same article.
  const own = t.explicit && t.programs.length === 1 && t.programs[0] ? programs.citedClauses(t.programs[0]) : null;
  const quoted = own ? quotedHits.filter((h) => own.has(h.clause.id)) : quotedHits;
  // What the money is for (购房补贴, 食宿补贴, 第一期 …): the question's words minus
  // the names of places, 领域 and 层次, generic words and the asking words themselves.
  const generic = new Set(lexicon.generic);
  const asking = new Set(lexicon.amountAskingWords);
  const money = new Set(lexicon.moneyWords);
  const places = u.mentions.filter((m) => m.kind !== "program").map((m) => m.surface);
  // English questions reach the documents through a glossary: their words do not say what the money is for.
  const words = (u.lang === "en" ? [] : u.tokens).filter(
    (w) =>
      w.length >= 2 && !generic.has(w) && !asking.has(w) && !money.has(w) && !places.some((p) => p.includes(w)) && !/^[a-z0-9]+$/.test(w),
  );
  // Program names match every line of their program (and none of another target's): what the money
  // is for is in the other words (中原科技城的人才公寓租金 → 人才公寓、租金).
  const named = u.mentions.filter((m) => m.kind === "program").map((m) => m.surface);
  // The segmenter gives a compound and its parts (研修人员, 研修): the compound says what is meant.
  const longest = words.filter((w) => !words.some((o) => o !== w && o.includes(w)));
  const focus = longest.filter((w) => !named.some((n) => n.includes(w)) && !ignoreWord(w));
  // A structured line speaks for its program: match the question against its names too.
  const names = t.programs.map((p) => [p.title, ...p.aliases].join(" ")).join(" ");
  const candidates = [...structured.lines.map((l) => `${names} ${l}`), ...quoted.flatMap((h) => relevantSentences(h.clause.text, terms))];
  const overlap = (s: string) => focus.reduce((n, t) => n + (s.includes(t) ? t.length : 0), 0);
  const best = Math.max(0, ...candidates.map(overlap));
  // Every word of what the money is for must be in the lines and sentences that could state it:
  // 导师的带教补贴 (the document never names them), 专项资金的预算总额 (the lines speak of the
  // fund, none of its 预算) — the amount asked is not there.
  if (focus.some((w) => !candidates.some((c) => c.includes(w)))) return false;
  const relevant = focus.length > 0 ? candidates.filter((c) => overlap(c) === best) : candidates;
  return relevant.some((s) => MONEY.test(s) && (!u.perMonth || /每月|月/.test(s)) && (!u.perDay || /每天|每日|日/.test(s)));
}

/** The sentences of a clause that share the most words with the question. */
export function relevantSentences(text: string, terms: string[]): string[] {
  const scored = sentences(text).map((s) => ({ s, n: terms.reduce((k, t) => k + (t.length > 1 && s.includes(t) ? t.length : 0), 0) }));
  const max = Math.max(0, ...scored.map((x) => x.n));
  return scored.filter((x) => x.n > 0 && x.n >= max * 0.6).map((x) => x.s);
}

/** Units a count question asks in (几个、多少天 …), each with the units a document may state it in. */
const COUNT_UNITS: Record<string, string> = {
  个: "个",
  家: "家",
  所: "所",
  座: "座",
  项: "项",
  篇: "篇",
  次: "次",
  期: "期",
  天: "天|日|工作日",
  日: "天|日|工作日",
  人: "人|名|位",
  名: "人|名|位",
  位: "人|名|位",
};
const NUMERAL = "[\\d一二两三四五六七八九十百千万]+";

/**
 * Whether the answer would state the count a question asks for (几个博士后工作站、每期多少天):
 * among the structured lines and the quoted clauses, one
 * writes a number in the asked unit (2—3期, 100名左右). Questions that ask no unit count pass.
 */
export function countStated(question: string, lines: string[], quotedHits: Hit[]): boolean {
  // 哪几个部门 asks which, not how many; 几个月 asks how long. Only the last clause asks:
  // in 我有几项专利，想拿来转化，欢迎不 the 几项 is "a few".
  const asking =
    question
      .split(/[，,；;。]/)
      .filter((c) => c.trim() !== "")
      .at(-1) ?? question;
  const written = (re: RegExp) => [...lines, ...quotedHits.map((h) => h.clause.text)].some((t) => re.test(t.replace(/\s+/g, "")));
  // 几月份开始申报: a month, written as 10月 / 十月 / 月底 in a document that says it.
  if (/(?:几|哪个)月份?|哪月/.test(asking) && !/几个月/.test(asking)) return written(new RegExp(`${NUMERAL}月|月底|月初`));
  const unit = /(?<!哪)(?:几|多少)(个(?!月)|家|所|座|项|篇|次|期|天|日|人|名|位)/.exec(asking)?.[1];
  if (!unit) return true;
  return written(new RegExp(`${NUMERAL}(?:[—\\-~至到]${NUMERAL})?(?:余|多)?个?(?:${COUNT_UNITS[unit]})`));
}
