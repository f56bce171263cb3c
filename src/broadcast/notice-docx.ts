/**
 * The 通知 .docx attached to a notice: the `notice` template of `templates/`
 * (GB/T 9704 layout: 标题, 主送机关, 正文 by paragraphs, 截止时间, 联系人,
 * 发文机关署名 and 成文日期), filled from the notice.
 */
import { renderTemplate } from "../documents/render.js";
import type { Notice } from "./notice.js";

/** The template's field values for a notice (`date`: 成文日期, YYYY-MM-DD). */
export function noticeDocxData(n: Notice, date: string): Record<string, unknown> {
  return {
    title: n.title,
    docNumber: n.docNumber ?? "",
    recipients: n.recipients,
    body: n.body,
    deadline: n.deadline,
    contact: n.contact,
    issuer: n.issuer,
    date,
  };
}

/** The attachment's file name: the title (characters a file name cannot hold replaced), `.docx`. */
export function noticeFileName(n: Notice): string {
  return `${n.title.replace(/[\\/:*?"<>|\s]+/g, "_").slice(0, 80)}.docx`;
}

/**
 * Render the 通知 .docx.
 * @param templatesDir the templates folder (`templates/`)
 * @param date 成文日期, YYYY-MM-DD (default today, local time)
 * @throws TemplateError when the template is missing or invalid
 */
export function renderNoticeDocx(n: Notice, templatesDir: string, date = localDate()): Promise<Buffer> {
  return renderTemplate(templatesDir, "notice", noticeDocxData(n, date));
}

/** Today as YYYY-MM-DD in local time. */
export function localDate(d = new Date()): string {
  const pad = (x: number) => String(x).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
