/**
 * `when` conditions and the questions that apply: a question applies when every
 * condition holds on the answers to earlier questions (by field).
 */
import { compare } from "../rules/test.js";
import type { Condition, Interview, Question } from "./schema.js";
import type { DialogState } from "./types.js";

/** Compare one condition with a value; a missing value never satisfies it. */
export function conditionHolds(c: Condition, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  return compare(c.op, c.value, value);
}

/** The applicable questions (in order) and the facts (field → value) their answers give. */
export interface Applicable {
  questions: Question[];
  facts: Record<string, string | number | boolean>;
}

/**
 * Walk the questions in order: a question applies when its `when` holds on the
 * facts from earlier applicable answers; its answer (if any) then becomes a fact.
 * Answers to questions that no longer apply are kept in the state but ignored.
 */
export function applicable(interview: Interview, state: DialogState): Applicable {
  const facts: Record<string, string | number | boolean> = {};
  const questions: Question[] = [];
  for (const q of interview.questions) {
    if (!q.when.every((c) => conditionHolds(c, facts[c.field]))) continue;
    questions.push(q);
    const a = state.answers[q.id];
    if (a !== undefined && a !== null && facts[q.field] === undefined) facts[q.field] = a;
  }
  return { questions, facts };
}

/** True when the question has an answer or was skipped. */
export function isAnswered(state: DialogState, q: Question): boolean {
  return state.answers[q.id] !== undefined;
}
