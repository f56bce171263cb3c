/**
 * Benchmark sections. Each runs in its own process (see run.ts) so that one
 * section's heap does not slow another's garbage collection.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../src/answer/engine.js";
import { PROJECT_ROOT, policiesDir } from "../src/cli/paths.js";
import { defaultDeps, loadInterviews, start, step } from "../src/dialog/index.js";
import { renderTemplate } from "../src/documents/render.js";
import { channelRows } from "./channels.js";
import { benchEligibility } from "./eligibility.js";

/** One table row: samples in milliseconds (or in `unit`). */
export interface Row {
  name: string;
  samples: number[];
  goal: string;
  /** The samples' unit when not milliseconds (e.g. "MB"). */
  unit?: string;
}

function buildRows(): Row[] {
  const cold: number[] = [];
  for (let i = 0; i < 5; i++) {
    const dir = mkdtempSync(join(tmpdir(), "policybot-bench-"));
    const t = performance.now();
    Engine.load(policiesDir(), dir);
    cold.push(performance.now() - t);
    rmSync(dir, { recursive: true, force: true });
  }
  const cached: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    Engine.load(policiesDir());
    cached.push(performance.now() - t);
  }
  return [
    { name: "index build, no cache (YAML + zod + jieba dict + BM25)", samples: cold, goal: "-" },
    { name: "index build, cached (Engine.load)", samples: cached, goal: "-" },
  ];
}

function askRows(): Row[] {
  const engine = Engine.load(policiesDir());
  const questions = readFileSync(join(PROJECT_ROOT, "tests", "eval", "qa-dev.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { question: string }).question);
  // Warm-up: lazy parts (the traditional→simplified converter) load on first use, and V8 compiles
  // the hot paths in the first few hundred calls.
  for (let round = 0; round < 5; round++) for (const q of questions) engine.ask(q);
  const samples: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const q of questions) {
      const t = performance.now();
      engine.ask(q);
      samples.push(performance.now() - t);
    }
  }
  return [{ name: `ask in-process (${questions.length} dev questions × 20)`, samples, goal: "p99 < 5 ms" }];
}

function coldStartRows(): Row[] {
  const samples: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    execFileSync(process.execPath, [join(PROJECT_ROOT, "bin", "policybot.js"), "ask", "郑州社会事业人才培养经费怎么拨付？"], {
      stdio: "ignore",
    });
    samples.push(performance.now() - t);
  }
  return [{ name: "cold start: policybot ask", samples, goal: "< 400 ms" }];
}

function eligibilityRows(): Row[] {
  const { samples, programs } = benchEligibility(200);
  return [{ name: `evaluateAll: ${programs} programs per profile`, samples, goal: "p99 < 1 ms" }];
}

async function documentRows(): Promise<Row[]> {
  // The 郑州 application form with typical answers (goal ≥ 100 docs/s on one core).
  // The sample answers HR staff can render themselves (templates/examples/), made longer like real ones.
  const sample = JSON.parse(
    readFileSync(join(PROJECT_ROOT, "templates", "examples", "zz-social-talent-application.json"), "utf8"),
  ) as Record<string, unknown>;
  const form = { ...sample, achievements: `${sample.achievements}\n`.repeat(5), plan: `${sample.plan}\n`.repeat(3) };
  const templates = join(PROJECT_ROOT, "templates");
  // Warm-up: template load, Handlebars compilation and JIT.
  for (let i = 0; i < 20; i++) await renderTemplate(templates, "zz-social-talent-application", form);
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await renderTemplate(templates, "zz-social-talent-application", form);
    samples.push(performance.now() - t);
  }
  const perSecond = (1000 * samples.length) / samples.reduce((a, b) => a + b, 0);
  return [{ name: `render zz-social-talent-application (${perSecond.toFixed(0)} docs/s)`, samples, goal: "≥ 100 docs/s" }];
}

async function interviewRows(): Promise<Row[]> {
  // One step of the self-check (answer → evaluate every program → next question), without documents.
  const root = policiesDir();
  const kb = Engine.load(root).kb;
  const interviews = loadInterviews(join(PROJECT_ROOT, "conversations"), kb);
  const selfCheck = interviews.get("self-check");
  const application = interviews.get("zz-social-talent-application");
  if (!selfCheck || !application) throw new Error("interviews missing");
  const deps = { ...defaultDeps(kb, join(PROJECT_ROOT, "templates"), "2026-11-22"), render: undefined };
  const samples: number[] = [];
  const appSamples: number[] = [];
  const answers = ["郑州市", "教育", "中国", "40", "博士", "6", "是", "否", "否", "未认定"];
  const appAnswers = [
    "张三",
    "男",
    "1985-06-01",
    "汉族",
    "跳过",
    "410105198506011234",
    "13812345678",
    "郑州市第一人民医院",
    "教育",
    "博士",
  ];
  for (let round = 0; round < 50; round++) {
    let turn = await start(selfCheck, deps);
    for (const text of answers) {
      const t = performance.now();
      turn = await step(selfCheck, turn.state, { text }, deps);
      samples.push(performance.now() - t);
    }
    let app = await start(application, deps);
    for (const text of appAnswers) {
      const t = performance.now();
      app = await step(application, app.state, { text }, deps);
      appSamples.push(performance.now() - t);
    }
  }
  return [
    { name: "interview step: self-check (evaluates every program)", samples, goal: "-" },
    { name: "interview step: application form", samples: appSamples, goal: "-" },
  ];
}

/** The sections in table order. */
export const SECTIONS: Record<string, () => Row[] | Promise<Row[]>> = {
  build: buildRows,
  ask: askRows,
  "cold-start": coldStartRows,
  eligibility: eligibilityRows,
  documents: documentRows,
  interviews: interviewRows,
  channels: () => channelRows("memory", "channels"),
  "channels-sqlite": () => channelRows("sqlite", "channels-sqlite"),
  broadcast: async () => (await import("./broadcast.js")).broadcastRows(),
};
