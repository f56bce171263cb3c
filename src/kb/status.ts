/** Validity of a policy document, in words a user understands. */
import type { PolicyDocument } from "./schema.js";

const LABEL: Record<PolicyDocument["status"], string> = {
  in_force: "现行有效",
  superseded: "已被替代",
  expired: "已到期",
  trial: "试行",
  informational: "新闻报道（非正式文件）",
};

/** Short status label, e.g. `试行` or `已到期（试行）`. */
export function statusLabel(doc: PolicyDocument): string {
  const base = LABEL[doc.status];
  return doc.trial && doc.status !== "trial" ? `${base}（试行）` : base;
}

/**
 * A warning to put in front of answers about a document that is not plainly
 * in force, or `null`. Built from `status`, `statusNote` and `effective`.
 */
export function validityWarning(doc: PolicyDocument): string | null {
  switch (doc.status) {
    case "in_force":
      return null;
    case "trial":
      return `提示：《${doc.title}》为试行文件${doc.statusNote ? `（${doc.statusNote}）` : ""}。`;
    case "informational":
      return `提示：以下内容来自新闻报道${doc.statusNote ? `（${doc.statusNote}）` : ""}，具体以正式政策文件为准。`;
    case "expired":
      return `提示：《${doc.title}》的实施期已过（${doc.statusNote ?? doc.effective.text}），以下为原文规定，办理前请向主管部门确认是否仍在执行。`;
    case "superseded":
      return `提示：《${doc.title}》已被替代${doc.supersededBy[0] ? `（${doc.supersededBy[0].title}）` : ""}。`;
  }
}
