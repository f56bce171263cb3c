/**
 * Builds the sample Word form `templates/notice-word.docx`: a notice typed the
 * way an office would type it in Word, with the placeholders {{title}},
 * {{body}}, {{issuer}} and {{date}}. It stands for an office's own form and
 * shows the Word-template path (see word.ts). Regenerate it with
 * `npm run build && node -e 'import("./dist/src/documents/word-form.js").then((m) => m.writeNoticeWordForm("templates/notice-word.docx"))'`.
 */
import { writeFileSync } from "node:fs";
import { AlignmentType, Document, Footer, LineRuleType, Packer, PageNumber, Paragraph, TextRun } from "docx";
import { BODY_LINE, cm, fontOf, halfPoints } from "./style.js";

const body = { font: fontOf("仿宋"), size: halfPoints("三号") };
const line = { line: BODY_LINE, lineRule: LineRuleType.EXACT };

/** The sample Word form as .docx bytes (title and subject set in File > Info: 通知（Word 模板）, 通知). */
export async function buildNoticeWordForm(): Promise<Buffer> {
  const doc = new Document({
    title: "通知（Word 模板）",
    subject: "通知",
    creator: "policybot",
    description: "Word 模板示例：占位符 {{title}} {{body}} {{issuer}} {{date}}",
    styles: { default: { document: { run: body } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: cm(21), height: cm(29.7) },
            margin: { top: cm(3.7), bottom: cm(3.5), left: cm(2.8), right: cm(2.6), header: cm(1.5), footer: cm(2.5) },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ font: fontOf("宋体"), size: halfPoints("四号"), children: ["— ", PageNumber.CURRENT, " —"] })],
              }),
            ],
          }),
        },
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: BODY_LINE, line: 700, lineRule: LineRuleType.EXACT },
            children: [new TextRun({ text: "{{title}}", font: fontOf("小标宋"), size: halfPoints("二号") })],
          }),
          new Paragraph({
            spacing: line,
            indent: { firstLine: 640, firstLineChars: 200 },
            children: [new TextRun({ ...body, text: "{{body}}" })],
          }),
          new Paragraph({ spacing: line, children: [] }),
          new Paragraph({
            spacing: line,
            alignment: AlignmentType.RIGHT,
            children: [new TextRun({ ...body, text: "{{issuer}}　　　　" })],
          }),
          new Paragraph({ spacing: line, alignment: AlignmentType.RIGHT, children: [new TextRun({ ...body, text: "{{date}}　　　　" })] }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** Write the sample Word form to `file`. */
export async function writeNoticeWordForm(file: string): Promise<void> {
  writeFileSync(file, await buildNoticeWordForm());
}
