/**
 * Word forms as templates: an office's own `.docx` with `{{field}}` typed in
 * Word (spaces inside the braces allowed), filled with docx's `patchDocument`.
 *
 * patchDocument applies one patch after another, so a value that contains
 * `{{other}}` would be filled again by a later patch. Filling therefore takes two
 * passes: first every placeholder becomes `\uE000field\uE001` (private-use
 * characters; the form's own formatting is kept), then the values are patched
 * against those delimiters, which no value can contain (they are removed from
 * values). Every value is inserted literally as a text run; line breaks in a
 * value become line breaks in Word. Every placeholder is a required field.
 */
import { PatchType, patchDetector, patchDocument, TextRun } from "docx";
import { TemplateError } from "./errors.js";
import { cleanText, getPath, isBlank, toText } from "./text.js";

const START = "\uE000";
const END = "\uE001";

const prepared = new WeakMap<Buffer, Promise<{ bytes: Buffer; fields: string[] }>>();

/** Pass one: placeholders rewritten to the private delimiters, and the field names. Cached per form. */
function prepare(form: Buffer): Promise<{ bytes: Buffer; fields: string[] }> {
  let hit = prepared.get(form);
  if (!hit) {
    hit = (async () => {
      const keys = await patchDetector({ data: form });
      const patches = Object.fromEntries(
        keys.map((k) => [k, { type: PatchType.PARAGRAPH, children: [new TextRun(`${START}${k.trim()}${END}`)] }] as const),
      );
      const bytes = await patchDocument({ outputType: "nodebuffer", data: form, patches, keepOriginalStyles: true });
      return { bytes, fields: [...new Set(keys.map((k) => k.trim()))] };
    })();
    prepared.set(form, hit);
  }
  return hit;
}

/** The field names of a Word form (its `{{placeholders}}`), in the order found. */
export async function wordFields(form: Buffer): Promise<string[]> {
  return (await prepare(form)).fields;
}

function runs(value: unknown): TextRun[] {
  const text = cleanText(toText(value)).replaceAll(START, "").replaceAll(END, "");
  return text.split("\n").map((line, i) => new TextRun({ text: line, break: i > 0 ? 1 : undefined }));
}

/**
 * Fill a Word form.
 * @param id template id and `file`, for error messages
 * @param form the .docx bytes (keep the same Buffer to reuse pass one)
 * @param data values by placeholder name (dotted names look into objects)
 * @returns the filled .docx
 * @throws TemplateError listing the placeholders the data lacks
 */
export async function fillWordForm(id: string, file: string, form: Buffer, data: Record<string, unknown>): Promise<Buffer> {
  const { bytes, fields } = await prepare(form);
  const missing = fields.filter((f) => isBlank(getPath(data, f)));
  if (missing.length > 0) throw new TemplateError(id, file, [`缺少必填字段 / missing required fields: ${missing.join(", ")}`], missing);
  const patches = Object.fromEntries(fields.map((f) => [f, { type: PatchType.PARAGRAPH, children: runs(getPath(data, f)) }] as const));
  return patchDocument({
    outputType: "nodebuffer",
    data: bytes,
    patches,
    keepOriginalStyles: true,
    placeholderDelimiters: { start: START, end: END },
  });
}
