import { describe, expect, it } from "vitest";
import { policyBriefData } from "../../src/documents/brief.js";
import { listTemplates, loadTemplate, renderTemplate, TemplateError } from "../../src/documents/render.js";
import { loadKnowledgeBase } from "../../src/kb/load.js";
import { POLICIES } from "../helpers/paths.js";
import { DATA, docText, TEMPLATES } from "./fixtures.js";

const EXPECTED_IDS = [
  "broadcast-report",
  "notice",
  "notice-word",
  "policy-brief",
  "self-check-report",
  "wq-kunpeng-application",
  "yx-grassroots-application",
  "yx-grassroots-assessment",
  "zz-social-talent-application",
];

const text = async (id: string, data: Record<string, unknown>) => docText(await renderTemplate(TEMPLATES, id, data));

describe("listTemplates", () => {
  it("lists every bundled template with its kind and source, and all load without errors", () => {
    const errors: string[] = [];
    const list = listTemplates(TEMPLATES, (e) => errors.push(e.message));
    expect(errors).toEqual([]);
    expect(list.map((t) => t.id).sort()).toEqual(EXPECTED_IDS);
    expect(list.find((t) => t.id === "zz-social-talent-application")).toEqual({
      id: "zz-social-talent-application",
      title: "郑州市社会事业人才培养对象申报表",
      kind: "申报表",
      source: "yaml",
    });
    expect(list.find((t) => t.id === "notice-word")).toMatchObject({ source: "docx", kind: "通知", title: "通知（Word 模板）" });
  });
});

describe("renderTemplate: every template with typical data", () => {
  for (const [id, data] of Object.entries(DATA)) {
    it(`${id}: the filled values are in the document`, async () => {
      const t = await text(id, data);
      for (const [key, value] of Object.entries(data)) {
        if (typeof value !== "string" || /Date|date|periodFrom|periodTo|deadline/.test(key)) continue;
        // Multi-line values become paragraphs: check each line.
        for (const line of value.split("\n").filter((l) => l.trim() !== "")) expect(t, `${id}.${key}`).toContain(line);
      }
    });
  }

  it("zz-social-talent-application: dates in Chinese, title, citation of 第五条, opinion boxes with seal lines", async () => {
    const t = await text("zz-social-talent-application", DATA["zz-social-talent-application"] ?? {});
    expect(t).toContain("郑州市社会事业人才培养对象申报表");
    expect(t).toContain("1985年3月");
    expect(t).toContain("8年");
    expect(t).toContain("郑人社规〔2024〕1号）第五条");
    expect(t).toContain("（单位盖章）");
    expect(t).toMatch(/用人\s*单位\s*意见/);
    expect(t).toMatch(/主管\s*部门\s*推荐\s*意见/);
    expect(t).toContain("申请人（签字）：＿");
    expect(t).toContain("年　　月　　日");
  });

  it("yx-grassroots-assessment: period in Chinese dates, 一式四份 note", async () => {
    const t = await text("yx-grassroots-assessment", DATA["yx-grassroots-assessment"] ?? {});
    expect(t).toContain("2019年9月1日 至 2020年2月29日");
    expect(t).toContain("一式四份");
    expect(t).toMatch(/接收\s*单位\s*审定\s*意见/);
  });

  it("self-check-report: verdict table, per-program criteria with status and source, next steps, default disclaimer", async () => {
    const t = await text("self-check-report", DATA["self-check-report"] ?? {});
    expect(t).toContain("2026年11月22日");
    expect(t).toContain("（1）郑州市社会事业人才培养专项：符合");
    expect(t).toContain("（2）玉溪市基层人才对口培养计划：不符合");
    for (const s of ["年龄一般在45周岁以下", "满足", "第四条", "年龄在35岁左右", "不满足", "第五条", "38岁", "副高级"])
      expect(t).toContain(s);
    expect(t).toContain("1. 准备三年培养规划");
    expect(t).toContain("2. 由用人单位通过“郑聚英才计划”服务平台申报");
    expect(t).toContain("仅供参考");
  });

  it("self-check-report without a profile numbers its sections from 一", async () => {
    const { profile: _, ...data } = DATA["self-check-report"] ?? {};
    const t = await text("self-check-report", data);
    expect(t).toContain("一、自测结论");
    expect(t).not.toContain("基本情况");
  });

  it("notice: 文号, recipients, body paragraphs split on blank lines, deadline, issuer and date", async () => {
    const t = await text("notice", DATA.notice ?? {});
    expect(t).toContain("郑人社〔2026〕1号");
    expect(t).toContain("各开发区、区县（市）人力资源社会保障部门：");
    expect(t).toMatch(/通知如下。\n+一、申报条件按细则执行。\n+二、请按时报送材料。/);
    expect(t).toContain("截止时间：2026年12月31日。");
    expect(t).toContain("2026年11月22日");
  });

  it("notice without a date prints today's date", async () => {
    const { date: _, ...data } = DATA.notice ?? {};
    const now = new Date();
    expect(await text("notice", data)).toContain(`${now.getFullYear()}年${now.getMonth() + 1}月${now.getDate()}日`);
  });
});

