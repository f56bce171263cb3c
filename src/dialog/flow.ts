/**
 * Which question comes next. Applications ask every applicable question in
 * order. The self-check is goal-driven (like docassemble's `need()`): it asks
 * only for fields that an `unknown` criterion of a program not yet ruled out reads.
 */
import type { EligibilityResult } from "../rules/evaluate.js";
import { applicable, isAnswered } from "./conditions.js";
import type { Interview, Question } from "./schema.js";
import type { DialogState } from "./types.js";

/** The profile built from the self-check answers (applicable questions only). */
export function profileOf(interview: Interview, state: DialogState): Record<string, unknown> {
  return { ...applicable(interview, state).facts };
}

/** Results for the interview's programs only (the evaluator sees the whole knowledge base). */
export function ownResults(interview: Interview, results: EligibilityResult[]): EligibilityResult[] {
  const ids = new Set(interview.programs);
  return results.filter((r) => ids.has(r.program.id));
}

/**
 * Fields still needed: read by an unknown criterion of a program that is not
 * ineligible, or able to relax an unmet soft one (少数民族 for 玉溪's 35岁左右).
 */
export function neededFields(results: EligibilityResult[]): Set<string> {
  const needed = new Set<string>();
  for (const r of results) {
    if (r.verdict === "ineligible") continue;
    for (const c of r.criteria) {
      if (c.status === "unknown") for (const f of c.fields) needed.add(f);
      for (const f of c.relaxFields ?? []) needed.add(f);
    }
  }
  return needed;
}

/** The next application question: the first applicable one not yet answered or skipped. */
export function nextInOrder(interview: Interview, state: DialogState): Question | null {
  return applicable(interview, state).questions.find((q) => !isAnswered(state, q)) ?? null;
}

/**
 * The next self-check question: the first applicable, unanswered question whose
 * field is needed and not already known from another question.
 */
export function nextNeeded(interview: Interview, state: DialogState, results: EligibilityResult[]): Question | null {
  const { questions, facts } = applicable(interview, state);
  const needed = neededFields(ownResults(interview, results));
  return questions.find((q) => !isAnswered(state, q) && facts[q.field] === undefined && needed.has(q.field)) ?? null;
}
