/**
 * Rendering of structured KB values as plain Chinese lines. Every line is
 * built from KB values only and remembers the clause it comes from.
 */
import type { LoadedDocument } from "../kb/load.js";
import type { Criterion, PolicyDocument, Program } from "../kb/schema.js";
import { statusLabel } from "../kb/status.js";
import type { Intent } from "../nlu/catalog.js";
import { chineseDate } from "../util/dates.js";

/** Rendered lines and the clause ids they cite. */
export interface Rendered {
  lines: string[];
  clauses: string[];
}

const STRENGTH: Record<Criterion["strength"], string> = { hard: "", soft: "（一般性要求，可能有例外）", manual: "（由评审把握）" };

export { chineseDate } from "../util/dates.js";

function yuan(n: number): string {
  return n >= 10_000 && n % 10_000 === 0 ? `${n / 10_000}万元` : `${n}元`;
}

/** An aspect of eligibility a question singles out (学历, 年龄 …): criteria fields and words. */
export interface Aspect {
  fields: string[];
  text: string[];
}

function criterionFields(c: Criterion): string[] {
  return [c.test, ...(c.anyOf ?? []), ...(c.allOf ?? [])].flatMap((t) => (t ? [t.field] : []));
}

/** What else a question singles out for rendering: `when` asks when money is paid (什么时候发), not how much. */
export interface RenderFocus {
  when?: boolean;
}

/**
 * Lines for a program field named by an intent. Empty when the KB has nothing for it.
 * @param aspects for criteria: keep only those about these aspects (all when none match)
 * @param focus for funding: `when` renders the payment conditions and schedule without amounts
 */
export function renderField(intent: Intent, program: Program, aspects: Aspect[] = [], focus: RenderFocus = {}): Rendered {
  const lines: string[] = [];
  const clauses: string[] = [];
  const add = (line: string, clause: string) => {
    lines.push(line);
    clauses.push(clause);
  };
  switch (intent.field) {
    case "funding":
      for (const f of program.funding) {
        // 培养经费什么时候发？ The timing is the same where only the amounts differ (every 武清 domain).
        if (focus.when && (f.condition || f.schedule?.length)) {
          const parts = [f.condition, f.schedule?.length ? `拨付：${f.schedule.map((s) => s.when).join("，")}` : ""].filter(Boolean);
          add(`${f.per}：${parts.join("；")}`, f.clause);
          continue;
        }
        let line = `${f.per}：${f.text}`;
        if (f.amountCNY) line += `（金额：${yuan(f.amountCNY)}）`;
        if (f.schedule?.length) line += `；拨付：${f.schedule.map((s) => `${s.when}（${s.share}%）`).join("，")}`;
        if (f.condition) line += `；条件：${f.condition}`;
        if (f.uses) line += `；用途：${f.uses}`;
        add(line, f.clause);
      }
      break;
    case "criteria": {
      const all = [...program.criteria, ...program.exclusions];
      const about = (c: Criterion) =>
        aspects.some((a) => criterionFields(c).some((f) => a.fields.includes(f)) || a.text.some((w) => c.text.includes(w)));
      const focused = aspects.length > 0 ? all.filter(about) : all;
      for (const c of focused.length > 0 ? focused : all) add(`${c.text}${STRENGTH[c.strength]}`, c.clause);
      break;
    }
    case "sectors":
      if (program.sectors.length > 0 && program.sectorsClause) add(`适用领域：${program.sectors.join("、")}`, program.sectorsClause);
      break;
    case "procedure":
      program.procedure.forEach((s, i) => {
        add(`${i + 1}. ${s.name}${s.by ? `（${s.by}）` : ""}：${s.text}`, s.clause);
      });
      break;
    case "responsible":
    case "contacts":
      for (const r of program.responsible) add(`${r.department}：${r.role}`, r.clause);
      break;
    case "benefits":
      for (const b of program.benefits) if (!intent.benefitType || b.type === intent.benefitType) add(`${b.type}：${b.text}`, b.clause);
      break;
    case "assessment":
      for (const a of program.assessment) add(a.text, a.clause);
      break;
    case "discipline":
      for (const a of program.discipline) add(a.text, a.clause);
      break;
    // 所在单位要负什么责任: the employer's and other parties' duties.
    case "obligations":
      for (const a of program.obligations) add(a.text, a.clause);
      break;
    case "deadlines":
      for (const a of program.deadlines) add(a.text, a.clause);
      break;
    case "duration":
      if (program.duration) add(program.duration.text, program.duration.clause);
      break;
    case "quota":
      if (program.quota) add(program.quota.text, program.quota.clause);
      break;
    case "forms":
      for (const a of program.forms) add(a.text, a.clause);
      break;
  }
  return { lines, clauses };
}

/** Validity and issuing facts of a document (intent `status`). */
export function renderStatus(doc: PolicyDocument): Rendered {
  const lines = [
    `《${doc.title}》${doc.docNumber ? `（${doc.docNumber}）` : ""}由${doc.issuers.join("、")}于${chineseDate(doc.issueDate)}${doc.kind === "新闻报道" ? "报道" : "印发"}，状态：${statusLabel(doc)}。`,
    `施行：${doc.effective.text}${doc.statusNote ? `；${doc.statusNote}` : ""}。`,
  ];
  const clauses = [doc.issueDateClause, doc.effective.clause];
  for (const s of doc.supersedes) {
    lines.push(`同时废止《${s.title}》${s.docNumber ? `（${s.docNumber}）` : ""}${s.note ? `：${s.note}` : ""}`);
    clauses.push(s.clause);
  }
  for (const s of doc.supersededBy) {
    lines.push(`已被《${s.title}》${s.docNumber ? `（${s.docNumber}）` : ""}替代${s.note ? `：${s.note}` : ""}`);
    clauses.push(s.clause);
  }
  return { lines, clauses };
}

/** The documents a document is based on (intent `basis`). */
export function renderBasis(doc: PolicyDocument): Rendered {
  return {
    lines: doc.basis.map((b) => `《${doc.shortTitle}》依据《${b.title}》${b.docNumber ? `（${b.docNumber}）` : ""}制定`),
    clauses: doc.basis.map((b) => b.clause),
  };
}

/** Who to ask about a document: its contacts, else its issuers. */
export function whoToAsk(d: LoadedDocument): string {
  const names = d.doc.contacts.map((c) => c.department);
  return [...new Set(names.length ? names : d.doc.issuers)].slice(0, 3).join("、");
}
