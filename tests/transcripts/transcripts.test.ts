/**
 * Golden transcripts of `policybot chat` with piped stdin.
 * Input: tests/transcripts/<name>.in.txt (one user line per line);
 * expected stdout: tests/transcripts/<name>.out.txt.
 * Run with UPDATE_GOLDEN=1 to rewrite the golden files, then review the diff.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CLI, ROOT } from "../helpers/paths.js";

const DIR = dirname(fileURLToPath(import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const names = readdirSync(DIR)
  .filter((f) => f.endsWith(".in.txt"))
  .map((f) => f.slice(0, -".in.txt".length))
  .sort();

function chat(input: string): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.POLICYBOT_POLICIES;
  env.POLICYBOT_AS_OF = "2026-11-22";
  const r = spawnSync(process.execPath, [CLI, "chat"], { cwd: ROOT, input, encoding: "utf8", env, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("chat transcripts", () => {
  it("has the three conversations", () => {
    expect(names).toEqual(["bad-input-then-question", "wuqing-clarify", "zhengzhou-followups"]);
  });

  it.each(names)("%s matches its golden transcript", (name) => {
    const input = readFileSync(join(DIR, `${name}.in.txt`), "utf8");
    const golden = join(DIR, `${name}.out.txt`);
    const r = chat(input);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    if (UPDATE || !existsSync(golden)) {
      if (!UPDATE) throw new Error(`missing ${golden}: run UPDATE_GOLDEN=1 npx vitest run tests/transcripts`);
      writeFileSync(golden, r.stdout);
    }
    expect(r.stdout).toBe(readFileSync(golden, "utf8"));
  });

  it.each(names)("%s: every user line is echoed and answered once", (name) => {
    const input = readFileSync(join(DIR, `${name}.in.txt`), "utf8");
    const turns = input.split("\n").slice(0, -1);
    const out = readFileSync(join(DIR, `${name}.out.txt`), "utf8");
    expect(out.match(/^你> /gm)).toHaveLength(turns.length);
    expect(out.match(/^助手> /gm)).toHaveLength(turns.length);
    for (const t of turns) expect(out).toContain(`\n你> ${t}\n助手> `);
    expect(out.endsWith("\n再见！\n")).toBe(true);
  });

  it("stops at 退出 without answering it", () => {
    const r = chat("名师名医名家\n退出\n郑州社会事业人才培养经费\n");
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^助手> /gm)).toHaveLength(1);
    expect(r.stdout).not.toContain("20万元");
    expect(r.stdout.endsWith("\n再见！\n")).toBe(true);
  });
});
