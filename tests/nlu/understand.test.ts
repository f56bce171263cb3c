import { beforeAll, describe, expect, it } from "vitest";
import type { KnowledgeBase } from "../../src/kb/load.js";
import { type NluResources, type Understanding, understand } from "../../src/nlu/understand.js";
import { buildNlu } from "../helpers/nlu.js";

let nlu: NluResources;
let kb: KnowledgeBase;
beforeAll(() => {
  ({ nlu, kb } = buildNlu());
});

const u = (q: string): Understanding => understand(q, nlu);
const refs = (x: Understanding, kind: string) => x.mentions.filter((m) => m.kind === kind).map((m) => m.ref);

describe("intent detection", () => {
  it.each([
    ["经费怎么拨付", "funding"],
    ["每人给多少钱？", "funding"],
    ["申报条件", "eligibility"],
    ["需要什么学历？", "eligibility"],
    ["归哪个部门管", "responsible"],
    ["考核", "assessment"],
    ["怎么申报？流程是什么", "procedure"],
    ["培养期多长？", "duration"],
    ["这个政策还有效吗", "status"],
    ["孩子上学怎么解决", "education"],
  ])("%s → %s", (q, intent) => {
    expect(u(q).intent?.id).toBe(intent);
  });

  it("finds no intent in an off-topic request", () => {
    expect(u("帮我写一首诗").intent).toBeNull();
  });
});

describe("mentions", () => {
  it("finds a program by alias", () => {
    expect(refs(u("社会事业人才的经费"), "program")).toContain("zz-social-talent");
    expect(refs(u("对口培养的培养经费是多少"), "program")).toContain("yx-grassroots-training");
  });

  it("finds a document by its alias", () => {
    expect(refs(u("鲲鹏工程的考核"), "document")).toContain("wuqing-kunpeng-2015");
  });

  it("finds a region name and a superseded document", () => {
    expect(refs(u("郑州有什么人才政策"), "document")).toContain("zhengzhou-social-talent-2024");
    expect(u("名师名医名家还能报吗").mentions.some((m) => m.kind === "superseded")).toBe(true);
  });

  it("still finds a program when its name has a typo (fuzzy match)", () => {
    const x = u("社会事业人材培养专项的经费有多少");
    const hit = x.mentions.find((m) => m.kind === "program" && m.ref === "zz-social-talent");
    expect(hit).toBeDefined();
    expect(hit?.score).toBeLessThan(1);
    expect(refs(u("青年人材落户怎么办理"), "program")).toContain("zz-youth-talent");
  });

  it("recognises the documented typo 社会事业人财", () => {
    expect(refs(u("社会事业人财的经费有多少"), "program")).toContain("zz-social-talent");
  });

  it("finds domain and tier of a Wuqing program", () => {
    const x = u("武清卫生领域的骨干人才有什么要求");
    expect(refs(x, "domain")).toEqual(["卫生"]);
    expect(refs(x, "tier")).toEqual(["骨干人才"]);
    expect(refs(x, "document")).toContain("wuqing-kunpeng-2015");
  });

  it("resolves a compact Wuqing name to its domain × tier program", () => {
    expect(refs(u("武清卫生骨干"), "program")).toEqual(["wq-health-backbone"]);
    const program = kb.programs.find((p) => p.program.id === "wq-health-backbone")?.program;
    expect(program).toMatchObject({ domain: "卫生", tier: "骨干人才" });
    expect(refs(u("武清卫生拔尖人才的申报条件"), "program")).toEqual(["wq-health-top"]);
  });

  it("understands English questions via the glossary", () => {
    const x = u("How much funding does a Wuqing backbone talent get?");
    expect(x.lang).toBe("en");
    expect(x.zh).toContain("武清");
    expect(refs(x, "document")).toContain("wuqing-kunpeng-2015");
    expect(refs(x, "tier")).toContain("骨干人才");
    expect(x.intent?.id).toBe("funding");
    expect(x.asksAmount).toBe(true);
  });

  it("finds nothing to name in an off-topic request", () => {
    expect(u("帮我写一首关于春天的诗").mentions.filter((m) => m.kind === "program" || m.kind === "document")).toEqual([]);
  });
});

describe("other signals", () => {
  it("spots place names that are not in the knowledge base", () => {
    expect(u("杭州人才落户政策").foreignPlaces).toContain("杭州");
    expect(u("北京人才落户政策").foreignPlaces).toContain("北京");
    expect(u("郑州人才落户政策").foreignPlaces).toEqual([]);
  });

  it("flags follow-ups and amount questions", () => {
    expect(u("那骨干呢？").followUp).toBe(true);
    expect(u("郑州社会事业人才培养专项每个培养对象的经费资助标准是多少").asksAmount).toBe(true);
    expect(u("郑州社会事业人才培养专项的申报程序是怎样规定的").asksAmount).toBe(false);
  });

  it("extracts slots from the normalised question", () => {
    expect(u("我４６歲能報鄭州社會事業人才嗎").slots.age).toBe(46);
  });

  it("normalises traditional Chinese before matching", () => {
    const x = u("鄭州社會事業人才培養經費");
    expect(x.text).toBe("郑州社会事业人才培养经费");
    expect(refs(x, "program")).toContain("zz-social-talent");
  });
});

describe("segmentation", () => {
  it("keeps KB terms as single words", () => {
    expect(nlu.segmenter.cut("鲲鹏工程的考核")).toContain("鲲鹏工程");
    expect(nlu.segmenter.cut("玉溪对口培养计划的研修人员")).toContain("对口培养计划");
    expect(nlu.segmenter.cut("中原科技城在哪里")).toContain("中原科技城");
    expect(nlu.segmenter.cut("郑州社会事业人才培养经费怎么拨付")).toEqual(expect.arrayContaining(["郑州", "经费", "拨付"]));
  });

  it("search mode also yields the parts of compound terms", () => {
    expect(nlu.segmenter.cutForSearch("鲲鹏工程的考核")).toEqual(expect.arrayContaining(["鲲鹏", "工程", "鲲鹏工程"]));
  });

  it("tags place names", () => {
    expect(nlu.segmenter.tag("杭州人才").find((t) => t.word === "杭州")?.tag).toBe("ns");
  });
});