describe("check boxes", () => {
  const boxes = (t: string, options: string[]) => options.map((o) => (t.includes(`☑${o}`) ? "☑" : t.includes(`□${o}`) ? "□" : "?"));

  it("ticks the chosen 领域 and leaves the others empty (郑州)", async () => {
    const t = await text("zz-social-talent-application", DATA["zz-social-talent-application"] ?? {});
    expect(boxes(t, ["教育", "医疗卫生", "人文社科", "文化体育", "考古文博非遗", "社会工作"])).toEqual(["□", "☑", "□", "□", "□", "□"]);
  });

  it("玉溪 sector, 武清 domain and tier, assessment rating", async () => {
    const yx = await text("yx-grassroots-application", DATA["yx-grassroots-application"] ?? {});
    expect(boxes(yx, ["教育", "卫生", "农口", "城建规划", "科技"])).toEqual(["□", "☑", "□", "□", "□"]);
    const wq = await text("wq-kunpeng-application", DATA["wq-kunpeng-application"] ?? {});
    expect(wq).toContain("☑卫生");
    expect(wq).toContain("□教育");
    expect(wq).toContain("☑骨干人才");
    expect(wq).toContain("□拔尖人才");
    const rating = async (r: string | undefined) =>
      boxes(await text("yx-grassroots-assessment", { ...DATA["yx-grassroots-assessment"], rating: r }), [
        "优秀",
        "合格",
        "基本合格",
        "不合格",
      ]);
    expect(await rating("优秀")).toEqual(["☑", "□", "□", "□"]);
    expect(await rating("基本合格")).toEqual(["□", "□", "☑", "□"]);
    expect(await rating(undefined)).toEqual(["□", "□", "□", "□"]);
  });

  it("a value that is not an option is kept, ticked, rather than lost", async () => {
    const t = await text("zz-social-talent-application", { ...DATA["zz-social-talent-application"], sector: "体育产业" });
    expect(t).toContain("☑体育产业");
    expect(t).not.toContain("☑医疗卫生");
  });
});

describe("safety: data values are inserted literally", () => {
  const EVIL = ["{{evil}}", "{{#each x}}y{{/each}}", "<b>&amp;</b>", "\u202Eabc", "👩‍⚕️😀", "a\u0000b\u0007c", "{{{raw}}}"];
  const long = "长".repeat(5000) + "{{name}}".repeat(500); // > 10 KB

  it("YAML template: every tricky value appears as typed and the document opens", async () => {
    const data = { ...DATA["zz-social-talent-application"], name: EVIL.join(" "), achievements: long, evil: "EVALUATED", raw: "RAW" };
    const t = await text("zz-social-talent-application", data);
    for (const v of EVIL.filter((e) => !e.includes("\u0000"))) expect(t).toContain(v);
    expect(t).toContain("abc"); // control characters (not storable in XML) are dropped, the rest kept
    expect(t).not.toContain("EVALUATED");
    expect(t).not.toContain("RAW");
    expect(t).toContain(long);
  });

  it("Word template: values containing other placeholders are not filled again", async () => {
    const data = {
      title: "关于{{date}}的通知 <b>&amp;",
      body: `第一段 {{issuer}} \u202Eabc 😀\n第二段 ${long}`,
      issuer: "{{title}}",
      date: "{{body}}",
    };
    const t = await text("notice-word", data);
    expect(t).toContain("关于{{date}}的通知 <b>&amp;");
    expect(t).toContain("第一段 {{issuer}} \u202Eabc 😀");
    expect(t).toContain(long);
    expect(t).toContain("{{title}}");
    expect(t).toContain("{{body}}");
  });

  it("the data object's prototype is not reachable", async () => {
    const t = await text("notice", { ...DATA.notice, title: "{{constructor}}", body: "{{__proto__}}" });
    expect(t).toContain("{{constructor}}");
    expect(t).toContain("{{__proto__}}");
  });
});

