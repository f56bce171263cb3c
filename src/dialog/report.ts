/**
 * The self-check result: a verdict table as text (per program, with the
 * reasons of unmet or unknown criteria) and the data of the 资格自测报告 template.
 */
import type { EligibilityResult } from "../rules/evaluate.js";
import { displayValue } from "./present.js";
import { profileFieldLabel } from "./profile-fields.js";
import type { Question } from "./schema.js";
import type { DialogState } from "./types.js";

/** Chinese verdict labels. */
export const VERDICT_TEXT: Record<EligibilityResult["verdict"], string> = {
  eligible: "符合",
  conditional: "基本符合（一般性条件未满足，可咨询）",
  incomplete: "信息不全",
  ineligible: "不符合",
};

const STATUS_TEXT: Record<EligibilityResult["criteria"][number]["status"], string> = {
  met: "符合",
  not_met: "不符合",
  unknown: "待确认",
  manual: "由评审把握",
};

const MARK: Record<EligibilityResult["verdict"], string> = { eligible: "✔", conditional: "◐", incomplete: "？", ineligible: "✘" };

/** Why a program is not (yet) a match: its not_met and unknown criteria, explained. */
export function reasons(r: EligibilityResult): string[] {
  return r.criteria
    .filter((c) => c.status === "not_met" || c.status === "unknown")
    .map((c) => `${c.status === "unknown" ? "待确认" : "不符合"}：${c.text}${c.explanation ? `（${c.explanation}）` : ""}`);
}

/**
 * The verdict table. Programs still open are listed one by one with their
 * reasons; programs ruled out are grouped by document (a region answer must
 * not list twenty programs one by one), with each program's first hard failure.
 */
export function verdictTable(results: EligibilityResult[]): string {
  const lines: string[] = ["资格自测结果："];
  for (const r of results.filter((x) => x.verdict !== "ineligible")) {
    lines.push(`${MARK[r.verdict]} ${r.program.title} —— ${VERDICT_TEXT[r.verdict]}`);
    for (const reason of reasons(r)) lines.push(`    · ${reason}`);
  }
  const byDocument = new Map<string, EligibilityResult[]>();
  for (const r of results.filter((x) => x.verdict === "ineligible"))
    byDocument.set(r.program.document, [...(byDocument.get(r.program.document) ?? []), r]);
  // The applicant's own region first: its misses matter more than other cities' programs.
  const groups = [...byDocument].sort(([, a], [, b]) => Number(b.some(local)) - Number(a.some(local)));
  for (const [document, group] of groups) {
    const why = [...new Set(group.map((r) => r.criteria.find((c) => c.status === "not_met" && !c.soft)?.text ?? "不满足申报条件"))];
    const shown = why.length > 3 ? `${why.slice(0, 3).join("；")}等` : why.join("；");
    const names =
      group.length > 2 ? `${document ? `《${document}》` : ""}${group.length} 个项目` : group.map((r) => r.program.title).join("、");
    lines.push(`${MARK.ineligible} ${names} —— 不符合（${shown}）`);
  }
  if (results.length === 0) lines.push("（没有可判断的项目）");
  lines.push("以上为依据您的回答和政策原文作出的初步判断，最终以主管部门审核为准。");
  return lines.join("\n");
}

/** The disclaimer printed at the end of the report. */
export const DISCLAIMER = "本报告依据您在对话中提供的信息和政策原文自动生成，仅供参考，不构成申报资格的认定；最终以主管部门审核为准。";

/** Whether a program is in the applicant's region (its region criterion is met, or it has none). */
function local(r: EligibilityResult): boolean {
  const region = r.criteria.filter((c) => c.fields.includes("region"));
  return region.length === 0 || region.some((c) => c.status === "met");
}

function resultRow(r: EligibilityResult): Record<string, unknown> {
  return {
    program: r.program.title,
    document: r.program.document,
    verdict: r.verdict,
    verdictLabel: VERDICT_TEXT[r.verdict],
    criteria: r.criteria.map((c) => ({
      text: c.text,
      statusLabel: STATUS_TEXT[c.status],
      explanation: c.status === "not_met" || c.status === "unknown" ? c.explanation : undefined,
      source: `${c.source.document ? `《${c.source.document}》` : ""}${c.source.clause}`,
    })),
    nextSteps: r.nextSteps,
  };
}

/**
 * The data of the `self-check-report` template. The conclusion table lists
 * every program of the applicant's region and one line per other document;
 * the detailed criteria (`details`) cover the programs still open and the
 * region's three closest misses, so the report stays a few pages however many
 * programs the KB holds.
 */
export function reportData(date: string, answered: Question[], state: DialogState, results: EligibilityResult[]): Record<string, unknown> {
  const mine = results.filter(local);
  const elsewhere = new Map<string, EligibilityResult[]>();
  for (const r of results.filter((x) => !local(x))) elsewhere.set(r.program.document, [...(elsewhere.get(r.program.document) ?? []), r]);
  const summary = [
    ...mine.map(resultRow),
    ...[...elsewhere].map(([document, group]) => ({
      program: `${group.length} 个项目（${group
        .slice(0, 3)
        .map((r) => r.program.title)
        .join("、")}${group.length > 3 ? "等" : ""}）`,
      document,
      verdict: "ineligible",
      verdictLabel: "不适用（单位所在地区不在适用范围）",
      criteria: [],
      nextSteps: [],
    })),
  ];
  return {
    date,
    profile: answered.map((q) => ({ label: profileFieldLabel(q.field), value: displayValue(q, state.answers[q.id]) })),
    results: summary,
    // Every program still open, and the three closest misses of the region (why not, and when).
    details: [...mine.filter((r) => r.verdict !== "ineligible"), ...mine.filter((r) => r.verdict === "ineligible").slice(0, 3)].map(
      resultRow,
    ),
    disclaimer: DISCLAIMER,
  };
}
