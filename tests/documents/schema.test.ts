import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chineseDate } from "../../src/documents/hbs.js";
import { listTemplates, loadTemplate, renderTemplate, TemplateError } from "../../src/documents/render.js";
import { cleanText, toText } from "../../src/documents/text.js";
import { TEMPLATES } from "./fixtures.js";

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "policybot-templates-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const MINIMAL = `id: mini
title: 测试
kind: 通知
description: 测试模板
fields:
  - { name: name, label: 姓名, required: true }
body:
  - type: paragraph
    text: "{{name}}"
`;

describe("template files", () => {
  it("every field a bundled template declares is used in its body", () => {
    for (const t of listTemplates(TEMPLATES)) {
      const loaded = loadTemplate(TEMPLATES, t.id);
      if (loaded.source !== "yaml") continue;
      const body = JSON.stringify(loaded.spec.body);
      for (const f of loaded.spec.fields) expect(body, `${t.id}: ${f.name}`).toMatch(new RegExp(`\\b${f.name}\\b`));
    }
  });

  it("the interview contract: field names of the application forms", () => {
    const names = (id: string) => {
      const t = loadTemplate(TEMPLATES, id);
      return t.source === "yaml" ? t.spec.fields.map((f) => f.name) : [];
    };
    expect(names("zz-social-talent-application")).toEqual(
      expect.arrayContaining(
        "name gender birthDate ethnicity politicalStatus idNumber mobile employer sector degree major professionalTitle post yearsAtEmployer achievements plan".split(
          " ",
        ),
      ),
    );
    expect(names("yx-grassroots-application")).toEqual(
      expect.arrayContaining(
        "name gender birthDate ethnicity politicalStatus idNumber mobile county employer sector degree professionalTitle specialty preferredHost researchGoal".split(
          " ",
        ),
      ),
    );
    expect(names("yx-grassroots-assessment")).toEqual(
      expect.arrayContaining("name gender employer hostUnit periodFrom periodTo summary rating".split(" ")),
    );
    expect(names("wq-kunpeng-application")).toEqual(
      expect.arrayContaining(
        "domain tier name gender birthDate politicalStatus idNumber mobile employer degree professionalTitle achievements".split(" "),
      ),
    );
    expect(names("self-check-report")).toEqual(expect.arrayContaining(["date", "profile", "results", "disclaimer"]));
    expect(names("notice")).toEqual(expect.arrayContaining("title docNumber recipients body deadline contact issuer date".split(" ")));
  });

  it("an HR edit takes effect at once (cache keyed by file stamp)", async () => {
    const dir = folderWith({ "mini.yaml": MINIMAL });
    expect(listTemplates(dir)).toEqual([{ id: "mini", title: "测试", kind: "通知", source: "yaml" }]);
    writeFileSync(join(dir, "mini.yaml"), MINIMAL.replace("title: 测试", "title: 测试二号版本"));
    expect(listTemplates(dir)[0]?.title).toBe("测试二号版本");
    expect((await renderTemplate(dir, "mini", { name: "x" })).length).toBeGreaterThan(1000);
  });

  it("schema errors name the file, line and path of each problem", () => {
    const bad = `id: bad
title: 坏模板
kind: 通知
description: x
fields:
  - { name: name, label: 姓名, required: true }
  - { name: name, label: 重复, required: false }
body:
  - type: table
    columns: [8, 8, 8]
    rows:
      - cells: [a, b]
  - type: checkboxes
    field: sector
  - type: paragraph
    text: "{{#if x}}unclosed"
