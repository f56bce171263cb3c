/** `policybot eligibility` and `policybot eval` on eligibility sets, through the built CLI. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, ROOT } from "../helpers/paths.js";

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "policybot-eligibility-"));
function profileFile(name: string, profile: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof profile === "string" ? profile : JSON.stringify(profile));
  return file;
}

const good = profileFile("good.json", {
  age: 42,
  nationality: "中国",
  region: "郑州市",
  employerKind: "事业单位",
  sector: "人文社科",
  degree: "博士",
  professionalTitle: "正高级",
  yearsAtEmployer: 10,
  inProfessionalPost: true,
  isCivilServantManaged: false,
  alreadyRecognizedTalent: false,
});

describe("policybot eligibility", () => {
  it("--json prints { results } sorted best first with the contract fields", () => {
    const r = run(["eligibility", "--profile", good, "--json", "--as-of", "2026-11-22"]);
    expect(r.code).toBe(0);
    const { results } = JSON.parse(r.stdout);
    expect(results.length).toBeGreaterThan(10);
    for (const x of results) {
      expect(Object.keys(x).sort()).toEqual(["criteria", "nextSteps", "program", "verdict"]);
      expect(Object.keys(x.program).sort()).toEqual(["document", "id", "title"]);
      for (const c of x.criteria) {
        expect(["met", "not_met", "unknown", "manual"]).toContain(c.status);
        expect(typeof c.soft).toBe("boolean");
        expect(c.source).toEqual({ document: expect.any(String), clause: expect.any(String) });
      }
    }
    expect(results[0].verdict).toBe("eligible");
    expect(results.find((x: { program: { id: string } }) => x.program.id === "zz-social-talent").verdict).toBe("eligible");
  });
  it("--program limits the output to one program; an unknown id is a usage error", () => {
    const one = JSON.parse(run(["eligibility", "--profile", good, "--program", "zz-social-talent", "--json"]).stdout);
    expect(one.results).toHaveLength(1);
    const bad = run(["eligibility", "--profile", good, "--program", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("nope");
  });
  it("prints a readable table by default", () => {
    const r = run(["eligibility", "--profile", good]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/序号\s+结论\s+项目/);
    expect(r.stdout).toMatch(/1\s+符合\s+郑州市社会事业人才培养专项/);
    expect(r.stdout).toContain("仅供参考");
  });
  it("a bad profile exits 2 listing every field error in Chinese and English", () => {
    const bad = profileFile("bad.json", { age: "forty", degree: "学士", yearsAtEmployer: -1, colour: "blue" });
    const r = run(["eligibility", "--profile", bad]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    for (const s of ["age", "年龄", "degree", "学历", "yearsAtEmployer", "colour", "unknown field"]) expect(r.stderr).toContain(s);
  });
  it("malformed JSON and a missing --profile are usage errors", () => {
    expect(run(["eligibility", "--profile", profileFile("broken.json", "{ not json")]).code).toBe(2);
    expect(run(["eligibility"]).code).toBe(2);
  });
});

describe("policybot eval on the eligibility dev set", () => {
  it("passes at least 95% of the public cases", () => {
    const r = run(["eval", "tests/eval/eligibility-dev.jsonl", "--json", "--as-of", "2026-11-22"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).overall.rate).toBeGreaterThanOrEqual(0.95);
  });
});
