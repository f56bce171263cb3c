/**
 * The final report of a broadcast (and the progress shown while it runs):
 * counts, failures with reasons, the rows that may have been delivered twice
 * (Telegram, in flight at a crash), as an object, a text for the admin's chat
 * or the terminal, and a .csv with one line per delivery row.
 */
import type { BroadcastRecord, Delivery, DeliveryCounts } from "./outbox.js";

/** Progress while a broadcast runs (the admin's chat shows 已发送 120/500，失败 3). */
export interface Progress extends DeliveryCounts {
  noticeId: string;
}

/** 已发送 120/500，失败 3（待确认 1）. */
export function progressLine(p: Progress): string {
  const done = p.sent + p.failed;
  return `已发送 ${p.sent}/${p.total}，失败 ${p.failed}${p.everUncertain > 0 ? `，可能重复 ${p.everUncertain}` : ""}${done < p.total ? "" : "（完成）"}`;
}

/** The report of a broadcast. */
export interface BroadcastReport {
  noticeId: string;
  title: string;
  state: BroadcastRecord["state"];
  counts: DeliveryCounts;
  /** Counts per channel. */
  channels: Record<string, { total: number; sent: number; failed: number }>;
  /** Failed rows with their reasons. */
  failures: { chat: string; title: string; reason: string; permanent: boolean }[];
  /** Rows resent after their answer was lost (Telegram: possibly delivered twice). */
  uncertain: { chat: string; title: string; times: number; messageIds: string[] }[];
  startedAt: number;
  finishedAt: number | null;
}

/** Build the report from the broadcast row and its delivery rows. */
export function buildReport(record: BroadcastRecord, rows: Delivery[], counts: DeliveryCounts): BroadcastReport {
  const channels: BroadcastReport["channels"] = {};
  for (const r of rows) {
    const c = channels[r.channel] ?? { total: 0, sent: 0, failed: 0 };
    channels[r.channel] = c;
    c.total++;
    if (r.state === "sent") c.sent++;
    if (r.state === "failed") c.failed++;
  }
  return {
    noticeId: record.noticeId,
    title: record.notice.title,
    state: record.state,
    counts,
    channels,
    failures: rows
      .filter((r) => r.state === "failed")
      .map((r) => ({ chat: r.chat, title: r.title, reason: r.error ?? "", permanent: r.permanent })),
    uncertain: rows
      .filter((r) => r.uncertain > 0)
      .map((r) => ({ chat: r.chat, title: r.title, times: r.uncertain, messageIds: r.messageIds })),
    startedAt: record.createdAt,
    finishedAt: record.finishedAt,
  };
}

/** The report as text (the admin's chat, the terminal). */
export function reportText(r: BroadcastReport): string {
  const lines = [
    `群发报告 / broadcast report：${r.title}（${r.noticeId}）`,
    `共 ${r.counts.total} 个群：已发送 ${r.counts.sent}，失败 ${r.counts.failed}，未完成 ${r.counts.pending + r.counts.inFlight + r.counts.uncertainNow}`,
    ...Object.entries(r.channels).map(([c, n]) => `  ${c}: ${n.sent}/${n.total} 已发送，失败 ${n.failed}`),
  ];
  if (r.failures.length > 0) {
    lines.push(`失败 / failures (${r.failures.length}):`);
    for (const f of r.failures) lines.push(`  ${f.chat} ${f.title}：${f.reason}${f.permanent ? "（已退订 / unsubscribed）" : ""}`);
  }
  if (r.uncertain.length > 0) {
    lines.push(`可能重复 / possibly delivered twice (${r.uncertain.length}; in flight at a crash or answer lost):`);
    for (const u of r.uncertain) lines.push(`  ${u.chat} ${u.title}`);
  }
  return lines.join("\n");
}

const csvCell = (v: unknown) => {
  const s = String(v ?? "");
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One CSV line per delivery row (UTF-8 with BOM, so Excel reads the Chinese titles). */
export function reportCsv(rows: Delivery[]): string {
  const head = [
    "chat",
    "channel",
    "chat_id",
    "title",
    "state",
    "message_ids",
    "uncertain",
    "attempts",
    "rate_limited",
    "error",
    "permanent",
  ];
  const body = rows.map((r) =>
    [
      r.chat,
      r.channel,
      r.chatId,
      r.title,
      r.state,
      r.messageIds.join(" "),
      r.uncertain,
      r.attempts,
      r.rateLimited,
      r.error ?? "",
      r.permanent ? 1 : 0,
    ]
      .map(csvCell)
      .join(","),
  );
  return `\uFEFF${[head.join(","), ...body].join("\r\n")}\r\n`;
}