describe("errors", () => {
  it("missing required fields → TemplateError listing them with labels", async () => {
    const { name: _n, idNumber: _i, ...data } = DATA["zz-social-talent-application"] ?? {};
    const err = await renderTemplate(TEMPLATES, "zz-social-talent-application", { ...data, plan: "   " }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateError);
    const te = err as TemplateError;
    expect(te.templateId).toBe("zz-social-talent-application");
    expect(te.missing).toEqual(["name", "idNumber", "plan"]);
    expect(te.message).toContain("name（姓名）");
    expect(te.message).toContain("idNumber（身份证号）");
    expect(te.message).toContain("zz-social-talent-application.yaml");
  });

  it("missing placeholders of a Word template → TemplateError", async () => {
    const err = await renderTemplate(TEMPLATES, "notice-word", { title: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).missing.sort()).toEqual(["body", "date", "issuer"]);
  });

  it("unknown template and ids that are paths → TemplateError naming the available ones", async () => {
    for (const id of ["nope", "../package", "zz-social-talent-application/../notice"]) {
      const err = await renderTemplate(TEMPLATES, id, {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TemplateError);
      expect((err as Error).message).toContain("unknown template");
      expect((err as Error).message).toContain("zz-social-talent-application");
    }
  });

  it("loadTemplate returns the validated spec", () => {
    const t = loadTemplate(TEMPLATES, "zz-social-talent-application");
    expect(t.source).toBe("yaml");
    if (t.source === "yaml") {
      expect(t.spec.page.margins).toEqual({ top: 3.7, bottom: 3.5, left: 2.8, right: 2.6 });
      expect(t.spec.description).toContain("郑人社规〔2024〕1号");
      expect(t.spec.description).toContain("第五条");
    }
  });
});

describe("policy brief from the knowledge base", () => {
  const { kb } = loadKnowledgeBase(POLICIES, { verify: false });

  it("every program renders; lines carry their clause labels and marks", async () => {
    for (const { program } of kb.programs) {
      const t = await text("policy-brief", policyBriefData(kb, program.id));
      expect(t).toContain(program.title);
      expect(t).toContain("政策要点");
      // A one-pager: at 9.5 pt with 1.45 line pitch an A4 page holds about 1,500 characters
      // (every bundled program was checked on paper via LibreOffice at 1,334 or fewer).
      expect(t.replace(/\s+/g, "").length, program.id).toBeLessThanOrEqual(1450);
    }
  });

  it("郑州: 文号, status, funding with 第六条, criteria marks, steps, contacts", async () => {
    const data = policyBriefData(kb, "zz-social-talent");
    expect(data).toMatchObject({ docNumber: "郑人社规〔2024〕1号", statusLabel: "现行有效", sectorsClause: "第二条" });
    const t = await text("policy-brief", data);
    expect(t).toContain("《郑州市社会事业人才培养专项实施细则》（郑人社规〔2024〕1号）");
    expect(t).toContain("文件状态：现行有效");
    expect(t).toMatch(/20万元标准经费资助.*（第六条）/);
    expect(t).toContain("●硬性");
    expect(t).toContain("○一般性");
    expect(t).toContain("◇由评审把握");
    expect(t).toContain("● 具有中国国籍（第四条）");
    expect(t).toContain("○ 年龄一般在45周岁以下（第四条）");
    expect(t).toMatch(/程序：通知 → 申报 → 推荐 → 评审 → 公示公布（第五条）/);
    expect(t).toContain("咨询：郑州市人力资源和社会保障局");
    expect(t).toContain("郑州市财政局2024年2月19日印发");
  });

  it("expired document: status label and warning", async () => {
    const data = policyBriefData(kb, "yx-grassroots-training");
    expect(data.statusLabel).toBe("已到期（试行）");
    expect(await text("policy-brief", data)).toContain("实施期已过");
  });

  it("unknown program → UnknownProgramError", () => {
    expect(() => policyBriefData(kb, "nope")).toThrow(/unknown program: nope/);
  });
});

describe("broadcast-report", () => {
  it("lists channels, failures with their handling and possible repeats; empty sections say 无", async () => {
    const data = DATA["broadcast-report"] ?? {};
    const t = await text("broadcast-report", data);
    expect(t).toContain("群发报告");
    expect(t).toContain("共 4 个群：已发送 2，失败 2，未完成 0");
    expect(t).toContain("飞书 / Lark");
    expect(t).toContain("403 Forbidden: bot was kicked");
    expect(t).toContain("已退订（不再发送）");
    expect(t).toContain("郑州文化群");
    expect(t).toContain("可能收到两次");
    const clean = await text("broadcast-report", { ...data, failed: 0, failures: [], uncertain: [], finishedAt: "" });
    expect(clean).toContain("二、失败明细：无");
    expect(clean).toContain("三、可能重复收到的群：无");
    expect(clean).toContain("未完成");
    expect(clean).not.toContain("重发次数");
    expect(clean).not.toContain("序号");
  });
});
