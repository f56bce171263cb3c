/**
 * Eligibility evaluation: a program's criteria (encoded in `policies/`) run
 * against a profile, with a verdict and a trace that says, for every criterion,
 * whether it is met, why not, and — where time fixes it — when it will be.
 *
 * Verdicts (issue #3):
 * - `ineligible`: a hard criterion (or exclusion) is not met;
 * - `incomplete`: no hard failure, but a hard criterion is unknown (missing field), or a
 *   soft one is unknown while no soft one fails;
 * - `conditional`: hard criteria met, a soft one (一般、原则上、左右、适当放宽) not met;
 * - `eligible`: every machine-checkable criterion met (manual ones listed for reviewers).
 * Boundaries: 以上/以下/以内/届满 include the number (民法典 第一千二百五十九条), encoded as gte/lte.
 */
import type { KnowledgeBase } from "../kb/load.js";
import type { Criterion, PolicyDocument, Program, Test } from "../kb/schema.js";
import { chineseDate } from "../util/dates.js";
import { explain } from "./explain.js";
import { alignValue, deriveFacts } from "./facts.js";
import { FIELD_LABELS, type Profile } from "./profile.js";
import { evaluateTest } from "./test.js";

export type Verdict = "eligible" | "conditional" | "ineligible" | "incomplete";
export type CriterionStatus = "met" | "not_met" | "unknown" | "manual";

/** One criterion in the trace. */
export interface CriterionResult {
  text: string;
  status: CriterionStatus;
  soft: boolean;
  /** Profile fields the criterion reads (empty for manual criteria). */
  fields: string[];
  /** Plain Chinese: what is missing or wrong, and when time fixes it. */
  explanation?: string;
  /** The date (YYYY-MM-DD) on which a time-based criterion will be met, when known. */
  metOn?: string;
  /** Unknown fields that would relax this unmet soft criterion (民族、边远乡镇适当放宽): worth asking. */
  relaxFields?: string[];
  /** `exclusion` for 不得重复申报-style exclusions. */
  kind: "criterion" | "exclusion";
  source: { document: string; clause: string };
}

/** The verdict on one program. */
export interface EligibilityResult {
  program: { id: string; title: string; document: string };
  verdict: Verdict;
  criteria: CriterionResult[];
  nextSteps: string[];
}

/** Today as ISO `YYYY-MM-DD`, or `POLICYBOT_AS_OF` when set (reproducible transcripts and tests). */
export function today(): string {
  const fixed = process.env.POLICYBOT_AS_OF;
  return fixed && /^\d{4}-\d{2}-\d{2}$/.test(fixed) ? fixed : new Date().toISOString().slice(0, 10);
}

/** Options: `asOf` is the date the profile is judged at (default {@link today}), `document` the program's document. */
export interface EvaluateOptions {
  asOf?: string;
  document?: PolicyDocument;
}

function testsOf(c: Criterion): Test[] {
  return c.test ? [c.test] : [...(c.anyOf ?? []), ...(c.allOf ?? [])];
}

/** Criteria marked `-if-male` / `-if-female` apply to one gender only. */
function appliesTo(c: Criterion, gender: string | undefined): boolean | "unknown" {
  const only = c.id?.endsWith("-if-male") ? "男" : c.id?.endsWith("-if-female") ? "女" : null;
  if (!only) return true;
  if (gender === undefined) return "unknown";
  return gender === only;
}

function status(c: Criterion, facts: Record<string, unknown>): CriterionStatus {
  const tests = testsOf(c);
  if (tests.length === 0) return "manual";
  const results = tests.map((t) => evaluateTest(t, alignValue(t, facts[t.field])));
  if (c.anyOf) {
    if (results.some((r) => r === true)) return "met";
    return results.every((r) => r === false) ? "not_met" : "unknown";
  }
  if (results.some((r) => r === false)) return "not_met";
  return results.every((r) => r === true) ? "met" : "unknown";
}

/**
 * Evaluate one program for a profile.
 * @param profile a valid profile (see `Profile`); missing fields make criteria `unknown`
 * @param program the program with its criteria and exclusions
 * @returns the verdict, the criterion trace (with explanations) and next steps
 */
export function evaluate(profile: Profile, program: Program, opts: EvaluateOptions = {}): EligibilityResult {
  const asOf = opts.asOf ?? today();
  return evaluateFacts(deriveFacts(profile, asOf), program, asOf, opts.document);
}

