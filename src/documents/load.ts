/**
 * Finding and loading templates in a templates folder: `<id>.yaml` (validated
 * by the zod schema, Handlebars syntax checked) and `<id>.docx` (an office's
 * own Word form with `{{field}}` placeholders). Loaded templates are cached by
 * file, size and modification time, so editing a file takes effect at once.
 */
import { existsSync, readdirSync, readFileSync, type Stats, statSync } from "node:fs";
import { join, relative } from "node:path";
import { yaml } from "../util/yaml.js";
import { TemplateError } from "./errors.js";
import { syntaxError } from "./hbs.js";
import { TemplateKind, TemplateSpec } from "./schema.js";
import { readZipEntry } from "./zip-entry.js";

/** A template as `policybot templates` lists it. */
export interface TemplateInfo {
  id: string;
  title: string;
  kind: TemplateKind;
  source: "yaml" | "docx";
}

/** A loaded template: a YAML spec or the bytes of a Word form. */
export type LoadedTemplate =
  | { source: "yaml"; id: string; file: string; spec: TemplateSpec }
  | { source: "docx"; id: string; file: string; title: string; kind: TemplateKind; bytes: Buffer };

/** A path for messages: relative to the working directory when inside it, else as given. */
const display = (file: string) => {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") ? rel : file;
};

/** Template files in the folder by id; a YAML template wins over a Word form of the same id. */
function templateFiles(dir: string): Map<string, { file: string; source: "yaml" | "docx" }> {
  const out = new Map<string, { file: string; source: "yaml" | "docx" }>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const m = /^([a-z0-9-]+)\.(yaml|docx)$/.exec(name);
    if (!m?.[1] || !m[2]) continue; // also skips Word's lock files (~$x.docx)
    const source = m[2] as "yaml" | "docx";
    if (source === "docx" && out.has(m[1])) continue;
    out.set(m[1], { file: join(dir, name), source });
  }
  return out;
}

function yamlIssues(file: string, text: string, issues: { path: (string | number)[]; message: string }[]): string[] {
  const lines = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter: lines });
  return issues.map(({ path, message }) => {
    let line = 1;
    for (let p = path.length; p >= 0; p--) {
      const node = doc.getIn(path.slice(0, p), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === "object" && node.range) {
        line = lines.linePos(node.range[0]).line;
        break;
      }
    }
    return `${display(file)}:${line}${path.length ? ` ${path.join(".")}` : ""}: ${message}`;
  });
}

/** Handlebars syntax errors in every string of the body, with their paths. */
function syntaxIssues(value: unknown, path: (string | number)[]): { path: (string | number)[]; message: string }[] {
  if (typeof value === "string") {
    const err = syntaxError(value);
    return err ? [{ path, message: `模板语法错误 / Handlebars syntax: ${err}` }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => syntaxIssues(v, [...path, i]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => syntaxIssues(v, [...path, k]));
  return [];
}

function loadYaml(id: string, file: string): LoadedTemplate {
  const text = readFileSync(file, "utf8");
  let raw: unknown;
  try {
    raw = yaml().parse(text);
  } catch (e) {
    throw new TemplateError(id, display(file), [`YAML: ${(e as Error).message.split("\n")[0]}`]);
  }
  const parsed = TemplateSpec.safeParse(raw);
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (!parsed.success) {
    for (const i of parsed.error.issues)
      problems.push({ path: i.path.filter((p): p is string | number => typeof p !== "symbol"), message: i.message });
  } else {
    if (parsed.data.id !== id)
      problems.push({ path: ["id"], message: `id「${parsed.data.id}」应与文件名「${id}」一致 / id must match the file name` });
    problems.push(...syntaxIssues(parsed.data.body, ["body"]));
  }
  if (problems.length > 0 || !parsed.success) throw new TemplateError(id, display(file), yamlIssues(file, text, problems));
  return { source: "yaml", id, file: display(file), spec: parsed.data };
}

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const xmlText = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => XML_ENTITIES[e] ?? "");

function loadDocx(id: string, file: string): LoadedTemplate {
  const bytes = readFileSync(file);
  // Title and kind come from the form's properties (Word: File > Info > Title, Subject).
  const core = readZipEntry(bytes, "docProps/core.xml")?.toString("utf8") ?? "";
  const title = xmlText(/<dc:title>([^<]*)<\/dc:title>/.exec(core)?.[1] ?? "").trim() || id;
  const subject = xmlText(/<dc:subject>([^<]*)<\/dc:subject>/.exec(core)?.[1] ?? "").trim();
  const kind =
    TemplateKind.safeParse(subject).data ?? TemplateKind.options.find((k) => title.includes(k)) ?? ("通知" satisfies TemplateKind);
  return { source: "docx", id, file: display(file), title, kind, bytes };
}

const cache = new Map<string, { stamp: string; template: LoadedTemplate }>();

/**
 * Load one template by id.
 * @param templatesDir the templates folder
 * @param id the template id (file name without `.yaml`/`.docx`)
 * @returns the validated template
 * @throws TemplateError for an unknown id (listing the known ones) or an invalid file (each issue as `file:line path: message`)
 */
export function loadTemplate(templatesDir: string, id: string): LoadedTemplate {
  // The id names a file: only [a-z0-9-] (no path separators), a YAML template before a Word form.
  const found = /^[a-z0-9-]+$/.test(id) ? findTemplate(templatesDir, id) : null;
  if (!found) {
    const known = [...templateFiles(templatesDir).keys()].join(", ") || "无 / none";
    throw new TemplateError(id, display(templatesDir), [`未知模板 / unknown template（可用 / available: ${known}）`]);
  }
  const stamp = `${found.stat.size}:${found.stat.mtimeMs}`;
  const hit = cache.get(found.file);
  if (hit && hit.stamp === stamp) return hit.template;
  const template = found.source === "yaml" ? loadYaml(id, found.file) : loadDocx(id, found.file);
  cache.set(found.file, { stamp, template });
  return template;
}

function findTemplate(dir: string, id: string): { file: string; source: "yaml" | "docx"; stat: Stats } | null {
  for (const source of ["yaml", "docx"] as const) {
    const file = join(dir, `${id}.${source}`);
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat?.isFile()) return { file, source, stat };
  }
  return null;
}

/**
 * Every template in the folder, by id.
 * @param onError called with the error of each template that fails to load (it is left out of the list)
 * @returns id, title, kind and source of each loadable template
 */
export function listTemplates(templatesDir: string, onError?: (e: TemplateError) => void): TemplateInfo[] {
  const out: TemplateInfo[] = [];
  for (const id of templateFiles(templatesDir).keys()) {
    try {
      const t = loadTemplate(templatesDir, id);
      out.push(
        t.source === "yaml"
          ? { id, title: t.spec.title, kind: t.spec.kind, source: "yaml" }
          : { id, title: t.title, kind: t.kind, source: "docx" },
      );
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      onError?.(e);
    }
  }
  return out;
}
