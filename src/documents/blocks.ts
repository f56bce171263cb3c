/** A template body as docx paragraphs and tables. */
import { AlignmentType, type FileChild, LineRuleType, Paragraph } from "docx";
import { inlineBlock, type Place, paragraph, paragraphs } from "./paragraphs.js";
import type { Block } from "./schema.js";
import { itemScopes, lookup, type Scope, text } from "./scope.js";
import { BODY, BODY_LINE, textRuns } from "./style.js";
import { table } from "./table.js";
import { cleanText } from "./text.js";

const body = (scope: Scope): Place => ({ inTable: false, size: BODY.size, align: "justify", styles: scope.styles });
const HEADING_FACE = { 1: "黑体", 2: "楷体", 3: "仿宋" } as const;

function title(block: Extract<Block, { type: "title" }>, scope: Scope, path: string): Paragraph[] {
  // Titles use a 35 pt line (二号 does not fit the 28 pt body pitch) and one blank line after.
  const lines = cleanText(text(scope, block.text, `${path}.text`))
    .split("\n")
    .filter((l) => l.trim() !== "");
  const out = lines.map(
    (line, i) =>
      new Paragraph({
        alignment: AlignmentType.CENTER,
        spacing: { after: i === lines.length - 1 && !block.subtitle ? BODY_LINE : 0, line: 700, lineRule: LineRuleType.EXACT },
        style: scope.styles.id("小标宋", "二号"),
        children: textRuns(line),
      }),
  );
  if (block.subtitle) {
    const sub = text(scope, block.subtitle, `${path}.subtitle`);
    out.push(...paragraphs(sub, { ...body(scope), align: "center" }, { face: "楷体" }), paragraph("", body(scope)));
  }
  return out;
}

/** A `when` field without a value: missing, null, empty text or an empty list. */
function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === false || (typeof v === "string" && v.trim() === "") || (Array.isArray(v) && v.length === 0);
}

/**
 * The docx children of template blocks, rendered against a scope.
 * @param path block path for error messages, e.g. `body`
 * @throws TemplateError when a text cannot be rendered
 */
export function renderBlocks(blocks: Block[], scope: Scope, path: string): FileChild[] {
  const out: FileChild[] = [];
  blocks.forEach((block, i) => {
    const at = `${path}.${i}`;
    switch (block.type) {
      case "title":
        out.push(...title(block, scope, at));
        break;
      case "heading":
        out.push(
          ...paragraphs(text(scope, block.text, `${at}.text`), body(scope), {
            face: HEADING_FACE[block.level as 1 | 2 | 3],
            bold: block.level === 3,
            align: "left",
          }),
        );
        break;
      case "table":
        if (block.when && isEmpty(lookup(scope, block.when))) break;
        out.push(table(block, scope, at));
        break;
      case "pageBreak":
        out.push(new Paragraph({ pageBreakBefore: true, children: [] }));
        break;
      case "repeat":
        for (const s of itemScopes(scope, block.each)) out.push(...renderBlocks(block.body, s, `${at}.body`));
        break;
      default:
        out.push(...inlineBlock(block, scope, body(scope), at));
    }
  });
  return out;
}
