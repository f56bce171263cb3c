/** `policybot kb check` and `policybot kb list`. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { formatIssue } from "../kb/errors.js";
import { loadKnowledgeBase } from "../kb/load.js";
import { statusLabel } from "../kb/status.js";
import { loadCatalog } from "../nlu/catalog.js";
import { policiesDir } from "./paths.js";

/**
 * Problems of the catalogs (`intents.yaml`, `lexicon.yaml`): schema errors, and
 * `sameSectors` names no program has (a typo would silently match nothing).
 * A folder without catalogs (documents only) has none to check.
 */
function catalogProblems(root: string, sectors: Set<string>): string[] {
  if (!existsSync(join(root, "lexicon.yaml")) && !existsSync(join(root, "intents.yaml"))) return [];
  try {
    const { lexicon } = loadCatalog(root);
    return lexicon.sameSectors
      .flat()
      .filter((s) => !sectors.has(s))
      .map((s) => `${root}/lexicon.yaml: sameSectors: 「${s}」不是任何项目的领域 / is no program's sector`);
  } catch (e) {
    return [(e as Error).message];
  }
}

/** Validate the KB and its catalogs; print every issue as file:line. @returns exit code (0 ok, 1 issues) */
export function runKbCheck(): number {
  const { kb, issues } = loadKnowledgeBase(policiesDir(), { strict: false });
  const problems = [...issues.map(formatIssue), ...catalogProblems(policiesDir(), new Set(kb.programs.flatMap((p) => p.program.sectors)))];
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`${p}\n`);
    process.stderr.write(`kb check: ${problems.length} 处错误 / error(s)\n`);
    return 1;
  }
  const clauses = kb.documents.reduce((n, d) => n + d.clauses.length, 0);
  process.stdout.write(`kb check: OK — ${kb.documents.length} 份文件, ${kb.programs.length} 个项目, ${clauses} 个条款\n`);
  return 0;
}

/** Print documents and programs with their status. @returns exit code */
export function runKbList(opts: { json?: boolean }): number {
  const { kb } = loadKnowledgeBase(policiesDir());
  if (opts.json) {
    const out = kb.documents.map((d) => ({
      id: d.doc.id,
      title: d.doc.title,
      docNumber: d.doc.docNumber,
      status: d.doc.status,
      issueDate: d.doc.issueDate,
      programs: d.doc.programs.map((p) => ({ id: p.id, title: p.title })),
    }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  for (const d of kb.documents) {
    process.stdout.write(`${d.doc.title}（${d.doc.docNumber ?? "无文号"}，${d.doc.issueDate}）[${statusLabel(d.doc)}] ${d.doc.id}\n`);
    for (const p of d.doc.programs) process.stdout.write(`  - ${p.id}  ${p.title}\n`);
  }
  return 0;
}
