/**
 * Assembles a .docx from a validated template and data: A4 page with the
 * template's margins, default fonts, `— 1 —` page numbers, and the body blocks.
 */
import { AlignmentType, Document, Footer, Packer, PageNumber, PageOrientation, Paragraph, TextRun } from "docx";
import { renderBlocks } from "./blocks.js";
import type { TemplateSpec } from "./schema.js";
import { BODY, cm, fontOf, halfPoints, ParagraphStyles } from "./style.js";

function pageNumberFooter(): Footer {
  const run = { font: fontOf("宋体"), size: halfPoints("四号") };
  return new Footer({
    children: [
      new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ ...run, children: ["— ", PageNumber.CURRENT, " —"] })] }),
    ],
  });
}

/**
 * Render a template to .docx bytes.
 * @param spec the validated template
 * @param data the data (values are inserted literally)
 * @param file the template file, for error messages
 * @returns the .docx file
 * @throws TemplateError when a text of the template cannot be rendered
 */
export async function buildDocx(spec: TemplateSpec, data: Record<string, unknown>, file: string): Promise<Buffer> {
  const styles = new ParagraphStyles();
  const children = renderBlocks(spec.body, { ctx: data, root: data, vars: {}, spec, file, styles }, "body");
  const { margins, orientation } = spec.page;
  const doc = new Document({
    creator: "policybot",
    title: spec.title,
    description: spec.description.slice(0, 200),
    styles: {
      default: { document: { run: { font: fontOf(BODY.face), size: halfPoints(BODY.size) } } },
      paragraphStyles: styles.definitions(),
    },
    sections: [
      {
        properties: {
          page: {
            // A4 is 21 × 29.7 cm; docx swaps width and height for landscape itself.
            size: {
              width: cm(21),
              height: cm(29.7),
              orientation: orientation === "landscape" ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT,
            },
            margin: {
              top: cm(margins.top),
              bottom: cm(margins.bottom),
              left: cm(margins.left),
              right: cm(margins.right),
              header: cm(1.5),
              footer: cm(2.5),
            },
          },
        },
        footers: spec.page.pageNumbers ? { default: pageNumberFooter() } : undefined,
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
