/** `policybot kb check` and `policybot kb list`. */
import { formatIssue } from "../kb/errors.js";
import { loadKnowledgeBase } from "../kb/load.js";
import { statusLabel } from "../kb/status.js";
import { policiesDir } from "./paths.js";

/** Validate the KB; print every issue as file:line. @returns exit code (0 ok, 1 issues) */
export function runKbCheck(): number {
  const { kb, issues } = loadKnowledgeBase(policiesDir(), { strict: false });
  if (issues.length > 0) {
    for (const i of issues) process.stderr.write(`${formatIssue(i)}\n`);
    process.stderr.write(`kb check: ${issues.length} 处错误 / error(s)\n`);
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
