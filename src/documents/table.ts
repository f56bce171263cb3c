/**
 * Table blocks: fixed column widths in cm (`layout: fixed`, so Word, WPS and
 * LibreOffice print the form as designed), a bold header row repeated on every
 * page, cells spanning columns, and `each` rows repeated per array item.
 */
import { HeightRule, Paragraph, Table, TableCell, TableLayoutType, TableRow, VerticalAlignTable, WidthType } from "docx";
import { checkboxLine, inlineBlock, type Place, paragraphs } from "./paragraphs.js";
import type { Cell, Row, TableBlock } from "./schema.js";
import { itemScopes, lookup, optionsOf, type Scope, text } from "./scope.js";
import { cm } from "./style.js";

const V_ALIGN = { top: VerticalAlignTable.TOP, center: VerticalAlignTable.CENTER, bottom: VerticalAlignTable.BOTTOM } as const;

function cellChildren(cell: Exclude<Cell, string>, scope: Scope, place: Place, path: string, bold: boolean): Paragraph[] {
  const align = cell.align ?? place.align;
  const out: Paragraph[] = [];
  if (cell.text !== undefined) out.push(...paragraphs(text(scope, cell.text, `${path}.text`), place, { align, bold: cell.bold ?? bold }));
  if (cell.checkboxes) {
    const b = cell.checkboxes;
    const label = b.label ? text(scope, b.label, `${path}.checkboxes.label`) : "";
    const line = checkboxLine(lookup(scope, b.field), optionsOf(scope, b.field, b.options));
    out.push(...paragraphs(`${label}${line}`, place, { align: b.align ?? cell.align ?? "left", size: b.size }));
  }
  cell.content?.forEach((c, i) => {
    out.push(...inlineBlock(c, scope, { ...place, align }, `${path}.content.${i}`));
  });
  // Word cannot open a cell without a paragraph.
  return out.length > 0 ? out : [new Paragraph({})];
}

function row(cells: Cell[], columns: number[], scope: Scope, place: Place, path: string, o: { header?: boolean; height?: number }) {
  let col = 0;
  const children = cells.map((raw, i) => {
    const cell = typeof raw === "string" ? { text: raw, span: 1 } : raw;
    const width = columns.slice(col, col + cell.span).reduce((a, c) => a + c, 0);
    col += cell.span;
    return new TableCell({
      width: { size: cm(width), type: WidthType.DXA },
      columnSpan: cell.span > 1 ? cell.span : undefined,
      verticalAlign: V_ALIGN[("vAlign" in cell ? cell.vAlign : undefined) ?? "center"],
      children: cellChildren(cell, scope, place, `${path}.cells.${i}`, o.header === true),
    });
  });
  return new TableRow({
    children,
    tableHeader: o.header,
    cantSplit: o.header,
    height: o.height ? { value: cm(o.height), rule: HeightRule.ATLEAST } : undefined,
  });
}

function rows(r: Row, block: TableBlock, scope: Scope, place: Place, path: string): TableRow[] {
  const scopes = r.each ? itemScopes(scope, r.each) : [scope];
  return scopes.map((s) => row(r.cells, block.columns, s, place, path, { height: r.height }));
}

/**
 * The docx table of a table block.
 * @throws TemplateError when a cell's text cannot be rendered
 */
export function table(block: TableBlock, scope: Scope, path: string): Table {
  const place: Place = { inTable: true, size: block.size, align: block.align ?? "center", styles: scope.styles };
  const out: TableRow[] = [];
  if (block.header) out.push(row(block.header, block.columns, scope, place, `${path}.header`, { header: true }));
  block.rows.forEach((r, i) => {
    out.push(...rows(r, block, scope, place, `${path}.rows.${i}`));
  });
  const width = block.columns.reduce((a, c) => a + c, 0);
  return new Table({
    rows: out,
    width: { size: cm(width), type: WidthType.DXA },
    columnWidths: block.columns.map(cm),
    layout: TableLayoutType.FIXED,
    alignment: "center",
    margins: { top: 40, bottom: 40, left: 100, right: 100 },
  });
}
