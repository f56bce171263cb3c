import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, FIXTURES, POLICIES, ROOT } from "../helpers/paths.js";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI (dist/ is built by tests/helpers/global-setup.ts). */
function run(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    input: opts.input ?? "",
    encoding: "utf8",
    env: { ...process.env, ...opts.env },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lines = (s: string) => s.split("\n").filter((l) => l.trim() !== "");
const ANSWER_KEYS = ["answer", "citations", "confidence", "intent", "programs", "status"];

describe("policybot ask", () => {
  it("--json prints one JSON object with exactly the answer contract keys", () => {
    const r = run(["ask", "郑州社会事业人才培养经费", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(lines(r.stdout)).toHaveLength(1);
    const a = JSON.parse(r.stdout);
    expect(Object.keys(a).sort()).toEqual(ANSWER_KEYS);
    expect(a.status).toBe("answered");
    expect(a.answer).toContain("20万");
    expect(a.citations[0]).toEqual({
      document: expect.any(String),
      docNumber: "郑人社规〔2024〕1号",
      clause: expect.any(String),
      text: expect.any(String),
    });
    expect(typeof a.confidence).toBe("number");
  });

  it("--json adds choices only to a clarify answer", () => {
    const clarify = JSON.parse(run(["ask", "入选以后有什么待遇？", "--json"]).stdout);
    expect(clarify.status).toBe("clarify");
    expect(Object.keys(clarify).sort()).toEqual([...ANSWER_KEYS, "choices"].sort());
    expect(clarify.choices.length).toBeGreaterThanOrEqual(2);
    for (const c of clarify.choices) expect(Object.keys(c).sort()).toEqual(["label", "value"]);

    const none = JSON.parse(run(["ask", "帮我写一首诗", "--json"]).stdout);
    expect(none.status).toBe("no_answer");
    expect(Object.keys(none).sort()).toEqual(ANSWER_KEYS);
  });

  it("joins a question given as several words", () => {
    const a = JSON.parse(run(["ask", "郑州社会事业人才", "培养经费", "--json"]).stdout);
    expect(a.status).toBe("answered");
    expect(a.intent).toBe("funding");
  });

  it("without --json prints the answer text", () => {
    const r = run(["ask", "名师名医名家"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("已废止");
    expect(() => JSON.parse(r.stdout)).toThrow();
  });

  it("--stdin --json answers each line with one JSON line, in order", () => {
    const r = run(["ask", "--stdin", "--json"], { input: "郑州社会事业人才培养经费\n帮我写一首诗\n名师名医名家\n" });
    expect(r.code).toBe(0);
    const out = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out.map((a) => a.status)).toEqual(["answered", "no_answer", "answered"]);
    expect(out[0].answer).toContain("20万");
    expect(out[2].answer).toContain("废止");
    for (const a of out) expect(Object.keys(a).sort()).toEqual(ANSWER_KEYS);
  });

  it("--stdin answers an empty line with a no_answer line (keeps lines aligned)", () => {
    const r = run(["ask", "--stdin", "--json"], { input: "名师名医名家\n\n郑州社会事业人才培养经费\n" });
    const out = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out.map((a) => a.status)).toEqual(["answered", "no_answer", "answered"]);
  });

  it("with no question exits 2 with one line on stderr", () => {
    const r = run(["ask"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^policybot: /);
  });

  it("with both --stdin and a question exits 2", () => {
    const r = run(["ask", "--stdin", "郑州"]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
  });

  it("exits 1 with a message when the knowledge base cannot be loaded", () => {
    const r = run(["ask", "郑州社会事业人才培养经费"], { env: { POLICYBOT_POLICIES: join(FIXTURES, "does-not-exist") } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^policybot: /);
  });
});

describe("usage errors", () => {
  it("an unknown command exits 2 with one line on stderr", () => {
    const r = run(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain("frobnicate");
  });

  it("an unknown option exits 2", () => {
    expect(run(["ask", "郑州", "--frobnicate"]).code).toBe(2);
  });

  it("--help exits 0", () => {
    const r = run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ask");
  });
});

describe("policybot kb", () => {
  it("kb check passes on the bundled knowledge base", () => {
    const r = run(["kb", "check"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^kb check: OK/);
    expect(r.stderr).toBe("");
  });

  it("kb check exits 1 and prints file:line for an invalid knowledge base", () => {
    const r = run(["kb", "check"], { env: { POLICYBOT_POLICIES: join(FIXTURES, "kb-invalid", "invented-number") } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/social-talent\.yaml:27 programs\.0\.funding\.0\.amountCNY: 数字 300000/);
    expect(r.stderr).toContain("kb check: 1 处错误");
  });

  it("kb check names a lexicon sameSectors entry that no program has", () => {
    const dir = mkdtempSync(join(tmpdir(), "kb-lexicon-"));
    cpSync(POLICIES, dir, { recursive: true });
    const lexicon = join(dir, "lexicon.yaml");
    writeFileSync(lexicon, readFileSync(lexicon, "utf8").replace("  - [农业, 农口]", "  - [农业, 农口, 农业农村]"));
    const r = run(["kb", "check"], { env: { POLICYBOT_POLICIES: dir } });
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("lexicon.yaml: sameSectors: 「农业农村」不是任何项目的领域");
    expect(r.stderr).toContain("kb check: 1 处错误");
  });

  it("kb list --json lists documents with their programs", () => {
    const r = run(["kb", "list", "--json"]);
    expect(r.code).toBe(0);
    const docs = JSON.parse(r.stdout) as { id: string; docNumber: string | null; status: string; programs: { id: string }[] }[];
    const zz = docs.find((d) => d.id === "zhengzhou-social-talent-2024");
    expect(zz).toMatchObject({ docNumber: "郑人社规〔2024〕1号", status: "in_force" });
    expect(zz?.programs.map((p) => p.id)).toContain("zz-social-talent");
    expect(docs.map((d) => d.id)).toEqual(expect.arrayContaining(["wuqing-kunpeng-2015", "yuxi-grassroots-training-2019"]));
  });

  it("kb list prints one line per document and program", () => {
    const r = run(["kb", "list"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("郑州市社会事业人才培养专项实施细则（郑人社规〔2024〕1号，2024-02-19）[现行有效]");
    expect(r.stdout).toContain("  - zz-social-talent");
  });
});

describe("policybot eval", () => {
  it("the dev set scores ≥ 90% with no must_not hits", () => {
    const r = run(["eval", "tests/eval/qa-dev.jsonl", "--json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const failed = report.failures.map((f: { id: string; failures: string[] }) => `${f.id}: ${f.failures.join("; ")}`);
    expect(report.overall.rate, failed.join("\n")).toBeGreaterThanOrEqual(0.9);
    expect(report.overall.mustNotHits).toBe(0);
    expect(report.overall.total).toBeGreaterThan(0);
  });

  it("grades status, must groups and must_not strings", () => {
    const r = run(["eval", join(FIXTURES, "eval", "small.jsonl"), "--json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.overall).toMatchObject({ pass: 2, total: 3, mustNotHits: 1 });
    expect(report.failures.map((f: { id: string }) => f.id)).toEqual(["t3"]);
  });

  it("the text report ends with the overall line", () => {
    const r = run(["eval", join(FIXTURES, "eval", "small.jsonl")]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout).at(-1)).toMatch(/^overall\s+2\/3 66\.7%\s+must_not hits: 1$/);
  });

  it.each([
    ["a line that is not JSON", "malformed.jsonl", /malformed\.jsonl:2: .*not valid JSON/],
    ["a case that breaks the schema", "bad-schema.jsonl", /bad-schema\.jsonl:1: .*expect_status/],
    ["a missing file", "missing.jsonl", /cannot read/],
  ])("%s exits 2 with one line on stderr", (_name, file, message) => {
    const r = run(["eval", join(FIXTURES, "eval", file), "--json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
