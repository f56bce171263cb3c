/**
 * Template schema: the shape of every `templates/<id>.yaml`, as zod schemas
 * (types are inferred from them). Templates are data that HR staff edit: a
 * list of fields the template expects and a `body` of blocks whose texts are
 * Handlebars templates (`{{name}}`, `{{date birthDate}}`, `{{#each …}}`).
 */
import { z } from "zod";

/** The kinds of documents policybot writes. */
export const TemplateKind = z.enum(["申报表", "申请表", "考核登记表", "资格自测报告", "政策要点", "通知", "群发报告"]);
export type TemplateKind = z.infer<typeof TemplateKind>;

/** One field of the data a template expects (a contract with the interview engine). */
export const Field = z.object({
  /** Key in the data object, e.g. `idNumber`. */
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, "字段名只能用字母、数字和下划线 / field name: letters, digits, underscore"),
  /** Chinese label as printed on the form, e.g. 身份证号. */
  label: z.string().min(1),
  required: z.boolean(),
  /** Long free text (业绩、规划): split into paragraphs on line breaks. */
  multiline: z.boolean().optional(),
  /** `list` for arrays (rows of a table, lines of text); `text` otherwise. */
  type: z.enum(["text", "list"]).default("text"),
  /** Allowed values, for checkbox fields; a checkboxes block without options uses these. */
  options: z.array(z.string().min(1)).optional(),
  description: z.string().optional(),
});
export type Field = z.infer<typeof Field>;

const Align = z.enum(["left", "center", "right", "justify"]);
export type Align = z.infer<typeof Align>;

/**
 * Font sizes by their Chinese names (二号 22pt, 三号 16pt, 小三 15pt, 四号 14pt,
 * 小四 12pt, 五号 10.5pt) or in points.
 */
export const FontSize = z.union([z.enum(["二号", "小二", "三号", "小三", "四号", "小四", "五号"]), z.number().min(6).max(72)]);
export type FontSize = z.infer<typeof FontSize>;

/** Typefaces: 仿宋 (body), 黑体 (level-1 headings), 楷体 (level-2), 小标宋 (titles). */
export const Face = z.enum(["仿宋", "黑体", "楷体", "小标宋", "宋体"]);
export type Face = z.infer<typeof Face>;

const Text = z.string();

/** The document title: 方正小标宋简体 二号, centered. */
export const TitleBlock = z.object({ type: z.literal("title"), text: Text, subtitle: Text.optional() });

/** A heading: level 1 黑体, level 2 楷体, level 3 仿宋 bold (三号). */
export const HeadingBlock = z.object({ type: z.literal("heading"), text: Text, level: z.number().int().min(1).max(3).default(1) });

/** A paragraph; every line of the rendered text becomes one paragraph. */
export const ParagraphBlock = z.object({
  type: z.literal("paragraph"),
  text: Text,
  align: Align.optional(),
  /** Indent of the first line, in characters (公文 body: 2). */
  firstLineIndent: z.number().min(0).max(10).optional(),
  /** Line pitch as a multiple of the font size (default: 公文's 28 pt for 三号, i.e. 1.75). */
  lineHeight: z.number().min(1).max(3).optional(),
  size: FontSize.optional(),
  face: Face.optional(),
  bold: z.boolean().optional(),
  /**
   * `line` (default): every non-blank line is a paragraph; `blank`: paragraphs are
   * separated by blank lines and single line breaks stay breaks (a notice body).
   */
  split: z.enum(["line", "blank"]).default("line"),
});

/** Check boxes: □ for each option, ☑ for the value(s) in `field`. */
export const CheckboxesBlock = z.object({
  type: z.literal("checkboxes"),
  /** Printed before the boxes, e.g. 领域：. */
  label: Text.optional(),
  /** Data field holding the chosen value or an array of values (dotted paths allowed). */
  field: z.string().min(1),
  /** Defaults to the field's `options`. */
  options: z.array(z.string().min(1)).optional(),
  align: Align.optional(),
  size: FontSize.optional(),
});

/** A signature line: `申请人（签字）：＿＿＿＿　　年　月　日`. */
export const SignatureBlock = z.object({
  type: z.literal("signature"),
  label: Text,
  /** Append 年 月 日 (default true). */
  date: z.boolean().default(true),
  align: Align.optional(),
  size: FontSize.optional(),
});

/** A seal line `（单位盖章）`, right-aligned, optionally followed by 年 月 日. */
export const SealBlock = z.object({
  type: z.literal("seal"),
  text: Text.default("（单位盖章）"),
  date: z.boolean().default(true),
  size: FontSize.optional(),
});

/** Empty lines (room to write by hand). */
export const BlankBlock = z.object({ type: z.literal("blank"), lines: z.number().int().min(1).max(40).default(1) });

/** A page break. */
export const PageBreakBlock = z.object({ type: z.literal("pageBreak") });

/** Blocks that may also appear inside a table cell. */
export const CellContent = z.discriminatedUnion("type", [ParagraphBlock, CheckboxesBlock, SignatureBlock, SealBlock, BlankBlock]);
export type CellContent = z.infer<typeof CellContent>;

/**
 * A table cell: a text (shorthand: just the string) or `content` blocks, or
 * check boxes; `span` columns wide.
 */
export const Cell = z.union([
  Text,
  z.object({
    text: Text.optional(),
    content: z.array(CellContent).optional(),
    checkboxes: CheckboxesBlock.omit({ type: true }).optional(),
    span: z.number().int().min(1).default(1),
    align: Align.optional(),
    vAlign: z.enum(["top", "center", "bottom"]).optional(),
    bold: z.boolean().optional(),
  }),
]);
export type Cell = z.infer<typeof Cell>;