`;
    const dir = folderWith({ "bad.yaml": bad });
    const err = (() => {
      try {
        loadTemplate(dir, "bad");
      } catch (e) {
        return e;
      }
    })() as TemplateError;
    expect(err).toBeInstanceOf(TemplateError);
    const issues = err.issues.join("\n");
    expect(issues).toMatch(/bad\.yaml:7 fields\.1\.name: .*重复/);
    expect(issues).toMatch(/bad\.yaml:10 body\.0\.columns: .*超过版心/);
    expect(issues).toMatch(/bad\.yaml:12 body\.0\.rows\.0: .*跨列合计 2/);
    expect(issues).toMatch(/bad\.yaml:13 body\.1: .*options/);
    // Type errors come first (zod runs the cross-field checks once the types hold).
    const badKind = folderWith({ "mini.yaml": MINIMAL.replace("kind: 通知", "kind: 报告") });
    expect(() => loadTemplate(badKind, "mini")).toThrow(/mini\.yaml:3 kind: /);
    // Schema errors are reported first; the Handlebars syntax is checked once the schema holds.
    const onlySyntax = folderWith({ "mini.yaml": MINIMAL.replace('text: "{{name}}"', 'text: "{{#if name}}x"') });
    expect(() => loadTemplate(onlySyntax, "mini")).toThrow(/mini\.yaml:\d+ body\.0\.text: 模板语法错误/);
    const problems: string[] = [];
    expect(listTemplates(dir, (e) => problems.push(e.templateId))).toEqual([]);
    expect(problems).toEqual(["bad"]);
  });

  it("an id that does not match the file name, and YAML syntax errors, are reported", () => {
    const dir = folderWith({ "mini.yaml": MINIMAL.replace("id: mini", "id: other"), "broken.yaml": "id: [unclosed" });
    expect(() => loadTemplate(dir, "mini")).toThrow(/id must match the file name/);
    expect(() => loadTemplate(dir, "broken")).toThrow(/YAML/);
  });

  it("a Handlebars error at render time names the block", async () => {
    const dir = folderWith({ "mini.yaml": MINIMAL.replace('text: "{{name}}"', 'text: "{{nohelper name}}"') });
    await expect(renderTemplate(dir, "mini", { name: "x" })).rejects.toThrow(/body\.0\.text: .*nohelper/);
  });
});

describe("helpers and literal text", () => {
  it("chineseDate", () => {
    expect(chineseDate("2026-11-22")).toBe("2026年11月22日");
    expect(chineseDate("2026-01")).toBe("2026年1月");
    expect(chineseDate("2026/3/5")).toBe("2026年3月5日");
    expect(chineseDate("2026.03.05")).toBe("2026年3月5日");
    expect(chineseDate("2026-11-22T10:00:00Z")).toBe("2026年11月22日");
    expect(chineseDate(new Date(2026, 10, 22))).toBe("2026年11月22日");
    expect(chineseDate("下月底前")).toBe("下月底前");
  });

  it("toText and cleanText", () => {
    expect(toText(["a", 1, null, "b"])).toBe("a、1、b");
    expect(toText({ label: "年龄", value: 38 })).toBe("年龄：38");
    expect(toText(undefined)).toBe("");
    expect(cleanText("a\r\nb\u0000c\uD800d😀\u202E")).toBe("a\nbcd😀\u202E");
  });

  it("join / eq / check / default / inc helpers", async () => {
    const body = `body:
  - type: paragraph
    text: "{{join list}}|{{join list '/'}}|{{#if (eq n 3)}}three{{/if}}|{{check list 'b'}}{{check list 'z'}}|{{default missing '—'}}|{{#each list}}{{inc @index}}{{/each}}"
`;
    const dir = folderWith({ "mini.yaml": MINIMAL.replace(/body:[\s\S]*$/, body) });
    const { docText } = await import("./fixtures.js");
    const t = await docText(await renderTemplate(dir, "mini", { name: "x", list: ["a", "b"], n: 3 }));
    expect(t).toContain("a、b|a/b|three|☑□|—|12");
  });
});

describe("the bundled Word form", () => {
  it("is committed and lists its placeholders", async () => {
    const { wordFields } = await import("../../src/documents/word.js");
    const bytes = readFileSync(join(TEMPLATES, "notice-word.docx"));
    expect([...(await wordFields(bytes))].sort()).toEqual(["body", "date", "issuer", "title"]);
  });

  it("the generator builds a form with the same placeholders and properties", async () => {
    const { buildNoticeWordForm } = await import("../../src/documents/word-form.js");
    const { wordFields } = await import("../../src/documents/word.js");
    const dir = mkdtempSync(join(tmpdir(), "policybot-word-"));
    writeFileSync(join(dir, "my-form.docx"), await buildNoticeWordForm());
    expect([...(await wordFields(readFileSync(join(dir, "my-form.docx"))))].sort()).toEqual(["body", "date", "issuer", "title"]);
    expect(listTemplates(dir)).toEqual([{ id: "my-form", title: "通知（Word 模板）", kind: "通知", source: "docx" }]);
  });

  it("placeholders typed with spaces ({{ name }}) are filled too", async () => {
    const { Document, Packer, Paragraph, TextRun } = await import("docx");
    const form = await Packer.toBuffer(
      new Document({ sections: [{ children: [new Paragraph({ children: [new TextRun("姓名：{{ name }}，单位：{{employer}}")] })] }] }),
    );
    const dir = mkdtempSync(join(tmpdir(), "policybot-word-"));
    writeFileSync(join(dir, "office-form.docx"), form);
    const { docText } = await import("./fixtures.js");
    const t = await docText(await renderTemplate(dir, "office-form", { name: "张三", employer: "某医院" }));
    expect(t).toContain("姓名：张三，单位：某医院");
    expect(listTemplates(dir)[0]).toMatchObject({ id: "office-form", title: "office-form", kind: "通知", source: "docx" });
  });
});
