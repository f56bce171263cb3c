import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, ROOT } from "../helpers/paths.js";
import { DATA, docText } from "./fixtures.js";

/** Run the built CLI (dist/ is built by tests/helpers/global-setup.ts). */
function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), "policybot-render-"));
const dataFile = (name: string, data: unknown) => {
  const file = join(tmp, name);
  writeFileSync(file, typeof data === "string" ? data : JSON.stringify(data));
  return file;
};

describe("policybot templates", () => {
  it("lists every template with kind, source and title", () => {
    const r = run(["templates"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^zz-social-talent-application\s+申报表\s+yaml\s+郑州市社会事业人才培养对象申报表$/m);
    expect(r.stdout).toMatch(/^notice-word\s+通知\s+docx\s+/m);
    expect(r.stdout.trim().split("\n")).toHaveLength(9);
  });

  it("POLICYBOT_TEMPLATES points to another folder; broken templates are reported (exit 1)", () => {
    const dir = mkdtempSync(join(tmpdir(), "policybot-tpl-"));
    writeFileSync(join(dir, "broken.yaml"), "id: broken\n");
    const r = run(["templates"], { POLICYBOT_TEMPLATES: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("broken");
  });
});

describe("policybot render", () => {
  it("writes a .docx with the data", async () => {
    const out = join(tmp, "zz.docx");
    const r = run([
      "render",
      "zz-social-talent-application",
      "--data",
      dataFile("zz.json", DATA["zz-social-talent-application"]),
      "--out",
      out,
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(out);
    const t = await docText(readFileSync(out));
    expect(t).toContain("郑州市第一人民医院");
    expect(t).toContain("☑医疗卫生");
  });

  it("fills the Word form", async () => {
    const out = join(tmp, "word.docx");
    const r = run(["render", "notice-word", "--data", dataFile("w.json", DATA["notice-word"]), "--out", out]);
    expect(r.code).toBe(0);
    expect(await docText(readFileSync(out))).toContain("关于开展申报工作的通知");
  });

  it("policy-brief takes --program instead of --data", async () => {
    const out = join(tmp, "brief.docx");
    const r = run(["render", "policy-brief", "--program", "zz-social-talent", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const t = await docText(readFileSync(out));
    expect(t).toContain("郑人社规〔2024〕1号");
    expect(t).toContain("（第六条）");
  });

  const usage: [string, () => string[], RegExp][] = [
    [
      "missing data file",
      () => ["render", "notice", "--data", join(tmp, "none.json"), "--out", join(tmp, "x.docx")],
      /cannot read data file/,
    ],
    [
      "invalid JSON",
      () => ["render", "notice", "--data", dataFile("bad.json", "{nope"), "--out", join(tmp, "x.docx")],
      /cannot read data file/,
    ],
    [
      "JSON that is not an object",
      () => ["render", "notice", "--data", dataFile("arr.json", [1]), "--out", join(tmp, "x.docx")],
      /JSON object/,
    ],
    ["unknown template", () => ["render", "nope", "--data", dataFile("n.json", {}), "--out", join(tmp, "x.docx")], /unknown template/],
    [
      "missing required field",
      () => ["render", "notice", "--data", dataFile("m.json", { title: "x" }), "--out", join(tmp, "x.docx")],
      /missing required fields: recipients（主送机关）, body（正文）, issuer（发文机关署名）/,
    ],
    ["missing --out", () => ["render", "notice", "--data", dataFile("o.json", {})], /missing --out/],
    ["missing --data", () => ["render", "notice", "--out", join(tmp, "x.docx")], /missing --data/],
    [
      "--program for another template",
      () => ["render", "notice", "--program", "zz-social-talent", "--out", join(tmp, "x.docx")],
      /policy-brief only/,
    ],
    ["unknown program", () => ["render", "policy-brief", "--program", "nope", "--out", join(tmp, "x.docx")], /unknown program: nope/],
  ];
  for (const [name, args, message] of usage) {
    it(`usage error: ${name} → exit 2, one line on stderr`, () => {
      const r = run(args());
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    });
  }
});

describe("bundle", () => {
  it("`ask` does not load docx or Handlebars (only `render`'s chunk holds them)", () => {
    const dir = join(ROOT, "dist", "cli");
    const files = readdirSync(dir);
    const heavy = files.filter((f) => /patchDocument|registerHelper/.test(readFileSync(join(dir, f), "utf8")));
    expect(heavy.length).toBeGreaterThan(0);
    const ask = files.find((f) => f.startsWith("ask-"));
    expect(ask).toBeDefined();
    // Static imports reachable from main.js and ask's chunk (dynamic import() targets are not followed).
    const seen = new Set<string>();
    const visit = (f: string) => {
      if (seen.has(f)) return;
      seen.add(f);
      for (const m of readFileSync(join(dir, f), "utf8").matchAll(/^import\s[^;]*?from\s+"\.\/([^"]+)"|^import\s+"\.\/([^"]+)"/gm))
        visit(m[1] ?? m[2] ?? "");
    };
    visit("main.js");
    visit(ask ?? "");
    for (const f of heavy) expect(seen.has(f), f).toBe(false);
  });
});