/** A table row; with `each`, one row per item of that array field (cells see the item's fields). */
export const Row = z.object({
  cells: z.array(Cell).min(1),
  /** Minimum height in cm (opinion boxes). */
  height: z.number().positive().optional(),
  each: z.string().min(1).optional(),
});
export type Row = z.infer<typeof Row>;

/** A table with fixed column widths in cm (layout fixed, prints as designed). */
export const TableBlock = z.object({
  type: z.literal("table"),
  columns: z.array(z.number().positive()).min(1),
  /** Header row, bold, repeated on every page. */
  header: z.array(Cell).optional(),
  rows: z.array(Row).default([]),
  size: FontSize.default("小四"),
  /** Text alignment of cells that do not set one (default center). */
  align: Align.optional(),
  /** Print the table only when this field has a value (a non-empty list or text), e.g. `failures`. */
  when: z.string().min(1).optional(),
});
export type TableBlock = z.infer<typeof TableBlock>;

/** Any block of a template body (`repeat` nests blocks once per item of an array field). */
export type Block =
  | z.infer<typeof TitleBlock>
  | z.infer<typeof HeadingBlock>
  | z.infer<typeof ParagraphBlock>
  | z.infer<typeof CheckboxesBlock>
  | z.infer<typeof SignatureBlock>
  | z.infer<typeof SealBlock>
  | z.infer<typeof BlankBlock>
  | z.infer<typeof PageBreakBlock>
  | TableBlock
  | { type: "repeat"; each: string; body: Block[] };

/** Any block of a template body (zod schema of {@link Block}). */
export const Block: z.ZodType<Block> = z.lazy(() =>
  z.discriminatedUnion("type", [
    TitleBlock,
    HeadingBlock,
    ParagraphBlock,
    CheckboxesBlock,
    SignatureBlock,
    SealBlock,
    BlankBlock,
    PageBreakBlock,
    TableBlock,
    z.object({ type: z.literal("repeat"), each: z.string().min(1), body: z.array(Block).min(1) }),
  ]),
) as z.ZodType<Block>;

/** Page settings; defaults follow GB/T 9704-2012 (A4, margins 3.7/3.5/2.8/2.6 cm). */
export const PageSettings = z.object({
  orientation: z.enum(["portrait", "landscape"]).default("portrait"),
  margins: z
    .object({
      top: z.number().min(0).default(3.7),
      bottom: z.number().min(0).default(3.5),
      left: z.number().min(0).default(2.8),
      right: z.number().min(0).default(2.6),
    })
    .default({ top: 3.7, bottom: 3.5, left: 2.8, right: 2.6 }),
  /** Page numbers `— 1 —` in the footer (default true). */
  pageNumbers: z.boolean().default(true),
});
export type PageSettings = z.infer<typeof PageSettings>;

/** Width of the printable area in cm for these page settings (A4 21 × 29.7 cm). */
export function contentWidthCm(page: PageSettings): number {
  const width = page.orientation === "landscape" ? 29.7 : 21;
  return width - page.margins.left - page.margins.right;
}

/** One template file `templates/<id>.yaml`. */
export const TemplateSpec = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, "模板 id 只能用小写字母、数字和连字符 / template id: lowercase, digits, hyphens"),
    title: z.string().min(1),
    kind: TemplateKind,
    description: z.string().min(1),
    fields: z.array(Field).default([]),
    page: PageSettings.default(PageSettings.parse({})),
    body: z.array(Block).min(1),
  })
  .superRefine((spec, ctx) => {
    const names = new Set<string>();
    spec.fields.forEach((f, i) => {
      if (names.has(f.name))
        ctx.addIssue({ code: "custom", path: ["fields", i, "name"], message: `字段「${f.name}」重复 / duplicate field` });
      names.add(f.name);
    });
    const byName = new Map(spec.fields.map((f) => [f.name, f]));
    const maxWidth = contentWidthCm(spec.page) + 0.05;
    const checkBoxes = (b: { field: string; options?: string[] }, path: (string | number)[]) => {
      if (!b.options && !byName.get(b.field)?.options)
        ctx.addIssue({ code: "custom", path, message: `复选框缺少 options（字段「${b.field}」也没有）/ checkboxes need options` });
    };
    const visit = (blocks: Block[], path: (string | number)[]) =>
      blocks.forEach((b, i) => {
        const at = [...path, i];
        if (b.type === "repeat") visit(b.body, [...at, "body"]);
        if (b.type === "checkboxes") checkBoxes(b, at);
        if (b.type !== "table") return;
        const width = b.columns.reduce((a, c) => a + c, 0);
        if (width > maxWidth)
          ctx.addIssue({
            code: "custom",
            path: [...at, "columns"],
            message: `列宽合计 ${width.toFixed(2)} cm 超过版心 ${(maxWidth - 0.05).toFixed(2)} cm / columns wider than the page`,
          });
        const rows: { cells: Cell[]; where: (string | number)[] }[] = b.rows.map((r, j) => ({ cells: r.cells, where: [...at, "rows", j] }));
        if (b.header) rows.unshift({ cells: b.header, where: [...at, "header"] });
        for (const r of rows) {
          const span = r.cells.reduce<number>((a, c) => a + (typeof c === "string" ? 1 : c.span), 0);
          if (span !== b.columns.length)
            ctx.addIssue({
              code: "custom",
              path: r.where,
              message: `单元格跨列合计 ${span}，应为 ${b.columns.length} 列 / cells span ${span} of ${b.columns.length} columns`,
            });
          r.cells.forEach((c, k) => {
            if (typeof c !== "string" && c.checkboxes) checkBoxes(c.checkboxes, [...r.where, "cells", k]);
          });
        }
      });
    visit(spec.body, ["body"]);
  });
export type TemplateSpec = z.infer<typeof TemplateSpec>;
