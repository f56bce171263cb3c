/**
 * Typography of generated documents, after GB/T 9704-2012 (党政机关公文格式):
 * title 方正小标宋简体 二号, body 仿宋_GB2312 三号, level-1 headings 黑体,
 * level-2 楷体_GB2312, tables 小四, page numbers 宋体 四号 `— 1 —`.
 * Latin text and digits use Times New Roman.
 */
import { type IParagraphStyleOptions, TextRun } from "docx";
import type { Face, FontSize } from "./schema.js";
import { cleanText } from "./text.js";

/** Twips (1/20 pt) per centimetre. */
export const TWIPS_PER_CM = 1440 / 2.54;

/** Centimetres to twips, rounded. */
export function cm(value: number): number {
  return Math.round(value * TWIPS_PER_CM);
}

const POINTS: Record<Exclude<FontSize, number>, number> = {
  二号: 22,
  小二: 18,
  三号: 16,
  小三: 15,
  四号: 14,
  小四: 12,
  五号: 10.5,
};

/** A font size in points. */
export function points(size: FontSize): number {
  return typeof size === "number" ? size : POINTS[size];
}

/** Half-points, as `w:sz` wants them. */
export function halfPoints(size: FontSize): number {
  return Math.round(points(size) * 2);
}

const EAST_ASIA: Record<Face, string> = {
  仿宋: "仿宋_GB2312",
  黑体: "黑体",
  楷体: "楷体_GB2312",
  小标宋: "方正小标宋简体",
  宋体: "宋体",
};

/** `w:rFonts` for a typeface: the Chinese font for East Asian text, Times New Roman for the rest. */
export function fontOf(face: Face): { ascii: string; hAnsi: string; cs: string; eastAsia: string } {
  return { ascii: "Times New Roman", hAnsi: "Times New Roman", cs: "Times New Roman", eastAsia: EAST_ASIA[face] };
}

/** Defaults of body text. */
export const BODY = { face: "仿宋" as Face, size: "三号" as FontSize };

/** Exact line pitch of body text in twips (28 pt: 22 lines on a 公文 page). */
export const BODY_LINE = 560;

/** Run options of a text style. */
export interface RunStyle {
  face?: Face;
  size?: FontSize;
  bold?: boolean;
}

const FACE_KEY: Record<Face, string> = { 仿宋: "fs", 黑体: "ht", 楷体: "kt", 小标宋: "xbs", 宋体: "st" };

/**
 * The paragraph styles of one document, one per typeface and size in use
 * (`pb-fs-12` = 仿宋 小四): paragraphs name their style and runs carry only
 * bold, which keeps the XML small and rendering fast.
 */
export class ParagraphStyles {
  private readonly used = new Map<string, { face: Face; size: FontSize; inTable: boolean }>();

  /**
   * The style id for a typeface and size, registered on first use; table
   * styles (`-t`) add a little space above and below each paragraph.
   */
  id(face: Face, size: FontSize, inTable = false): string {
    const id = `pb-${FACE_KEY[face]}-${String(points(size)).replace(".", "_")}${inTable ? "-t" : ""}`;
    if (!this.used.has(id)) this.used.set(id, { face, size, inTable });
    return id;
  }

  /** The definitions for `new Document({ styles: { paragraphStyles } })`. */
  definitions(): IParagraphStyleOptions[] {
    return [...this.used].map(([id, { face, size, inTable }]) => ({
      id,
      name: id,
      basedOn: "Normal",
      run: { font: fontOf(face), size: halfPoints(size) },
      paragraph: inTable ? { spacing: { before: 40, after: 40 } } : undefined,
    }));
  }
}

/**
 * Runs of literal text (cleaned with {@link cleanText}); `\n` inside becomes a
 * line break. Font and size come from the paragraph's style.
 * @param text the text, inserted as it is (no template evaluation happens here)
 */
export function textRuns(text: string, bold?: boolean): TextRun[] {
  return cleanText(text)
    .split("\n")
    .map((line, i) => new TextRun({ text: line, bold, break: i > 0 ? 1 : undefined }));
}
