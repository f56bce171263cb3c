/**
 * `policybot eval <cases.jsonl> [--json]`: grade a Q&A set with the public
 * grading rule (NFKC + remove whitespace; status must match; every `must`
 * group needs one alternative; no `must_not` string may appear).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { Engine } from "../answer/engine.js";
import { UsageError } from "./errors.js";
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
export async function runEval(file: string, opts: { json?: boolean; verbose?: boolean }): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`无法读取 / cannot read ${file}: ${(e as Error).message}`);
  }
  const cases: QaCase[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new UsageError(`${file}:${i + 1}: 不是合法 JSON / not valid JSON`);
    }
    const r = QaCase.safeParse(raw);
    if (!r.success) throw new UsageError(`${file}:${i + 1}: ${r.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
    cases.push(r.data);
  });
  const engine = Engine.load(policiesDir());
  const byKind = new Map<string, { pass: number; total: number }>();
  const failures: { id: string; kind: string; question: string; failures: string[]; answer: string }[] = [];
  let pass = 0;
  let mustNotHits = 0;
  for (const c of cases) {
    const { answer } = engine.ask(c.question);
    const g = grade(c, answer.status, answer.answer);
    const k = byKind.get(c.kind) ?? { pass: 0, total: 0 };
    k.total++;
    if (g.failures.length === 0) {
      k.pass++;
      pass++;
    } else failures.push({ id: c.id, kind: c.kind, question: c.question, failures: g.failures, answer: answer.answer });
    if (g.mustNotHit) mustNotHits++;
    byKind.set(c.kind, k);
  }
  const kinds = [...byKind.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([kind, v]) => ({ kind, ...v, rate: v.pass / v.total }));
  const overall = { pass, total: cases.length, rate: cases.length ? pass / cases.length : 0, mustNotHits };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ kinds, overall, failures }, null, 2)}\n`);
    return 0;
  }
  for (const k of kinds)
    process.stdout.write(`${k.kind.padEnd(14)} ${String(k.pass).padStart(3)}/${String(k.total).padEnd(3)} ${(k.rate * 100).toFixed(1)}%\n`);
  if (opts.verbose) {
    for (const f of failures)
      process.stdout.write(
        `\n✗ ${f.id} [${f.kind}] ${f.question}\n  ${f.failures.join("\n  ")}\n  → ${f.answer.replace(/\n/g, "\n    ")}\n`,
      );
  }
  process.stdout.write(`overall        ${pass}/${cases.length} ${(overall.rate * 100).toFixed(1)}%  must_not hits: ${mustNotHits}\n`);
  return 0;
}
