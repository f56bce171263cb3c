/**
 * `policybot eval <cases.jsonl> [--json]`: grade a Q&A set with the public
 * grading rule (NFKC + remove whitespace; status must match; every `must`
 * group needs one alternative; no `must_not` string may appear).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { Engine } from "../answer/engine.js";
import { loadKnowledgeBase } from "../kb/load.js";
import { defaultCacheDir } from "../util/cache.js";
import { UsageError } from "./errors.js";
import { EligibilityCase, gradeEligibility, isEligibilityCase } from "./eval-eligibility.js";
import { policiesDir } from "./paths.js";

const QaCase = z.object({
  id: z.string(),
  question: z.string(),
  kind: z.string().default("other"),
  expect_status: z.enum(["answered", "clarify", "no_answer"]),
  must: z.array(z.array(z.string())).default([]),
  must_not: z.array(z.string()).default([]),
});
type QaCase = z.infer<typeof QaCase>;

const flat = (s: string) => s.normalize("NFKC").replace(/\s+/g, "");

/** Grade one reply. @returns the reasons it failed (empty = pass) and whether a must_not string appeared */
export function grade(c: QaCase, status: string, answer: string): { failures: string[]; mustNotHit: boolean } {
  const text = flat(answer);
  const failures: string[] = [];
  if (status !== c.expect_status) failures.push(`status ${status} ≠ ${c.expect_status}`);
  for (const group of c.must) if (!group.some((alt) => text.includes(flat(alt)))) failures.push(`missing one of ${JSON.stringify(group)}`);
  const hits = c.must_not.filter((s) => text.includes(flat(s)));
  if (hits.length > 0) failures.push(`must_not present ${JSON.stringify(hits)}`);
  return { failures, mustNotHit: hits.length > 0 };
}

/** @returns exit code (0 even when cases fail: grading is a report) */
/** One graded case, whatever its set. */
interface Graded {
  id: string;
  kind: string;
  question: string;
  failures: string[];
  answer: string;
  mustNotHit: boolean;
}

/** Parse a JSONL file into raw objects. @throws UsageError naming the line */
function readJsonl(file: string): { raw: unknown; line: number }[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`无法读取 / cannot read ${file}: ${(e as Error).message}`);
  }
  const out: { raw: unknown; line: number }[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      out.push({ raw: JSON.parse(line), line: i + 1 });
    } catch {
      throw new UsageError(`${file}:${i + 1}: 不是合法 JSON / not valid JSON`);
    }
  });
  return out;
}

function parseCase<T>(schema: z.ZodType<T>, file: string, line: number, raw: unknown): T {
  const r = schema.safeParse(raw);
  if (!r.success) throw new UsageError(`${file}:${line}: ${r.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
  return r.data;
}

/** Grade every line: Q&A cases through the engine, eligibility cases through evaluateAll. */
async function gradeAll(file: string, lines: { raw: unknown; line: number }[], asOf?: string): Promise<Graded[]> {
  if (lines.length > 0 && lines.every((l) => isEligibilityCase(l.raw))) {
    const root = policiesDir();
    const { kb } = loadKnowledgeBase(root, { verify: false, cacheDir: defaultCacheDir(root) });
    return lines.map(({ raw, line }) => {
      const c = parseCase(EligibilityCase, file, line, raw);
      const failures = gradeEligibility(kb, c, asOf);
      return { id: c.id, kind: c.kind ?? "eligibility", question: JSON.stringify(c.profile), failures, answer: "", mustNotHit: false };
    });
  }
  const engine = Engine.load(policiesDir());
  return lines.map(({ raw, line }) => {
    const c = parseCase(QaCase, file, line, raw);
    const { answer } = engine.ask(c.question);
    const g = grade(c, answer.status, answer.answer);
    return { id: c.id, kind: c.kind, question: c.question, failures: g.failures, answer: answer.answer, mustNotHit: g.mustNotHit };
  });
}

/** @returns exit code (0 even when cases fail: grading is a report) */
export async function runEval(file: string, opts: { json?: boolean; verbose?: boolean; asOf?: string }): Promise<number> {
  const graded = await gradeAll(file, readJsonl(file), opts.asOf);
  const byKind = new Map<string, { pass: number; total: number }>();
  for (const g of graded) {
    const k = byKind.get(g.kind) ?? { pass: 0, total: 0 };
    k.total++;
    if (g.failures.length === 0) k.pass++;
    byKind.set(g.kind, k);
  }
  const pass = graded.filter((g) => g.failures.length === 0).length;
  const mustNotHits = graded.filter((g) => g.mustNotHit).length;
  const failures = graded.filter((g) => g.failures.length > 0).map(({ mustNotHit: _m, ...f }) => f);
  const kinds = [...byKind.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([kind, v]) => ({ kind, ...v, rate: v.pass / v.total }));
  const overall = { pass, total: graded.length, rate: graded.length ? pass / graded.length : 0, mustNotHits };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ kinds, overall, failures }, null, 2)}\n`);
    return 0;
  }
  for (const k of kinds)
    process.stdout.write(`${k.kind.padEnd(14)} ${String(k.pass).padStart(3)}/${String(k.total).padEnd(3)} ${(k.rate * 100).toFixed(1)}%\n`);
  if (opts.verbose) {
    for (const f of failures) {
      const shown = f.answer ? `\n  → ${f.answer.replace(/\n/g, "\n    ")}` : "";
      process.stdout.write(`\n✗ ${f.id} [${f.kind}] ${f.question}\n  ${f.failures.join("\n  ")}${shown}\n`);
    }
  }
  process.stdout.write(`overall        ${pass}/${graded.length} ${(overall.rate * 100).toFixed(1)}%  must_not hits: ${mustNotHits}\n`);
  return 0;
}
