/**
 * Golden transcripts of interviews in `policybot chat` (same mechanism as
 * tests/transcripts/transcripts.test.ts): input tests/transcripts/interviews/<name>.in.txt,
 * expected stdout <name>.out.txt (UPDATE_GOLDEN=1 rewrites it). The chat runs in a
 * temporary folder, so the documents it writes under ./out/ can be read back.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mammoth from "mammoth";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, ROOT } from "../helpers/paths.js";

const DIR = join(ROOT, "tests", "transcripts", "interviews");
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const work: string[] = [];

function chat(input: string): { code: number | null; stdout: string; stderr: string; cwd: string } {
  const cwd = mkdtempSync(join(tmpdir(), "policybot-chat-"));
  work.push(cwd);
  const env = { ...process.env };
  delete env.POLICYBOT_POLICIES;
  delete env.POLICYBOT_SESSION;
  env.POLICYBOT_AS_OF = "2026-11-22";
  const r = spawnSync(process.execPath, [CLI, "chat"], { cwd, input, encoding: "utf8", env, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, cwd };
}

function golden(name: string): { stdout: string; cwd: string } {
  const r = chat(readFileSync(join(DIR, `${name}.in.txt`), "utf8"));
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const file = join(DIR, `${name}.out.txt`);
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) throw new Error(`missing ${file}: run UPDATE_GOLDEN=1 npx vitest run tests/dialog/transcripts.test.ts`);
    writeFileSync(file, r.stdout);
  }
  expect(r.stdout).toBe(readFileSync(file, "utf8"));
  return r;
}

async function docxText(file: string): Promise<string> {
  return (await mammoth.extractRawText({ buffer: readFileSync(file) })).value;
}

afterAll(() => {
  for (const d of work) rmSync(d, { recursive: true, force: true });
});

describe("interview transcripts", () => {
  it("self-check: goal-driven questions, help, back, invalid input, report document, then Q&A again", async () => {
    const { stdout, cwd } = golden("self-check");
    expect(stdout).toContain("依据：《郑州市社会事业人才培养专项实施细则》（郑人社规〔2024〕1号）第四条");
    expect(stdout).toContain("请输入周岁年龄");
    expect(stdout).toContain("您的单位性质是？"); // 郑州 selects from 企事业单位 (第二条)
    expect(stdout).toContain("✔ 郑州市社会事业人才培养专项 —— 符合");
    expect(stdout).not.toContain("您的教龄"); // 武清-only question never asked
    expect(stdout).toContain("已生成文件：out/资格自测报告-2026-11-22.docx");
    expect(stdout).toContain("20万元"); // the last question went to the Q&A engine
    const text = await docxText(join(cwd, "out", "资格自测报告-2026-11-22.docx"));
    for (const s of ["资格自测报告", "郑州市", "医疗卫生", "博士", "单位性质", "郑州市社会事业人才培养专项", "第四条"])
      expect(text).toContain(s);
  });

  it("郑州 社会事业 申报表: 上一步, 修改, an invalid 身份证号, the .docx holds the answers", async () => {
    const { stdout, cwd } = golden("zz-application");
    expect(stdout).toContain("身份证号码无效（最后一位校验码不符，请核对是否输错）");
    expect(stdout).toContain("（当前答案：1985-06-01，回复新答案即可修改）");
    expect(stdout).toContain("2. 性别：女");
    const files = readdirSync(join(cwd, "out"));
    expect(files).toEqual(["郑州市社会事业人才培养对象申报表-张三.docx"]);
    const text = await docxText(join(cwd, "out", files[0] ?? ""));
    for (const s of [
      "张三",
      "女",
      "汉族",
      "410105198506011234",
      "13812345678",
      "郑州市第一人民医院",
      "临床医学",
      "副主任医师",
      "心内科主治医师",
      "主持省级科研项目2项，发表SCI论文6篇。",
      "三年内建成心衰诊疗团队，培养青年医师5名。",
    ])
      expect(text).toContain(s);
    expect(text).toContain("☑医疗卫生");
  });

  it("every user line is echoed and answered once", () => {
    for (const name of ["self-check", "zz-application"]) {
      const turns = readFileSync(join(DIR, `${name}.in.txt`), "utf8")
        .split("\n")
        .slice(0, -1);
      const out = readFileSync(join(DIR, `${name}.out.txt`), "utf8");
      expect(out.match(/^你> /gm)).toHaveLength(turns.length);
      expect(out.match(/^助手> /gm)).toHaveLength(turns.length);
      expect(out.endsWith("\n再见！\n")).toBe(true);
    }
  });

  it("a restarted chat resumes the interview at the same question (POLICYBOT_SESSION)", () => {
    const cwd = mkdtempSync(join(tmpdir(), "policybot-session-"));
    work.push(cwd);
    const env: NodeJS.ProcessEnv = { ...process.env, POLICYBOT_AS_OF: "2026-11-22", POLICYBOT_SESSION: join(cwd, "session.json") };
    delete env.POLICYBOT_POLICIES;
    const run = (input: string) => spawnSync(process.execPath, [CLI, "chat"], { cwd, input, encoding: "utf8", env, timeout: 60_000 });
    run("申报表\n4\n张三\n");
    const second = run("男\n");
    expect(second.stdout).toContain("助手> 继续《郑州市社会事业人才培养对象申报表》：\n性别？");
    expect(second.stdout).toContain("出生日期？");
    const saved = JSON.parse(readFileSync(join(cwd, "session.json"), "utf8"));
    expect(saved.interview.dialog.answers).toEqual({ name: "张三", gender: "男" });
  });
});
