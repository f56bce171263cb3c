/**
 * The channel-agnostic pieces of broadcasting from chat, as pure functions:
 * topics from free text (what was understood and what was not), the /notice
 * step machine (re-asking invalid answers, several matching programs offered
 * as choices, 修改 one field and back to the preview, the send time), and the
 * state's round trip through JSON.
 */
import { describe, expect, it } from "vitest";
import {
  type NoticeContext,
  type NoticeState,
  parseNoticeState,
  parseSendTime,
  startNotice,
  stepNotice,
} from "../../src/broadcast/admin/notice-flow.js";
import { parseTopics, topicsText } from "../../src/broadcast/admin/topic-parse.js";
import { loadKnowledgeBase } from "../../src/kb/load.js";
import { POLICIES } from "../helpers/paths.js";

const { kb } = loadKnowledgeBase(POLICIES, { verify: false });
const NOW = Date.parse("2026-11-22T10:00:00+08:00");
const ctx: NoticeContext = { kb, now: NOW, audienceSize: () => 4 };
const texts = (r: { replies: { type: string; text?: string }[] }) => r.replies.map((x) => x.text ?? `[${x.type}]`).join("\n");

/** Answer the steps in order, returning the last step. */
function run(...answers: string[]) {
  let step = startNotice("telegram:1", NOW);
  for (const a of answers) step = stepNotice(step.state as NoticeState, a, ctx);
  return step;
}

describe("topics from free text", () => {
  it("finds regions by any name, sectors with their other spelling, programs by alias or id", () => {
    const p = parseTopics("平顶山、武清 卫生 和 社会事业人才培养专项 zz-talent-platforms 火星", kb);
    expect(p.topics.regions).toEqual(expect.arrayContaining(["平顶山市", "鹰城", "天津市武清区"]));
    expect(p.topics.sectors).toEqual(["卫生", "医疗卫生", "医疗"]);
    expect([...p.topics.programs].sort()).toEqual(["zz-social-talent", "zz-talent-platforms"]);
    expect(p.unknown).toEqual(["火星"]);
    expect(topicsText(p.topics, kb)).toContain("地区：平顶山市、天津市武清区");
  });

  it("takes a field under every name the documents give it (lexicon sameSectors), and everyday words for it", () => {
    expect(parseTopics("医院", kb)).toEqual({ topics: { programs: [], regions: [], sectors: ["卫生", "医疗卫生", "医疗"] }, unknown: [] });
    expect(parseTopics("医疗卫生", kb).topics.sectors.sort()).toEqual(["医疗", "医疗卫生", "卫生"].sort());
    expect(parseTopics("文化", kb).topics.sectors).toEqual(expect.arrayContaining(["文化", "文化体育", "文化旅游"]));
    // A name inside another sector's name is not that sector: 教育 is not 人才教育.
    expect(parseTopics("教育", kb).topics.sectors).toEqual(["教育"]);
  });

  it("reads no topics (or 全部) as everything", () => {
    expect(parseTopics("", kb).topics).toEqual({ programs: [], regions: [], sectors: [] });
    expect(parseTopics("全部", kb)).toEqual({ topics: { programs: [], regions: [], sectors: [] }, unknown: [] });
    expect(topicsText(parseTopics("", kb).topics, kb)).toBe("全部通知（不限项目、地区、领域）");
  });
});

describe("the /notice step machine", () => {
  it("asks again after an invalid or past date, keeping the earlier answers", () => {
    const bad = run("标题", "zz-social-talent", "2026-02-30");
    expect(texts(bad)).toMatch(/日期无效[\s\S]*第3步/);
    expect(bad.state?.draft).toMatchObject({ title: "标题", program: "zz-social-talent" });
    expect(texts(stepNotice(bad.state as NoticeState, "2026-11-01", ctx))).toContain("截止日期已过");
  });

  it("offers the programs a name matches as choices, and takes the chosen id", () => {
    const many = run("标题", "武清卫生");
    const choices = many.replies.find((r) => r.type === "choices");
    expect(choices?.type === "choices" && choices.choices.map((c) => c.value)).toEqual(["wq-health-top", "wq-health-backbone"]);
    expect(texts(stepNotice(many.state as NoticeState, "wq-health-top", ctx))).toContain("项目：武清区鲲鹏工程 卫生领域 拔尖人才");
    expect(texts(run("标题", "火星人才计划"))).toContain("没有找到");
  });

  it("previews, edits one field and comes back to the preview, then sends", () => {
    const preview = run("标题", "zz-social-talent", "2027年6月30日", "正文第一段\n\n第二段", "联系人", "跳过");
    expect(preview.replies.map((r) => r.type)).toEqual(["text", "preview", "docx", "choices"]);
    expect(texts(preview)).toContain("目前匹配 4 个订阅群");
    const edit = stepNotice(preview.state as NoticeState, "修改", ctx);
    const asked = stepNotice(edit.state as NoticeState, "deadline", ctx);
    expect(texts(asked)).toContain("修改截止日期");
    const again = stepNotice(asked.state as NoticeState, "2027-07-31", ctx);
    expect(again.replies.map((r) => r.type)).toContain("preview");
    const sent = stepNotice(again.state as NoticeState, "立即发送", ctx);
    expect(sent.state).toBeNull();
    expect(sent.action?.kind).toBe("send");
    expect(sent.action?.notice).toMatchObject({ deadline: "2027-07-31", body: "正文第一段\n\n第二段", program: "zz-social-talent" });
    expect(sent.action?.notice.id).toMatch(/^chat-[0-9a-f]{20}$/);
  });

  it("schedules at a future Beijing time; cancels at any step", () => {
    const preview = run("标题", "zz-social-talent", "2027-06-30", "正文", "联系人", "郑州 教育");
    expect(texts(preview)).toContain("已识别受众：地区：郑州市；领域：教育");
    const ask = stepNotice(preview.state as NoticeState, "定时发送", ctx);
    expect(texts(stepNotice(ask.state as NoticeState, "2026-11-22 09:00", ctx))).toContain("已经过去");
    const at = stepNotice(ask.state as NoticeState, "2026年11月23日 9点30", ctx);
    expect(at.action).toMatchObject({ kind: "schedule", notice: { scheduledAt: "2026-11-23T09:30:00+08:00" } });
    expect(run("标题", "取消")).toMatchObject({ state: null });
    expect(parseSendTime("2026-11-23 24:00")).toBeNull();
  });

  it("keeps its state as plain JSON (a restart continues at the same question)", () => {
    const s = run("标题", "zz-social-talent").state;
    expect(parseNoticeState(JSON.parse(JSON.stringify(s)))).toEqual(s);
    expect(parseNoticeState({ v: 2 })).toBeNull();
  });
});