/** `evaluate` on facts already derived (evaluateAll derives them once for every program). */
function evaluateFacts(facts: Record<string, unknown>, program: Program, asOf: string, document?: PolicyDocument): EligibilityResult {
  const documentTitle = document?.title ?? "";
  const criteria: CriterionResult[] = [];
  const gender = facts.gender as string | undefined;
  let hardNotMet = false;
  let hardUnknown = false;
  let softNotMet = false;
  let softUnknown = false;
  for (const { c, kind, fields } of prepared(program)) {
    const applies = appliesTo(c, gender);
    if (applies === false) continue;
    let s = status(c, facts);
    let read = fields;
    // A gender-specific limit for someone whose gender is unknown decides nothing unless it is met.
    if (applies === "unknown" && s === "not_met") {
      s = "unknown";
      read = [...fields, "gender"];
    }
    const soft = c.strength === "soft";
    if (s === "not_met" && soft) softNotMet = true;
    if (s === "not_met" && !soft) hardNotMet = true;
    if (s === "unknown" && soft) softUnknown = true;
    if (s === "unknown" && !soft) hardUnknown = true;
    const result: CriterionResult = {
      text: c.text,
      status: s,
      soft,
      fields: s === "manual" ? [] : read,
      kind,
      source: { document: documentTitle, clause: c.clause },
    };
    if (s === "not_met" || s === "unknown") Object.assign(result, explain(c, s, facts, asOf));
    if (s === "not_met" && soft && c.relaxedWhen && !c.relaxedWhen.some((t) => evaluateTest(t, facts[t.field]) === true)) {
      const open = c.relaxedWhen.filter((t) => facts[t.field] === undefined).map((t) => t.field);
      if (open.length > 0) result.relaxFields = open;
    }
    criteria.push(result);
  }
  const verdict: Verdict = hardNotMet
    ? "ineligible"
    : hardUnknown
      ? "incomplete"
      : softNotMet
        ? "conditional"
        : softUnknown
          ? "incomplete"
          : "eligible";
  return {
    program: { id: program.id, title: program.title, document: documentTitle },
    verdict,
    criteria,
    nextSteps: nextSteps(verdict, criteria, program, document),
  };
}

/** A program's criteria with what they read, computed once per program. */
const preparedCache = new WeakMap<Program, { c: Criterion; kind: "criterion" | "exclusion"; fields: string[] }[]>();
function prepared(program: Program): { c: Criterion; kind: "criterion" | "exclusion"; fields: string[] }[] {
  let list = preparedCache.get(program);
  if (!list) {
    const entry = (c: Criterion, kind: "criterion" | "exclusion") => ({ c, kind, fields: [...new Set(testsOf(c).map((t) => t.field))] });
    list = [...program.criteria.map((c) => entry(c, "criterion")), ...program.exclusions.map((c) => entry(c, "exclusion"))];
    preparedCache.set(program, list);
  }
  return list;
}

const RANK: Record<Verdict, number> = { eligible: 0, conditional: 1, incomplete: 2, ineligible: 3 };

/**
 * Evaluate every program that has criteria, best first (eligible, conditional,
 * incomplete, ineligible; within a verdict, fewest unmet criteria, then most met).
 */
export function evaluateAll(kb: KnowledgeBase, profile: Profile, opts: { asOf?: string } = {}): EligibilityResult[] {
  const asOf = opts.asOf ?? today();
  const facts = deriveFacts(profile, asOf);
  const results = kb.programs
    .filter(({ program }) => program.criteria.length + program.exclusions.length > 0)
    .map(({ program, document }) => evaluateFacts(facts, program, asOf, document.doc));
  // Within a verdict: fewest failures first (the closest misses), then most criteria met.
  // (Counted once per result, not in every comparison: fewer short-lived arrays, fewer GC pauses.)
  const count = (r: EligibilityResult, status: CriterionResult["status"]) => {
    let n = 0;
    for (const c of r.criteria) if (c.status === status) n++;
    return n;
  };
  return results
    .map((r, i) => ({ r, i, failures: count(r, "not_met"), met: count(r, "met") }))
    .sort((a, b) => RANK[a.r.verdict] - RANK[b.r.verdict] || a.failures - b.failures || b.met - a.met || a.i - b.i)
    .map(({ r }) => r);
}

function nextSteps(verdict: Verdict, criteria: CriterionResult[], program: Program, doc?: PolicyDocument): string[] {
  const steps: string[] = [];
  const failing = criteria.filter((c) => c.status === "not_met");
  const unknown = criteria.filter((c) => c.status === "unknown");
  const manual = criteria.filter((c) => c.status === "manual");
  const who = program.responsible[0]?.department ?? doc?.contacts[0]?.department;
  if (verdict === "ineligible") {
    for (const c of failing.filter((x) => !x.soft)) steps.push(`不符合：${c.text}${c.explanation ? `（${c.explanation}）` : ""}`);
    const later = failing.filter((c) => c.metOn);
    const last = later
      .map((c) => c.metOn ?? "")
      .sort()
      .at(-1);
    if (last) steps.push(`${chineseDate(last)}后可重新评估。`);
  }
  if (verdict === "incomplete") {
    const fields = [...new Set(unknown.flatMap((c) => c.fields))];
    // In words, with the profile field for those who fill a profile file: 单位性质（employerKind）.
    const named = fields.map((f) => `${FIELD_LABELS[f as keyof Profile] ?? f}（${f}）`);
    steps.push(`请补充以下信息后再判断：${named.join("、")}。`);
  }
  if (verdict === "conditional") {
    const softFails = criteria.filter((c) => c.soft && c.status === "not_met");
    steps.push(`以下为一般性要求，未完全满足，可向${who ?? "主管部门"}咨询能否放宽：${softFails.map((c) => c.text).join("；")}。`);
  }
  if (verdict === "eligible" || verdict === "conditional") {
    const first = program.procedure[0];
    if (first) steps.push(`申报：${first.name}${first.by ? `（${first.by}）` : ""}——${first.text}。`);
  }
  if (manual.length > 0 && verdict !== "ineligible")
    steps.push(`以下条件由评审把握，请准备相应材料：${manual.map((c) => c.text).join("；")}。`);
  if (doc && (doc.status === "expired" || doc.status === "superseded")) {
    steps.push(
      `注意：《${doc.title}》的实施期已过${doc.statusNote ? `（${doc.statusNote}）` : ""}，申报前请向${who ?? "主管部门"}确认是否仍在执行。`,
    );
  }
  return steps;
}
