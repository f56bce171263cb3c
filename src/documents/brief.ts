/**
 * Data of the `policy-brief` template (政策要点): one program of the knowledge
 * base as lines of text, each with the label of the clause it comes from.
 */
import type { KnowledgeBase, LoadedDocument } from "../kb/load.js";
import type { Criterion, Program } from "../kb/schema.js";
import { statusLabel, validityWarning } from "../kb/status.js";

const MARKS: Record<Criterion["strength"], { mark: string; markLabel: string }> = {
  hard: { mark: "●", markLabel: "硬性" },
  soft: { mark: "○", markLabel: "一般（可放宽）" },
  manual: { mark: "◇", markLabel: "评审认定" },
};

/** Thrown for a program id the knowledge base does not have. */
export class UnknownProgramError extends Error {
  override name = "UnknownProgramError";
  constructor(readonly programId: string) {
    super(`未知项目 / unknown program: ${programId}`);
  }
}

/**
 * The data of a policy brief for one program.
 * @param kb the loaded knowledge base
 * @param programId e.g. `zz-social-talent`
 * @returns title, documentTitle, docNumber, statusLabel, warning, issuers, issueDate, region,
 *   sectors (+ sectorsClause), quota, duration, funding, criteria (with `mark`/`markLabel`),
 *   exclusions, procedure, benefits, assessment, deadlines, contacts — every line with `clause`
 *   (the clause label as the source text names it)
 * @throws UnknownProgramError when the program does not exist
 */
export function policyBriefData(kb: KnowledgeBase, programId: string): Record<string, unknown> {
  const found = kb.programs.find((p) => p.program.id === programId);
  if (!found) throw new UnknownProgramError(programId);
  const { program: p, document } = found;
  const doc = document.doc;
  const clause = (id: string) => clauseLabel(document, id);
  const cited = (xs: { text: string; clause: string }[]) => xs.map((x) => ({ text: x.text, clause: clause(x.clause) }));
  const contacts = p.contacts.length > 0 ? p.contacts : doc.contacts;
  return {
    title: p.title,
    programId: p.id,
    documentTitle: doc.title,
    docNumber: doc.docNumber ?? "",
    statusLabel: statusLabel(doc),
    warning: validityWarning(doc) ?? "",
    issuers: doc.issuers.join("、"),
    issueDate: doc.issueDate,
    region: [doc.region.province, doc.region.city, doc.region.district].filter(Boolean).join(""),
    domain: p.domain ?? "",
    tier: p.tier ?? "",
    sectors: p.sectors.join("、"),
    sectorsClause: p.sectorsClause ? clause(p.sectorsClause) : "",
    quota: p.quota ? { text: p.quota.text, clause: clause(p.quota.clause) } : null,
    duration: p.duration ? { text: p.duration.text, clause: clause(p.duration.clause) } : null,
    funding: p.funding.map((f) => ({
      text: f.text,
      schedule: (f.schedule ?? []).map((s) => `${s.when}（${s.share}%）`).join("；"),
      uses: f.uses ?? "",
      clause: clause(f.clause),
    })),
    // A one-pager: every hard and soft criterion, and the reviewers' (manual) ones summed up with their clauses.
    criteria: [
      ...p.criteria
        .filter((c) => c.strength !== "manual")
        .map((c) => ({ text: c.text, strength: c.strength, ...MARKS[c.strength], clause: clause(c.clause) })),
      ...manualSummary(
        p.criteria.filter((c) => c.strength === "manual"),
        clause,
      ),
    ],
    exclusions: cited(p.exclusions),
    procedure: p.procedure.map((s) => ({ name: s.name, by: s.by ?? "", text: s.text, clause: clause(s.clause) })),
    // A 经费 benefit repeats the funding lines above it.
    benefits: briefBenefits(p).map((b) => ({ type: b.type, text: shorten(b.text), clause: clause(b.clause) })),
    obligations: cited(p.obligations),
    assessment: cited(p.assessment)
      .slice(0, 2)
      .map((a) => ({ ...a, text: shorten(a.text) })),
    deadlines: cited(p.deadlines).map((d) => ({ ...d, text: shorten(d.text) })),
    contacts: contacts.map((c) => ({ department: c.department, role: c.role, clause: clause(c.clause) })),
  };
}

/**
 * A short clause reference: the article (第六条) or, in documents split into
 * domains, the outline number inside the domain (卫生/三、2 → 三、2).
 */
function clauseLabel(document: LoadedDocument, id: string): string {
  if (id.includes("/")) return id.slice(id.lastIndexOf("/") + 1);
  return document.clauseById.get(id)?.label ?? id;
}

/**
 * Benefits for a one-pager: none that repeats a funding line (a 经费 benefit, or
 * the same text), none twice, at most eight.
 */
function briefBenefits(p: Program): Program["benefits"] {
  const key = (t: string) => t.replace(/[\s，。；、（）()]/g, "").slice(0, 14);
  const seen = new Set(p.funding.map((f) => key(f.text)));
  const out: Program["benefits"] = [];
  for (const b of p.benefits) {
    if (p.funding.length > 0 && b.type === "经费") continue;
    const k = key(b.text);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(b);
  }
  return out.slice(0, 8);
}

/** A one-pager keeps the first sentence of long measures (the cited clause has the rest). */
function shorten(text: string, max = 46): string {
  if (text.length <= max) return text;
  const first = text.split(/(?<=[。；])/)[0] ?? text;
  return first.length <= max ? first.replace(/[。；]$/, "…") : `${text.slice(0, max)}…`;
}

/** The reviewers' criteria as one line: 另有N项由评审把握的条件（其一 …）. */
function manualSummary(manual: Criterion[], clause: (id: string) => string): Record<string, unknown>[] {
  if (manual.length === 0) return [];
  if (manual.length <= 2) return manual.map((c) => ({ text: c.text, strength: "manual", ...MARKS.manual, clause: clause(c.clause) }));
  const clauses = [...new Set(manual.map((c) => clause(c.clause)))].join("、");
  const first = manual[0]?.text ?? "";
  return [
    {
      text: `另有${manual.length}项由评审把握的条件，如“${first.length > 30 ? `${first.slice(0, 30)}…` : first}”`,
      strength: "manual",
      ...MARKS.manual,
      clause: clauses,
    },
  ];
}
