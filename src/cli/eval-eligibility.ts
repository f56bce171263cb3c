/**
 * Grading of eligibility cases (`eligibility-dev.jsonl` format, see
 * ../shared/eval/README.md): an expectation holds when at least one program's
 * title (with its document title) contains every word of
 * `program_title_contains`, every such program's verdict is in `verdict_in`,
 * and, when `reason_contains_any` is given, one of those strings appears in
 * that program's result.
 */
import { z } from "zod";
import type { KnowledgeBase } from "../kb/load.js";
import { type EligibilityResult, evaluateAll } from "../rules/evaluate.js";
import { Profile, profileErrors } from "../rules/profile.js";

export const EligibilityCase = z.object({
  id: z.string(),
  profile: z.unknown(),
  expect: z.array(
    z.object({
      program_title_contains: z.array(z.string()).min(1),
      verdict_in: z.array(z.enum(["eligible", "conditional", "ineligible", "incomplete"])).min(1),
      reason_contains_any: z.array(z.string()).optional(),
    }),
  ),
  kind: z.string().optional(),
  /** The date the case is judged at (YYYY-MM-DD): cases about birthDate/employmentStartDate boundaries pin it. */
  asOf: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});
export type EligibilityCase = z.infer<typeof EligibilityCase>;

/**
 * Grade one case.
 * @param asOf the date to judge at when the case does not pin one (default today)
 * @returns the reasons it failed (empty = pass)
 */
export function gradeEligibility(kb: KnowledgeBase, c: EligibilityCase, asOf?: string): string[] {
  const parsed = Profile.safeParse(c.profile);
  if (!parsed.success) return [`invalid profile: ${profileErrors(parsed.error).join("; ")}`];
  const results = evaluateAll(kb, parsed.data, { asOf: c.asOf ?? asOf });
  const failures: string[] = [];
  for (const e of c.expect) {
    const matching = results.filter((r) => e.program_title_contains.every((w) => `${r.program.title}${r.program.document}`.includes(w)));
    if (matching.length === 0) {
      failures.push(`no program matches ${JSON.stringify(e.program_title_contains)}`);
      continue;
    }
    for (const r of matching) {
      if (!e.verdict_in.includes(r.verdict)) failures.push(`${r.program.title}: verdict ${r.verdict} ∉ ${JSON.stringify(e.verdict_in)}`);
      if (e.reason_contains_any && !e.reason_contains_any.some((s) => JSON.stringify(r).includes(s))) {
        failures.push(`${r.program.title}: none of ${JSON.stringify(e.reason_contains_any)} in the result`);
      }
    }
  }
  return failures;
}

/** Whether a parsed JSONL line is an eligibility case (it has a profile). */
export function isEligibilityCase(raw: unknown): boolean {
  return typeof raw === "object" && raw !== null && "profile" in raw;
}

export type { EligibilityResult };
