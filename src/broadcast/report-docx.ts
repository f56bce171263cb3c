/**
 * The 群发报告 .docx: the `broadcast-report` template of `templates/`, filled
 * from a {@link BroadcastReport} (counts per channel, failures with reasons
 * and how they were handled, the groups that may have received it twice).
 */
import { renderTemplate } from "../documents/render.js";
import type { BroadcastReport } from "./report.js";

const STATE_LABELS: Record<BroadcastReport["state"], string> = {
  scheduled: "待发送（定时）",
  running: "发送中（未完成，再次运行即可继续）",
  done: "已完成",
  cancelled: "已取消",
};

const CHANNEL_LABELS: Record<string, string> = { telegram: "Telegram", lark: "飞书 / Lark" };

/**
 * Epoch milliseconds as `YYYY-MM-DD HH:mm` in Beijing time (UTC+8, no daylight saving).
 * @example beijingMinute(Date.UTC(2026, 4, 6, 1, 0)) // "2026-05-06 09:00"
 */
export function beijingMinute(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace("T", " ");
}

/** The template's field values for a report (see `templates/broadcast-report.yaml`). */
export function reportDocxData(r: BroadcastReport): Record<string, unknown> {
  return {
    title: r.title,
    noticeId: r.noticeId,
    startedAt: beijingMinute(r.startedAt),
    finishedAt: r.finishedAt === null ? "" : beijingMinute(r.finishedAt),
    stateLabel: STATE_LABELS[r.state],
    total: r.counts.total,
    sent: r.counts.sent,
    failed: r.counts.failed,
    unfinished: r.counts.pending + r.counts.inFlight + r.counts.uncertainNow,
    channels: Object.entries(r.channels).map(([channel, n]) => ({ channel: CHANNEL_LABELS[channel] ?? channel, ...n })),
    failures: r.failures.map((f) => ({
      chat: f.chat,
      title: f.title,
      reason: f.reason,
      handling: f.permanent ? "已退订（不再发送）" : "可再次发送",
    })),
    uncertain: r.uncertain.map((u) => ({ chat: u.chat, title: u.title, times: u.times })),
  };
}

/** The report's file name: `群发报告-<noticeId>.docx`. */
export function reportDocxName(noticeId: string): string {
  return `群发报告-${noticeId}.docx`;
}

/**
 * Render the 群发报告 .docx.
 * @param templatesDir the templates folder (`templates/`)
 * @throws TemplateError when the template is missing or invalid
 */
export function renderReportDocx(r: BroadcastReport, templatesDir: string): Promise<Buffer> {
  return renderTemplate(templatesDir, "broadcast-report", reportDocxData(r));
}
