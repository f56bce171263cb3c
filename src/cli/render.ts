/**
 * `policybot render <template-id> --data d.json --out f.docx` (or `--program <id>`
 * for `policy-brief`) and `policybot templates`. Loaded lazily by main.ts, so
 * docx and Handlebars load only for these commands.
 *
 * Templates folder: `POLICYBOT_TEMPLATES`, else the bundled `templates/`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { policyBriefData, UnknownProgramError } from "../documents/brief.js";
import { listTemplates, renderTemplate, TemplateError } from "../documents/render.js";
import { loadKnowledgeBase } from "../kb/load.js";
import { defaultCacheDir } from "../util/cache.js";
import { UsageError } from "./errors.js";
import { PROJECT_ROOT, policiesDir } from "./paths.js";

/** The templates folder: `POLICYBOT_TEMPLATES` or the bundled `templates/`. */
export function templatesDir(): string {
  return process.env.POLICYBOT_TEMPLATES ?? join(PROJECT_ROOT, "templates");
}

/** Read a data file: a JSON object. @throws UsageError when it is missing or not a JSON object */
function readData(file: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`无法读取数据文件 / cannot read data file ${file}: ${(e as Error).message.split("\n")[0]}`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new UsageError(`数据文件须为 JSON 对象 / data file must hold a JSON object: ${file}`);
  return raw as Record<string, unknown>;
}

function briefData(programId: string): Record<string, unknown> {
  const root = policiesDir();
  const { kb } = loadKnowledgeBase(root, { verify: false, cacheDir: defaultCacheDir(root) });
  try {
    return policyBriefData(kb, programId);
  } catch (e) {
    if (e instanceof UnknownProgramError) throw new UsageError(`${e.message}（policybot kb list 查看）`);
    throw e;
  }
}

/**
 * Render a template to a .docx file.
 * @param templateId template id (`policybot templates` lists them)
 * @param opts.data JSON data file; opts.program a program id (policy-brief only, instead of data); opts.out the .docx to write
 * @returns exit code 0
 * @throws UsageError for a missing/invalid data file, unknown template or program, missing required fields or an invalid template
 */
export async function runRender(templateId: string, opts: { data?: string; out?: string; program?: string }): Promise<number> {
  if (!opts.out) throw new UsageError("缺少 --out / missing --out f.docx");
  if (opts.program && templateId !== "policy-brief")
    throw new UsageError("--program 只用于 policy-brief / --program is for policy-brief only");
  if (!opts.program && !opts.data) throw new UsageError("缺少 --data / missing --data d.json");
  if (opts.program && opts.data) throw new UsageError("--data 与 --program 只能用一个 / give --data or --program, not both");
  const data = opts.program ? briefData(opts.program) : readData(opts.data as string);
  let bytes: Buffer;
  try {
    bytes = await renderTemplate(templatesDir(), templateId, data);
  } catch (e) {
    if (e instanceof TemplateError) throw new UsageError(e.message);
    throw e;
  }
  writeFileSync(opts.out, bytes);
  process.stdout.write(`已生成 / written ${opts.out}（${Math.ceil(bytes.length / 1024)} KB）\n`);
  return 0;
}

/**
 * List the templates: id, kind, source and title, one per line. Templates that
 * fail to load are reported on stderr (exit code 1 then).
 * @returns exit code
 */
export async function runTemplates(): Promise<number> {
  let failed = 0;
  const list = listTemplates(templatesDir(), (e) => {
    failed++;
    process.stderr.write(`policybot: ${e.message}\n`);
  });
  for (const t of list) process.stdout.write(`${t.id.padEnd(30)} ${t.kind.padEnd(6, "　")} ${t.source.padEnd(4)} ${t.title}\n`);
  return failed > 0 ? 1 : 0;
}
