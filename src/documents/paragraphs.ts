/**
 * Blocks that become paragraphs (text, check boxes, signature and seal lines,
 * blank lines), in the body or inside a table cell.
 */
import { AlignmentType, LineRuleType, Paragraph } from "docx";
import { isChosen } from "./hbs.js";
import type { Align, CellContent, FontSize } from "./schema.js";
import { lookup, optionsOf, type Scope, text } from "./scope.js";
import { BODY, BODY_LINE, type ParagraphStyles, points, type RunStyle, textRuns } from "./style.js";
import { cleanText, toText } from "./text.js";

const ALIGN = {
  left: AlignmentType.LEFT,
  center: AlignmentType.CENTER,
  right: AlignmentType.RIGHT,
  justify: AlignmentType.JUSTIFIED,
} as const;

/** Where a paragraph sits: the page body (exact 28 pt lines) or a table cell (single spacing). */
export interface Place {
  inTable: boolean;
  /** Default size: 三号 in the body, the table's size in a cell. */
  size: FontSize;
  /** Default alignment. */
  align: Align;
  /** The document's paragraph styles (typeface and size). */
  styles: ParagraphStyles;
}

/** Layout options of {@link paragraph}. */
export interface ParaOptions extends RunStyle {
  align?: Align;
  /** First-line indent in characters. */
  indent?: number;
  /** Line pitch as a multiple of the font size (body default 1.75, 公文's 28 pt for 三号). */
  lineHeight?: number;
}

/**
 * One paragraph of literal text (already rendered; nothing is evaluated).
 * @param value text; `\n` inside becomes a line break
 */
export function paragraph(value: string, place: Place, o: ParaOptions = {}): Paragraph {
  const size = o.size ?? place.size;
  const indent = o.indent ?? 0;
  return new Paragraph({
    style: place.styles.id(o.face ?? BODY.face, size, place.inTable),
    alignment: ALIGN[o.align ?? place.align],
    indent: indent > 0 ? { firstLine: Math.round(indent * points(size) * 20), firstLineChars: Math.round(indent * 100) } : undefined,
    // Body text: exact line pitch, 28 pt for 三号 (22 lines a page as in 公文), proportionally for other sizes.
    spacing: place.inTable
      ? undefined
      : {
          line: Math.round(o.lineHeight ? o.lineHeight * points(size) * 20 : (BODY_LINE * points(size)) / points(BODY.size)),
          lineRule: LineRuleType.EXACT,
        },
    children: textRuns(value, o.bold),
  });
}

/**
 * Rendered text as paragraphs (none when the text is blank): one per non-blank
 * line, or with `split: "blank"` one per blank-line-separated part (its single
 * line breaks kept as breaks).
 */
export function paragraphs(value: string, place: Place, o: ParaOptions = {}, split: "line" | "blank" = "line"): Paragraph[] {
  return cleanText(value)
    .split(split === "line" ? "\n" : /\n[ \t\u3000]*\n/)
    .map((part) => part.replace(/^\n+|\n+$/g, ""))
    .filter((part) => part.trim() !== "")
    .map((part) => paragraph(part, place, o));
}

/**
 * `□教育　☑卫生　□农口`: ☑ on the chosen value(s). A chosen value that is not
 * an option is kept, ticked, at the end, so no answer is lost.
 */
export function checkboxLine(value: unknown, options: string[]): string {
  const chosen = (Array.isArray(value) ? value : [value]).map((v) => toText(v).trim()).filter((v) => v !== "");
  const extra = chosen.filter((v) => !options.includes(v));
  return [...options.map((o) => `${isChosen(value, o) ? "☑" : "□"}${o}`), ...extra.map((v) => `☑${v}`)].join("　");
}

const SIGN_BLANK = "＿＿＿＿＿＿＿＿";
const DATE_LINE = "年　　月　　日";

/** Paragraphs of one paragraph-like block. @throws TemplateError when a text cannot be rendered */
export function inlineBlock(block: CellContent, scope: Scope, place: Place, path: string): Paragraph[] {
  switch (block.type) {
    case "paragraph":
      return paragraphs(
        text(scope, block.text, `${path}.text`),
        place,
        {
          align: block.align,
          indent: block.firstLineIndent,
          lineHeight: block.lineHeight,
          size: block.size,
          face: block.face,
          bold: block.bold,
        },
        block.split,
      );
    case "checkboxes": {
      const label = block.label ? text(scope, block.label, `${path}.label`) : "";
      const line = checkboxLine(lookup(scope, block.field), optionsOf(scope, block.field, block.options));
      return [paragraph(`${label}${line}`, place, { align: block.align ?? "left", size: block.size })];
    }
    case "signature": {
      const label = text(scope, block.label, `${path}.label`);
      const line = `${label}：${SIGN_BLANK}${block.date ? `　　${DATE_LINE}` : ""}`;
      return [paragraph(line, place, { align: block.align ?? "right", size: block.size })];
    }
    case "seal": {
      const out = [paragraph(`${text(scope, block.text, `${path}.text`)}　　`, place, { align: "right", size: block.size })];
      if (block.date) out.push(paragraph(`${DATE_LINE}　　`, place, { align: "right", size: block.size }));
      return out;
    }
    case "blank":
      return Array.from({ length: block.lines }, () => paragraph("", place));
  }
}
