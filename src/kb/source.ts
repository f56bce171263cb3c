/**
 * Parsing of clause-marked source texts (`policies/sources/*.txt`).
 *
 * Format: a line `§ <id> | <label>` starts a clause; its text runs to the next
 * marker. See `policies/README.md`.
 */
import type { Clause } from "./schema.js";

const MARKER = /^§\s*([^|]+?)\s*(?:\|\s*(.+?)\s*)?$/;
const CJK_OR_PUNCT = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》、，。：；！？（）]/;

/**
 * Join the lines of one clause into running text: line breaks between CJK
 * characters vanish (newspaper columns, page breaks), others become a space;
 * markdown bold markers and `[image: …]` placeholders are dropped.
 */
export function joinClauseLines(lines: readonly string[]): string {
  let out = "";
  for (const raw of lines) {
    const line = raw
      .replace(/\*\*/g, "")
      .replace(/\[image:[^\]]*\]/g, "")
      .replace(/^#+\s*/, "")
      .trim();
    if (line === "") continue;
    if (out === "") {
      out = line;
      continue;
    }
    const last = out[out.length - 1] ?? "";
    const first = line[0] ?? "";
    out += CJK_OR_PUNCT.test(last) || CJK_OR_PUNCT.test(first) ? line : ` ${line}`;
  }
  return out;
}

/** Error in a source file: names the file and line. */
export class SourceError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    /** The problem without the location. */
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = "SourceError";
  }
}

/**
 * Split a clause-marked source text into clauses.
 * @param text the whole file
 * @param documentId id of the owning document
 * @param file path used in error messages
 * @returns clauses in document order
 * @throws SourceError on a duplicate id or an empty clause
 */
export function parseSource(text: string, documentId: string, file: string): Clause[] {
  const clauses: Clause[] = [];
  const seen = new Set<string>();
  let current: { id: string; label: string; line: number; lines: string[] } | null = null;
  const flush = () => {
    if (!current) return;
    const body = joinClauseLines(current.lines);
    if (body === "") throw new SourceError(file, current.line, `条款「${current.id}」没有正文 / clause has no text`);
    clauses.push({ id: current.id, label: current.label, text: body, line: current.line, documentId });
  };
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const m = MARKER.exec(line);
    if (m) {
      flush();
      const id = (m[1] ?? "").trim();
      if (seen.has(id)) throw new SourceError(file, i + 1, `条款 id「${id}」重复 / duplicate clause id`);
      seen.add(id);
      current = { id, label: (m[2] ?? id).trim(), line: i + 1, lines: [] };
    } else if (current) {
      current.lines.push(line);
    }
  });
  flush();
  return clauses;
}
