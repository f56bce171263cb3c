/**
 * Cross-file checks of one loaded document: every `clause:` must name a clause
 * of the document's source, and every number in a structured value or its
 * `text` must be written in that clause. This is the guard against invented
 * facts (issue #2, "kb check").
 */
import { numbersIn } from "../util/numbers.js";
import type { KbIssue } from "./errors.js";
import type { LoadedDocument } from "./load.js";

/** Keys whose numeric value must appear in the cited clause. */
const NUMERIC_KEYS = new Set(["amountCNY", "count", "value", "share", "days"]);

type Path = (string | number)[];

/**
 * Every numeric fact in a value with its path: numbers under NUMERIC_KEYS and
 * numbers written inside `text` strings.
 */
function* numericFacts(node: unknown, path: Path): Generator<{ path: Path; value: number; key: string }> {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* numericFacts(node[i], [...path, i]);
    return;
  }
  if (node === null || typeof node !== "object") return;
  for (const [key, v] of Object.entries(node)) {
    if (key === "clause") continue;
    if (typeof v === "object" && v !== null && "clause" in v) continue; // checked against its own clause
    if (NUMERIC_KEYS.has(key) && typeof v === "number") yield { path: [...path, key], value: v, key };
    else if (key === "value" && Array.isArray(v)) {
      for (const x of v) if (typeof x === "number") yield { path: [...path, key], value: x, key };
    } else if (key === "text" && typeof v === "string") {
      for (const n of numbersIn(v)) yield { path: [...path, key], value: n, key };
    } else yield* numericFacts(v, [...path, key]);
  }
}

/** Whether `n` is written in the clause (shares may be written as ratios: 60% ↔ 6:4). */
function writtenIn(n: number, key: string, clauseNumbers: Set<number>): boolean {
  if (clauseNumbers.has(n)) return true;
  if (key === "share" && clauseNumbers.has(n / 10)) return true;
  return false;
}

/**
 * Check the clause references and numbers of one document.
 * @param lineOf maps a key path of the YAML file to its line
 */
export function crossCheck(d: LoadedDocument, lineOf: (path: Path) => number): KbIssue[] {
  const issues: KbIssue[] = [];
  const visit = (node: unknown, path: Path) => {
    if (Array.isArray(node)) {
      node.forEach((x, i) => {
        visit(x, [...path, i]);
      });
      return;
    }
    if (node === null || typeof node !== "object") return;
    const obj = node as Record<string, unknown>;
    if (typeof obj.clause === "string") {
      const clause = d.clauseById.get(obj.clause);
      if (!clause) {
        issues.push({
          file: d.file,
          line: lineOf([...path, "clause"]),
          path: [...path, "clause"].join("."),
          message: `引用的条款「${obj.clause}」在原文 ${d.doc.source} 中不存在 / cited clause does not exist`,
        });
      } else {
        const have = numbersIn(clause.text);
        for (const f of numericFacts(obj, path)) {
          if (!writtenIn(f.value, f.key, have)) {
            issues.push({
              file: d.file,
              line: lineOf(f.path),
              path: f.path.join("."),
              message: `数字 ${f.value} 未出现在所引条款「${clause.id}」中 / number not found in the cited clause`,
            });
          }
        }
      }
    }
    for (const [k, v] of Object.entries(obj)) if (k !== "clause") visit(v, [...path, k]);
  };
  visit(d.doc, []);
  return issues;
}
