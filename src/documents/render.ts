/**
 * Public API of the document generator: list, load and render templates.
 *
 * ```ts
 * const buf = await renderTemplate("templates", "zz-social-talent-application", { name: "张三", … });
 * ```
 * YAML templates are laid out with the `docx` library (GB/T 9704-like page,
 * 仿宋 三号 body); Word forms are filled with `patchDocument`. Data values are
 * always inserted literally.
 */
import { buildDocx } from "./build.js";
import { TemplateError } from "./errors.js";
import { loadTemplate } from "./load.js";
import type { TemplateSpec } from "./schema.js";
import { isBlank } from "./text.js";
import { fillWordForm } from "./word.js";

export { TemplateError } from "./errors.js";
export { type LoadedTemplate, listTemplates, loadTemplate, type TemplateInfo } from "./load.js";

/** Required fields of a template that are blank in the data, as `name（label）`. */
export function missingFields(spec: TemplateSpec, data: Record<string, unknown>): { name: string; label: string }[] {
  return spec.fields.filter((f) => f.required && isBlank(data[f.name])).map((f) => ({ name: f.name, label: f.label }));
}

/**
 * Render a template with data to a .docx.
 * @param templatesDir the templates folder
 * @param id template id
 * @param data field values (see the template's `fields`); values are inserted as they are, never evaluated
 * @returns the .docx bytes
 * @throws TemplateError for an unknown or invalid template, or when required fields are missing
 *   (`missing` lists their names and the message their labels)
 */
export async function renderTemplate(templatesDir: string, id: string, data: Record<string, unknown>): Promise<Buffer> {
  const t = loadTemplate(templatesDir, id);
  if (t.source === "docx") return fillWordForm(t.id, t.file, t.bytes, data);
  const missing = missingFields(t.spec, data);
  if (missing.length > 0)
    throw new TemplateError(
      t.id,
      t.file,
      [`缺少必填字段 / missing required fields: ${missing.map((m) => `${m.name}（${m.label}）`).join(", ")}`],
      missing.map((m) => m.name),
    );
  return buildDocx(t.spec, data, t.file);
}
