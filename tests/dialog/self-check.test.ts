import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultDeps } from "../../src/dialog/deps.js";
import { step } from "../../src/dialog/engine.js";
import { loadInterviews } from "../../src/dialog/load.js";
import { Interview } from "../../src/dialog/schema.js";
import type { DialogDeps } from "../../src/dialog/types.js";
import { type KnowledgeBase, loadKnowledgeBase } from "../../src/kb/load.js";
import type { EligibilityResult } from "../../src/rules/evaluate.js";
import { POLICIES, ROOT } from "../helpers/paths.js";
import { fakeDeps, last, result, run, said } from "./helpers.js";

const why = { text: "测试", document: "doc", clause: "第一条" };
const yesno = (id: string, field: string) => ({ id, field, prompt: `${field}？`, type: "yesno", invalid: "是或否", why });

/** A small self-check: three yes/no fields for two programs. */
const SMALL = Interview.parse({
  id: "small-check",
  title: "小自测",
  kind: "self-check",
  programs: ["a", "b"],
  intro: "开始。",
  questions: [yesno("q-a", "inProfessionalPost"), yesno("q-b", "ethnicMinority"), yesno("q-c", "remoteTownship")],
});

/** Program a needs inProfessionalPost = true; program b needs ethnicMinority = true. remoteTownship is read by no one. */
function fakeEvaluate(profile: Record<string, unknown>): EligibilityResult[] {
  const status = (v: unknown) => (v === undefined ? "unknown" : v === true ? "met" : "not_met");
  const a = status(profile.inProfessionalPost);
  const b = status(profile.ethnicMinority);
  const verdict = (s: string) => (s === "met" ? "eligible" : s === "not_met" ? "ineligible" : "incomplete");
  return [
    result("a", verdict(a), [{ field: "inProfessionalPost", status: a }]),
    result("b", verdict(b), [{ field: "ethnicMinority", status: b }]),
    result("other", "incomplete", [{ field: "remoteTownship", status: "unknown" }]),
  ];
}

describe("self-check with a fake evaluator", () => {
  it("asks only the fields unknown criteria need, then reports and renders", async () => {
    const deps = fakeDeps(fakeEvaluate);
    const turns = await run(SMALL, deps, ["是", "否"]);
    expect(turns.map((t) => t.state.pending)).toEqual(["q-a", "q-b", null]);
    const end = last(turns);
    expect(end.state.phase).toBe("done");
    const text = said(end.replies);
    expect(text).toContain("✔ 项目a —— 符合");
    expect(text).toContain("✘ 项目b —— 不符合");
    expect(text).not.toContain("项目other"); // not one of the interview's programs
    expect(deps.rendered[0]?.templateId).toBe("self-check-report");
    const data = deps.rendered[0]?.data as { profile: { label: string; value: string }[]; results: { verdictLabel: string }[] };
    expect(data.profile).toEqual([
      { label: "是否在专业技术岗位", value: "是" },
      { label: "是否少数民族", value: "否" },
    ]);
    expect(data.results.map((r) => r.verdictLabel)).toEqual(["符合", "不符合"]);
  });

  it("完成 ends early with the current verdicts", async () => {
    const turns = await run(SMALL, fakeDeps(fakeEvaluate), ["完成"]);
    expect(last(turns).state.phase).toBe("done");
    expect(said(last(turns).replies)).toContain("？ 项目a —— 信息不全");
  });
});

describe("self-check on the real knowledge base", () => {
  let kb: KnowledgeBase;
  let check: Interview;
  let deps: DialogDeps & { rendered: unknown[] };
  beforeAll(() => {
    kb = loadKnowledgeBase(POLICIES, { verify: false }).kb;
    const interviews = loadInterviews(join(ROOT, "conversations"), kb);
    check = interviews.get("self-check") as Interview;
    const real = defaultDeps(kb, join(ROOT, "templates"), "2026-11-22");
    deps = { ...fakeDeps(real.evaluate), asOf: "2026-11-22" };
  });

  it("after 郑州市 it asks only about 郑州 programs and never about 武清/玉溪-only fields", async () => {
    const turns = await run(check, deps, ["郑州市", "医疗卫生", "中国", "40", "博士", "事业单位", "6", "是", "否", "否", "未认定"]);
    const asked = turns.map((t) => t.state.pending).filter((x): x is string => x !== null);
    for (const never of ["sector-wuqing", "sector-yuxi", "teaching-years", "cadre-rank", "employer-level", "gender", "social-work-years"])
      expect(asked).not.toContain(never);
    expect(asked[0]).toBe("region");
    expect(asked[1]).toBe("sector-zhengzhou");
    // 博士 already meets 高级职称或博士学位, so 职称 is not asked; 郑州 asks 单位性质 (企事业单位, 第二条).
    expect(asked).not.toContain("professional-title");
    expect(asked).toContain("employer-kind");
    expect(new Set(asked).size).toBe(asked.length); // every answer accepted, nothing asked twice
    const end = last(turns);
    expect(end.state.phase).toBe("done");
    expect(said(end.replies)).toContain("✔ 郑州市社会事业人才培养专项 —— 符合");
    expect(deps.rendered.length).toBeGreaterThan(0);
    if (process.env.SHOW) console.log(said(end.replies));
  });

  it("an answer that rules a program out stops the questions only it needs", async () => {
    // 参照公务员法管理 → 社会事业人才 ineligible: 已入选人才项目 (read only by it) is no longer asked.
    const turns = await run(check, deps, ["郑州市", "教育", "中国", "40", "博士", "事业单位", "6", "是", "是", "未认定"]);
    const asked = turns.map((t) => t.state.pending);
    expect(asked).not.toContain("already-recognized");
    expect(said(last(turns).replies)).toContain("参照公务员法管理的事业单位人员不列入选拔培养范围");
  });

  it("another region: every program out, finishes right away", async () => {
    const turns = await run(check, deps, ["其他地区"]);
    expect(last(turns).state.phase).toBe("done");
    expect(said(last(turns).replies)).toContain("不符合");
  });

  it("武清 卫生: asks age and gender-free questions of that domain only", async () => {
    const turns = await run(check, deps, ["天津市武清区", "卫生", "38", "本科", "中级"]);
    const asked = turns.map((t) => t.state.pending);
    expect(asked.slice(0, 3)).toEqual(["region", "sector-wuqing", "age"]);
    expect(asked).not.toContain("nationality");
    expect(last(turns).state.phase).toBe("done");
    expect(said(last(turns).replies)).toContain("武清区鲲鹏工程 卫生领域 骨干人才 —— 符合");
  });

  it("rejects values outside the profile schema and keeps the answers", async () => {
    const turns = await run(check, deps, ["郑州市", "教育", "中国", "三岁"]);
    const t = last(turns);
    expect(said(t.replies)).toContain("请输入周岁年龄");
    expect(t.state.answers).toEqual({ region: "郑州市", "sector-zhengzhou": "教育", nationality: "中国" });
    const resumed = await step(check, JSON.parse(JSON.stringify(t.state)), { text: "41" }, deps);
    expect(resumed.state.answers.age).toBe(41);
  });
});
