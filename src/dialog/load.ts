/**
 * Loading interviews from `conversations/*.yaml`: zod schema, then checks
 * against the knowledge base (programs and cited clauses exist, self-check
 * fields are profile fields with valid option values, `when` refers to earlier
 * questions). Citations are resolved into readable text for 帮助.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { KnowledgeBase } from "../kb/load.js";
import { yaml } from "../util/yaml.js";
import { isProfileField, profileValueError } from "./profile-fields.js";
import { Interview } from "./schema.js";

/** Every problem found in one interview file, as `file: path: message` lines. */
export class InterviewError extends Error {
  constructor(readonly issues: string[]) {
    super(`访谈文件有误 / invalid interview:\n  ${issues.join("\n  ")}`);
    this.name = "InterviewError";
  }
}

/** Problems of a schema-valid interview against the knowledge base. */
export function checkInterview(interview: Interview, kb: KnowledgeBase): string[] {
  const issues: string[] = [];
  const programIds = new Set(kb.programs.map((p) => p.program.id));
  for (const p of interview.programs) if (!programIds.has(p)) issues.push(`programs: 知识库中没有项目 / unknown program ${p}`);
  const seen = new Set<string>();
  const earlierFields = new Set<string>();
  interview.questions.forEach((q, i) => {
    const at = `questions.${i}(${q.id})`;
    if (seen.has(q.id)) issues.push(`${at}.id: 题目 id 重复 / duplicate question id`);
    seen.add(q.id);
    const doc = kb.documents.find((d) => d.doc.id === q.why.document);
    if (!doc) issues.push(`${at}.why.document: 知识库中没有文件 / unknown document ${q.why.document}`);
    else if (!doc.clauseById.has(q.why.clause)) issues.push(`${at}.why.clause: ${q.why.document} 中没有条款 / no clause ${q.why.clause}`);
    for (const c of q.when)
      if (!earlierFields.has(c.field)) issues.push(`${at}.when: 字段 ${c.field} 不是前面题目的字段 / not a field of an earlier question`);
    if (interview.kind === "self-check") {
      if (!isProfileField(q.field)) issues.push(`${at}.field: 不是资料字段 / not a profile field: ${q.field}`);
      else
        for (const o of q.options ?? []) {
          const problem = profileValueError(q.field, o.value);
          if (problem) issues.push(`${at}.options(${o.label}): ${problem}`);
        }
    }
    earlierFields.add(q.field);
  });
  return issues;
}

/** Fill in each `why.citation` (《title》（文号）clause label) from the knowledge base. */
function withCitations(interview: Interview, kb: KnowledgeBase): Interview {
  const questions = interview.questions.map((q) => {
    const doc = kb.documents.find((d) => d.doc.id === q.why.document);
    const clause = doc?.clauseById.get(q.why.clause);
    if (!doc || !clause) return q;
    const number = doc.doc.docNumber ? `（${doc.doc.docNumber}）` : "";
    return { ...q, why: { ...q.why, citation: `《${doc.doc.title}》${number}${clause.label}` } };
  });
  return { ...interview, questions };
}

/**
 * Parse and check one interview.
 * @param text the YAML text
 * @param file shown in error messages
 * @throws InterviewError listing every problem
 */
export function parseInterview(text: string, file: string, kb: KnowledgeBase): Interview {
  let data: unknown;
  try {
    data = yaml().parse(text);
  } catch (e) {
    throw new InterviewError([`${file}: YAML: ${(e as Error).message}`]);
  }
  const parsed = Interview.safeParse(data);
  if (!parsed.success)
    throw new InterviewError(parsed.error.issues.map((i) => `${file}: ${i.path.map(String).join(".") || "(root)"}: ${i.message}`));
  const issues = checkInterview(parsed.data, kb);
  if (basename(file, ".yaml") !== parsed.data.id && basename(file) !== file)
    issues.push(`id: 应与文件名一致 / id must match the file name (${basename(file, ".yaml")})`);
  if (issues.length > 0) throw new InterviewError(issues.map((i) => `${file}: ${i}`));
  return withCitations(parsed.data, kb);
}

/**
 * Load every `*.yaml` under `dir`, by id.
 * @throws InterviewError listing every problem in every file
 */
export function loadInterviews(dir: string, kb: KnowledgeBase): Map<string, Interview> {
  const out = new Map<string, Interview>();
  const issues: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith(".yaml")) continue;
    try {
      const i = parseInterview(readFileSync(join(dir, name), "utf8"), join(dir, name), kb);
      out.set(i.id, i);
    } catch (e) {
      if (e instanceof InterviewError) issues.push(...e.issues);
      else throw e;
    }
  }
  if (issues.length > 0) throw new InterviewError(issues);
  return out;
}
