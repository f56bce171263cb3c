/**
 * The engine's replies that are not composed from retrieved clauses: no
 * answer, no amount, clarifying questions, document validity, abolished
 * documents. Every figure in them comes from the KB.
 */
import type { KnowledgeBase, LoadedDocument } from "../kb/load.js";
import { statusLabel } from "../kb/status.js";
import type { Intent } from "../nlu/catalog.js";
import { unique } from "../util/collections.js";
import { chineseDate } from "../util/dates.js";
import type { Target } from "./programs.js";
import { renderBasis, whoToAsk } from "./render.js";
import type { Hit } from "./retrieve.js";
import { type Answer, type ChatContext, type Choice, type Citation, EMPTY_CONTEXT, type Turn } from "./types.js";

/**
 * A document-level question (印发日期、效力、制定依据) that names no document: every
 * document's facts, one line each. Asked of one document (实施细则是哪天印发的？, `ask`),
 * the reply also asks which one is meant (status `clarify`, the documents as choices);
 * asked of all (哪些政策已经过期了？), it is the answer.
 */
export function allDocumentsTurn(kb: KnowledgeBase, field: "status" | "basis", question: string, ask: boolean, next: ChatContext): Turn {
  const lines: string[] = [field === "status" ? "各政策文件的效力如下：" : "各政策文件的制定依据如下："];
  const cited: { document: LoadedDocument; clauseId: string }[] = [];
  const listed: LoadedDocument[] = [];
  for (const d of kb.documents) {
    const doc = d.doc;
    if (field === "basis") {
      if (doc.basis.length === 0) continue;
      lines.push(...renderBasis(doc).lines.map((l) => `· ${l}`));
      for (const b of doc.basis) cited.push({ document: d, clauseId: b.clause });
    } else {
      lines.push(
        `· 《${doc.title}》${doc.docNumber ? `（${doc.docNumber}）` : ""}，${chineseDate(doc.issueDate)}${doc.kind === "新闻报道" ? "报道" : "印发"}：${statusLabel(doc)}${doc.statusNote ? `（${doc.statusNote}）` : ""}`,
      );
      for (const s of doc.supersedes) lines.push(`  同时废止《${s.title}》${s.docNumber ? `（${s.docNumber}）` : ""}`);
      cited.push({ document: d, clauseId: doc.issueDateClause }, { document: d, clauseId: doc.effective.clause });
    }
    listed.push(d);
  }
  const intent = field;
  if (!ask || listed.length < 2) {
    return {
      answer: { status: "answered", answer: lines.join("\n"), citations: citations(cited), intent, programs: [], confidence: 0.9 },
      context: next,
    };
  }
  const choices = listed.map((d) => ({ label: d.doc.shortTitle, value: d.doc.id }));
  lines.push(`请问您问的是哪一份文件？回复序号或名称即可：\n${choices.map((c, i) => `${i + 1}. ${c.label}`).join("\n")}`);
  return {
    answer: { status: "clarify", answer: lines.join("\n"), citations: citations(cited), intent, programs: [], confidence: 0.5, choices },
    context: { ...next, pending: { question, choices } },
  };
}

/** What replaced an abolished document (名师名医名家), or null when the KB does not know the title. */
export function supersededTurn(kb: KnowledgeBase, title: string): Turn | null {
  for (const d of kb.documents) {
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
        citations: citations([{ document: d, clauseId: s.clause }]),
        intent: "status",
        programs: d.doc.programs.map((p) => ({ id: p.id, title: p.title })),
        confidence: 0.95,
      },
      context: { ...EMPTY_CONTEXT, documents: [d.doc.id], intent: "status" },
    };
  }
  return null;
}

/** A clarifying question listing the candidates (numbered; chat channels show them as buttons). */
export function clarifyTurn(
  question: string,
  intent: Intent | { id: null; label: string },
  choices: Choice[],
  document: LoadedDocument | null,
  next: ChatContext,
  isProgram: (id: string) => boolean,
): Turn {
  const list = choices.map((c, i) => `${i + 1}. ${c.label}`).join("\n");
  const where = document ? `《${document.doc.shortTitle}》的各项目` : "不同政策";
  const answer = `关于“${intent.label}”，${where}规定不同。请问您想了解哪一个？回复序号或名称即可：\n${list}`;
  return {
    answer: {
      status: "clarify",
      answer,
      citations: [],
      intent: intent.id,
      programs: choices.filter((c) => isProgram(c.value)).map((c) => ({ id: c.value, title: c.label })),
      confidence: 0.5,
      choices,
    },
    context: { ...next, pending: { question, choices } },
  };
}

/** The documents mention the support but state no amount: say so and who to ask, never a guess. */
export function noAmountTurn(t: Target, hit: Hit | undefined, next: ChatContext, period: "" | "月" | "天" = ""): Turn {
  return notStatedTurn(t, hit, period ? `按${period}发放的金额` : "具体金额", "funding", next);
}

/**
 * The documents mention the matter but do not state the figure asked for
 * (`what`: 具体金额, “671青年人才工程”的名额 …): say so, cite where it is mentioned, and who to ask.
 */
export function notStatedTurn(
  t: Target,
  hit: Hit | undefined,
  what: string,
  intent: string | null,
  next: ChatContext,
  noGuess = "我不能替您估算",
): Turn {
  const where = hit ? `《${t.document.doc.title}》${hit.clause.label}提到了相关内容，但` : `《${t.document.doc.title}》`;
  return {
    answer: {
      status: "no_answer",
      answer: `${where}文件没有规定${what}，${noGuess}。请咨询${whoToAsk(t.document)}。`,
      citations: hit ? citations([{ document: t.document, clauseId: hit.clause.id }]) : [],
      intent,
      programs: t.programs.map((p) => ({ id: p.id, title: p.title })),
      confidence: 0.6,
    },
    context: next,
  };
}

/** Nothing in the KB answers: what the assistant can answer and which departments to ask. */
export function noAnswerTurn(kb: KnowledgeBase, context: ChatContext): Turn {
  const titles = kb.documents.filter((d) => d.doc.status !== "informational").map((d) => d.doc.shortTitle);
  const answer = [
    "抱歉，现有政策文件中没有找到能回答这个问题的内容，我不做猜测。",
    `我可以回答这些政策的申报条件、经费资助、申报程序、考核、待遇和负责部门等问题：${titles.join("、")}，以及郑州人才工作“一件事”等新闻发布内容。`,
    `具体事项可咨询：${unique(kb.documents.map((d) => whoToAsk(d))).join("；")}。`,
  ].join("\n");
  return plainTurn("no_answer", answer, context);
}

/** A reply without citations (bad input, no answer). */
export function plainTurn(status: Answer["status"], answer: string, context: ChatContext): Turn {
  return { answer: { status, answer, citations: [], intent: null, programs: [], confidence: 0 }, context };
}

/** Citations of clauses, each once, in order. */
export function citations(cited: { document: LoadedDocument; clauseId: string }[]): Citation[] {
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
