/** One problem found in the knowledge base, located by file, line and key path. */
export interface KbIssue {
  file: string;
  line: number;
  path: string;
  message: string;
}

/** Thrown when the knowledge base cannot be loaded; `issues` lists every problem. */
export class KbError extends Error {
  constructor(readonly issues: KbIssue[]) {
    super(`知识库有 ${issues.length} 处错误 / knowledge base has ${issues.length} error(s):\n${issues.map(formatIssue).join("\n")}`);
    this.name = "KbError";
  }
}

/** `file:line path: message`, the format editors and CI logs understand. */
export function formatIssue(i: KbIssue): string {
  return `${i.file}:${i.line}${i.path ? ` ${i.path}` : ""}: ${i.message}`;
}
