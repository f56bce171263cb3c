import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { InterviewError, loadInterviews, parseInterview } from "../../src/dialog/load.js";
import { type KnowledgeBase, loadKnowledgeBase } from "../../src/kb/load.js";
import { POLICIES, ROOT } from "../helpers/paths.js";

const DIR = join(ROOT, "conversations");

/** Template fields each application interview must collect (the contract with src/documents). */
const TEMPLATE_FIELDS: Record<string, string[]> = {
  "zz-social-talent-application": [
    "name",
    "gender",
    "birthDate",
    "ethnicity",
    "politicalStatus",
    "idNumber",
    "mobile",
    "employer",
    "sector",
    "degree",
    "major",
    "professionalTitle",
    "post",
    "yearsAtEmployer",
    "achievements",
    "plan",
  ],
  "yx-grassroots-application": [
    "name",
    "gender",
    "birthDate",
    "ethnicity",
    "politicalStatus",
    "idNumber",
    "mobile",
    "county",
    "employer",
    "sector",
    "degree",
    "professionalTitle",
    "specialty",
    "preferredHost",
    "researchGoal",
  ],
  "yx-grassroots-assessment": ["name", "gender", "employer", "hostUnit", "periodFrom", "periodTo", "summary", "rating"],
  "wq-kunpeng-application": [
    "domain",
    "tier",
    "name",
    "gender",
    "birthDate",
    "politicalStatus",
    "idNumber",
    "mobile",
    "employer",
    "degree",
    "professionalTitle",
    "achievements",
  ],
};

describe("conversations/*.yaml", () => {
  let kb: KnowledgeBase;
  beforeAll(() => {
    kb = loadKnowledgeBase(POLICIES, { verify: false }).kb;
  });

  it("all load against the knowledge base, with citations resolved", () => {
    const all = loadInterviews(DIR, kb);
    expect([...all.keys()].sort()).toEqual([
      "self-check",
      "wq-kunpeng-application",
      "yx-grassroots-application",
      "yx-grassroots-assessment",
      "zz-social-talent-application",
    ]);
    for (const i of all.values()) for (const q of i.questions) expect(q.why.citation).toMatch(/^《.+》/);
    const age = all.get("self-check")?.questions.find((q) => q.id === "age");
    expect(age?.why.citation).toBe("《郑州市社会事业人才培养专项实施细则》（郑人社规〔2024〕1号）第四条");
  });

  it("application interviews collect exactly their template's fields, with the matching template id", () => {
    const all = loadInterviews(DIR, kb);
    for (const [id, fields] of Object.entries(TEMPLATE_FIELDS)) {
      const i = all.get(id);
      expect(i?.template).toBe(id);
      expect(new Set(i?.questions.map((q) => q.field))).toEqual(new Set(fields));
    }
    const wq = all.get("wq-kunpeng-application");
    expect(wq?.questions.filter((q) => q.field === "domain" || q.field === "tier").every((q) => q.type === "choice")).toBe(true);
  });

  it("each self-check `why` cites the clause of a criterion that reads the field (where one does)", () => {
    const check = loadInterviews(DIR, kb).get("self-check");
    for (const q of check?.questions ?? []) {
      const clauses = new Set<string>();
      for (const { program, document } of kb.programs)
        for (const c of [...program.criteria, ...program.exclusions]) {
          const tests = c.test ? [c.test] : [...(c.anyOf ?? []), ...(c.allOf ?? [])];
          const reads = tests.some((t) => t.field === q.field) || (q.field === "gender" && /-if-(fe)?male$/.test(c.id ?? ""));
          if (reads) clauses.add(`${document.doc.id}#${c.clause}`);
        }
      if (clauses.size > 0) expect(clauses, q.id).toContain(`${q.why.document}#${q.why.clause}`);
    }
  });

  it("rejects unknown programs, missing clauses, non-profile fields and `when` on later fields, listing every problem", () => {
    const text = readFileSync(join(DIR, "self-check.yaml"), "utf8")
      .replace("pds-talent-project,", "no-such-program,")
      .replace("clause: 第二条 }", "clause: 第九十九条 }")
      .replace("field: remoteTownship", "field: favouriteColour")
      .replace("when: [{ field: region, op: eq, value: 郑州市 }]", "when: [{ field: age, op: eq, value: 30 }]");
    try {
      parseInterview(text, "self-check.yaml", kb);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InterviewError);
      const issues = (e as InterviewError).issues.join("\n");
      expect(issues).toContain("unknown program no-such-program");
      expect(issues).toContain("no clause 第九十九条");
      expect(issues).toContain("not a profile field: favouriteColour");
      expect(issues).toContain("字段 age 不是前面题目的字段");
    }
  });

  it("rejects option values the profile schema refuses, and schema errors (choice without options)", () => {
    const badOption = readFileSync(join(DIR, "self-check.yaml"), "utf8").replace(
      "{ label: 正高级, value: 正高级 }",
      "{ label: 正高级, value: 教授 }",
    );
    expect(() => parseInterview(badOption, "self-check.yaml", kb)).toThrow(/options\(正高级\)/);
    const noOptions = readFileSync(join(DIR, "yx-grassroots-assessment.yaml"), "utf8").replace(
      "    type: choice\n    options:",
      "    type: text\n    options:",
    );
    expect(() => parseInterview(noOptions, "yx-grassroots-assessment.yaml", kb)).toThrow(/options/);
  });
});
