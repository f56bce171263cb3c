/**
 * Loading of the knowledge base from `policies/`: YAML documents validated by
 * zod, their clause-marked sources, and cross-file checks.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { Document, LineCounter } from "yaml";
import { cacheKey, readCache, writeCache } from "../util/cache.js";
import { yaml } from "../util/yaml.js";
import { KbError, type KbIssue } from "./errors.js";
import { type Clause, PolicyDocument, type Program } from "./schema.js";
import { parseSource, SourceError } from "./source.js";
import { crossCheck } from "./verify.js";

/** A document with its parsed clauses. */
export interface LoadedDocument {
  doc: PolicyDocument;
  file: string;
  clauses: Clause[];
  clauseById: Map<string, Clause>;
}

/** The loaded knowledge base. */
export interface KnowledgeBase {
  root: string;
  documents: LoadedDocument[];
  /** Every program with its document. */
  programs: { program: Program; document: LoadedDocument }[];
}

/**
 * Files that are documents: every `*.yaml` in the region folders under
 * `policies/` (files at the top level, like `intents.yaml`, are catalogs).
 */
function documentFiles(root: string, depth = 0): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root).sort()) {
    const full = join(root, name);
    if (statSync(full).isDirectory()) {
      if (name !== "sources") out.push(...documentFiles(full, depth + 1));
    } else if (name.endsWith(".yaml") && depth > 0) {
      out.push(full);
    }
  }
  return out;
}

/**
 * Load and validate every document under `root` (default `policies/`).
 * @param options.strict when true (default) any issue throws `KbError`;
 *   `kb check` passes false to collect the issues instead.
 * @param options.verify when true (default) also run the cross-file checks
 *   (clause references, numbers in clauses); the chat engine skips them for a
 *   fast start, `kb check` and CI run them.
 * @param options.cacheDir when set, parsed YAML is cached there as JSON
 *   (keyed by the file's content hash; YAML parsing dominates start-up).
 * @returns the knowledge base and the issues found (empty when strict)
 * @throws KbError listing every issue with file:line, when strict
 */
export function loadKnowledgeBase(
  root: string,
  options: { strict?: boolean; verify?: boolean; cacheDir?: string } = {},
): { kb: KnowledgeBase; issues: KbIssue[] } {
  const issues: KbIssue[] = [];
  const documents: LoadedDocument[] = [];
  for (const file of documentFiles(root)) {
    const rel = relative(process.cwd(), file) || file;
    const text = readFileSync(file, "utf8");
    // The YAML syntax tree (slower) is built only when line numbers are needed.
    let tree: { ydoc: Document.Parsed; lines: LineCounter } | null = null;
    const syntax = () => {
      if (!tree) {
        const lines = new (yaml().LineCounter)();
        tree = { ydoc: yaml().parseDocument(text, { lineCounter: lines }), lines };
      }
      return tree;
    };
    const lineOf = (path: (string | number)[]): number => {
      const { ydoc, lines } = syntax();
      for (let p = path.length; p >= 0; p--) {
        const node = ydoc.getIn(path.slice(0, p), true) as { range?: [number, number, number] } | undefined;
        if (node && typeof node === "object" && node.range) return lines.linePos(node.range[0]).line;
      }
      return 1;
    };
    let data: unknown;
    const cacheName = `kb-${cacheKey(text)}.json`;
    try {
      const cached = options.cacheDir ? readCache(options.cacheDir, cacheName) : null;
      if (cached) data = JSON.parse(cached.toString("utf8"));
      else {
        data = yaml().parse(text);
        if (options.cacheDir) writeCache(options.cacheDir, cacheName, JSON.stringify(data));
      }
    } catch {
      for (const e of syntax().ydoc.errors)
        issues.push({ file: rel, line: e.linePos?.[0]?.line ?? 1, path: "", message: `YAML: ${e.message}` });
      continue;
    }
    const parsed = PolicyDocument.safeParse(data);
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const path = i.path.filter((p): p is string | number => typeof p !== "symbol");
        issues.push({ file: rel, line: lineOf(path), path: path.join("."), message: i.message });
      }
      continue;
    }
    const doc = parsed.data;
    const sourceFile = join(root, doc.source);
    let clauses: Clause[] = [];
    try {
      clauses = parseSource(readFileSync(sourceFile, "utf8"), doc.id, relative(process.cwd(), sourceFile));
    } catch (e) {
      if (e instanceof SourceError) issues.push({ file: e.file, line: e.line, path: "", message: e.detail });
      else
        issues.push({
          file: rel,
          line: lineOf(["source"]),
          path: "source",
          message: `无法读取原文 / cannot read source: ${(e as Error).message}`,
        });
      continue;
    }
    const loaded: LoadedDocument = { doc, file: rel, clauses, clauseById: new Map(clauses.map((c) => [c.id, c])) };
    if (options.verify !== false) issues.push(...crossCheck(loaded, lineOf));
    documents.push(loaded);
  }
  const ids = new Set<string>();
  for (const d of documents) {
    for (const p of [d.doc.id, ...d.doc.programs.map((x) => x.id)]) {
      if (ids.has(p)) issues.push({ file: d.file, line: 1, path: "id", message: `id「${p}」重复 / duplicate id` });
      ids.add(p);
    }
  }
  if (options.strict !== false && issues.length > 0) throw new KbError(issues);
  const programs = documents.flatMap((document) => document.doc.programs.map((program) => ({ program, document })));
  return { kb: { root, documents, programs }, issues };
}
