/**
 * The eligibility engine against the bundled KB: verdict rules, legal
 * boundaries (以下 includes the number), derived facts, explanations that say
 * when time fixes a shortfall, and the ranking of all programs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type KnowledgeBase, loadKnowledgeBase } from "../../src/kb/load.js";
import type { Program } from "../../src/kb/schema.js";
import { type EligibilityResult, evaluate, evaluateAll } from "../../src/rules/evaluate.js";
import { fullYears } from "../../src/rules/facts.js";
import type { Profile } from "../../src/rules/profile.js";
import { POLICIES } from "../helpers/paths.js";

let kb: KnowledgeBase;
beforeAll(() => {
  ({ kb } = loadKnowledgeBase(POLICIES));
});

const program = (id: string): { program: Program; doc: KnowledgeBase["documents"][number]["doc"] } => {
  const found = kb.programs.find((p) => p.program.id === id);
  if (!found) throw new Error(id);
  return { program: found.program, doc: found.document.doc };
};
const run = (id: string, profile: Profile, asOf = "2026-11-22"): EligibilityResult => {
  const { program: p, doc } = program(id);
  return evaluate(profile, p, { asOf, document: doc });
};
const zhengzhou: Profile = {
  age: 40,
  nationality: "中国",
  region: "郑州市",
  employerKind: "事业单位",
  sector: "教育",
  degree: "博士",
  professionalTitle: "副高级",
  yearsAtEmployer: 5,
  inProfessionalPost: true,
  isCivilServantManaged: false,
  alreadyRecognizedTalent: false,
};

describe("verdicts", () => {
  it("a complete strong profile is eligible, manual criteria listed for reviewers", () => {
    const r = run("zz-social-talent", zhengzhou);
    expect(r.verdict).toBe("eligible");
    expect(r.criteria.some((c) => c.status === "manual")).toBe(true);
    expect(r.nextSteps.join("")).toContain("评审");
  });
  it("45周岁以下 admits 45 (民法典 第一千二百五十九条) and not 46", () => {
    expect(run("zz-social-talent", { ...zhengzhou, age: 45 }).verdict).toBe("eligible");
    const r = run("zz-social-talent", { ...zhengzhou, age: 46 });
    expect(r.verdict).toBe("conditional");
    expect(r.criteria.find((c) => c.status === "not_met")?.explanation).toContain("46");
  });
  it("an exclusion (参照公务员法管理) makes the profile ineligible", () => {
    const r = run("zz-social-talent", { ...zhengzhou, isCivilServantManaged: true });
    expect(r.verdict).toBe("ineligible");
    expect(r.criteria.find((c) => c.status === "not_met")?.kind).toBe("exclusion");
  });
  it("a missing field gives incomplete and names it", () => {
    const { age: _age, ...noAge } = zhengzhou;
    const r = run("zz-social-talent", noAge);
    expect(r.verdict).toBe("incomplete");
    expect(r.nextSteps.join("")).toContain("请补充以下信息后再判断：年龄（age）");
    expect(r.criteria.find((c) => c.status === "unknown")?.explanation).toContain("年龄");
  });
  it("only 企事业单位 staff are selected (第二条): 党政机关 is ineligible, a missing 单位性质 is incomplete", () => {
    expect(run("zz-social-talent", { ...zhengzhou, employerKind: "企业" }).verdict).toBe("eligible");
    const r = run("zz-social-talent", { ...zhengzhou, employerKind: "党政机关" });
    expect(r.verdict).toBe("ineligible");
    const notMet = r.criteria.filter((c) => c.status === "not_met");
    expect(notMet).toHaveLength(1);
    expect(notMet[0]?.text).toContain("企事业单位");
    expect(notMet[0]?.fields).toEqual(["employerKind"]);
    expect(notMet[0]?.source.clause).toBe("第二条");
    const { employerKind: _k, ...noKind } = zhengzhou;
    expect(run("zz-social-talent", noKind).verdict).toBe("incomplete");
  });
  it("高级职称或博士学位: either satisfies the anyOf criterion", () => {
    expect(run("zz-social-talent", { ...zhengzhou, degree: "硕士" }).verdict).toBe("eligible");
    expect(run("zz-social-talent", { ...zhengzhou, professionalTitle: "中级" }).verdict).toBe("eligible");
    expect(run("zz-social-talent", { ...zhengzhou, degree: "硕士", professionalTitle: "中级" }).verdict).toBe("conditional");
  });
  it("every criterion cites its document and clause", () => {
    for (const c of run("zz-social-talent", zhengzhou).criteria) {
      expect(c.source.document).toBe("郑州市社会事业人才培养专项实施细则");
      expect(c.source.clause).toMatch(/^第.+条$/);
    }
  });
});

describe("facts and explanations", () => {
  it("birthDate gives the age in 周岁 at asOf", () => {
    expect(fullYears("1980-11-23", "2026-11-22")).toBe(45);
    expect(fullYears("1980-11-22", "2026-11-22")).toBe(46);
    const { age: _a, ...rest } = zhengzhou;
    expect(run("zz-social-talent", { ...rest, birthDate: "1980-11-23" }).verdict).toBe("eligible");
    expect(run("zz-social-talent", { ...rest, birthDate: "1980-11-22" }).verdict).toBe("conditional");
  });
  it("a shortfall in years says the date it will be met", () => {
    const r = run("zz-social-talent", { ...zhengzhou, yearsAtEmployer: 2 });
    const c = r.criteria.find((x) => x.status === "not_met");
    expect(c?.metOn).toBe("2027-11-22");
    expect(c?.explanation).toContain("2027年11月22日");
    expect(r.nextSteps.join("")).toContain("2027年11月22日");
  });
  it("employmentStartDate stands in for yearsAtEmployer", () => {
    const { yearsAtEmployer: _y, ...rest } = zhengzhou;
    expect(run("zz-social-talent", { ...rest, employmentStartDate: "2020-01-01" }).verdict).toBe("eligible");
    expect(run("zz-social-talent", { ...rest, employmentStartDate: "2025-01-01" }).verdict).toBe("ineligible");
  });
  it("a region inside the city counts (郑州市金水区 is in 郑州市); another city does not", () => {
    expect(run("zz-social-talent", { ...zhengzhou, region: "郑州市金水区" }).verdict).toBe("eligible");
    expect(run("zz-social-talent", { ...zhengzhou, region: "洛阳市" }).verdict).toBe("ineligible");
  });
  it("gender-specific age limits apply to their gender only (城建 拔尖: 男55 女50)", () => {
    const base: Profile = {
      nationality: "中国",
      region: "天津市武清区",
      sector: "城建",
      degree: "本科",
      professionalTitle: "副高级",
      inProfessionalPost: true,
    };
    expect(run("wq-urban-top", { ...base, gender: "女", age: 52 }).verdict).not.toBe("eligible");
    expect(run("wq-urban-top", { ...base, gender: "男", age: 52 }).criteria.some((c) => c.status === "not_met")).toBe(false);
  });
});

describe("专业技术人才 (平顶山 引育工程: a title or a professional post)", () => {
  const pingdingshan: Profile = { nationality: "中国", region: "平顶山市" };
  it("no title and no professional post is ineligible; 中级 alone, or a professional post alone, satisfies it", () => {
    const r = run("pds-talent-project", { ...pingdingshan, professionalTitle: "无", inProfessionalPost: false });
    expect(r.verdict).toBe("ineligible");
    const notMet = r.criteria.filter((c) => c.status === "not_met");
    expect(notMet).toHaveLength(1);
    expect(notMet[0]?.text).toContain("专业技术");
    expect(notMet[0]?.fields).toEqual(["professionalTitle", "inProfessionalPost"]);
    const titled = run("pds-talent-project", { ...pingdingshan, professionalTitle: "中级" });
    expect(titled.verdict).toBe("eligible");
    expect(titled.criteria.some((c) => c.status === "not_met" || c.status === "unknown")).toBe(false);
    expect(run("pds-talent-project", { ...pingdingshan, professionalTitle: "无", inProfessionalPost: true }).verdict).toBe("eligible");
    expect(run("pds-talent-project", pingdingshan).verdict).toBe("incomplete");
  });
});

describe("relaxation (玉溪 年龄35岁左右，民族、边远乡镇适当放宽)", () => {
  const yuxi: Profile = {
    age: 37,
    nationality: "中国",
    region: "玉溪市",
    employerLevel: "乡镇",
    sector: "卫生",
    degree: "本科",
    inProfessionalPost: true,
  };
  it("an ethnic-minority applicant is told the text allows relaxing the age", () => {
    const c = run("yx-grassroots-training", { ...yuxi, ethnicMinority: true }).criteria.find((x) => x.status === "not_met");
    expect(c?.explanation).toContain("可适当放宽的情形（少数民族）");
    expect(c?.relaxFields).toBeUndefined();
  });
  it("when minority and remote township are unknown, they are named as worth asking", () => {
    const c = run("yx-grassroots-training", yuxi).criteria.find((x) => x.status === "not_met");
    expect(c?.relaxFields).toEqual(["ethnicMinority", "remoteTownship"]);
    expect(c?.explanation).toContain("原文规定可适当放宽");
  });
});

describe("all programs", () => {
  it("sorts best first and evaluates every program that has criteria", () => {
    const results = evaluateAll(kb, zhengzhou, { asOf: "2026-11-22" });
    const withCriteria = kb.programs.filter((p) => p.program.criteria.length + p.program.exclusions.length > 0);
    expect(results).toHaveLength(withCriteria.length);
    const rank = { eligible: 0, conditional: 1, incomplete: 2, ineligible: 3 };
    for (let i = 1; i < results.length; i++) {
      expect(rank[results[i - 1]?.verdict ?? "eligible"]).toBeLessThanOrEqual(rank[results[i]?.verdict ?? "eligible"]);
    }
    expect(results.find((r) => r.program.id === "zz-social-talent")?.verdict).toBe("eligible");
    expect(results.find((r) => r.program.id === "yx-grassroots-training")?.verdict).toBe("ineligible");
  });
});
