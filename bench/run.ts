/**
 * `npm run bench`: speed goals of issue #2 as a table of medians and p99.
 * - index build: Engine.load (KB load + validation + segmenter + BM25 index)
 * - ask latency in-process over the dev set (goal p99 < 5 ms on one core)
 * - cold start of `node bin/policybot.js ask "…"` (goal < 400 ms)
 * A benchmark, not a test: it never fails on timings.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../src/answer/engine.js";
import { PROJECT_ROOT, policiesDir } from "../src/cli/paths.js";

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

const rows: { name: string; runs: number; median: number; p99: number; goal: string }[] = [];
const row = (name: string, xs: number[], goal: string) =>
  rows.push({ name, runs: xs.length, median: quantile(xs, 0.5), p99: quantile(xs, 0.99), goal });

const coldBuild: number[] = [];
for (let i = 0; i < 5; i++) {
  const dir = mkdtempSync(join(tmpdir(), "policybot-bench-"));
  const t = performance.now();
  Engine.load(policiesDir(), dir);
  coldBuild.push(performance.now() - t);
  rmSync(dir, { recursive: true, force: true });
}
row("index build, no cache (YAML + zod + jieba dict + BM25)", coldBuild, "-");

const build: number[] = [];
let engine: Engine | null = null;
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  engine = Engine.load(policiesDir());
  build.push(performance.now() - t);
}
row("index build, cached (Engine.load)", build, "-");

const questions = readFileSync(join(PROJECT_ROOT, "tests", "eval", "qa-dev.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { question: string }).question);
// One warm-up pass: lazy parts (the traditional→simplified converter) load on first use.
for (const q of questions) engine?.ask(q);
const lat: number[] = [];
for (let round = 0; round < 20; round++) {
  for (const q of questions) {
    const t = performance.now();
    engine?.ask(q);
    lat.push(performance.now() - t);
  }
}
row(`ask in-process (${questions.length} dev questions × 20)`, lat, "p99 < 5 ms");

const cold: number[] = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  execFileSync(process.execPath, [join(PROJECT_ROOT, "bin", "policybot.js"), "ask", "郑州社会事业人才培养经费怎么拨付？"], {
    stdio: "ignore",
  });
  cold.push(performance.now() - t);
}
row("cold start: policybot ask", cold, "< 400 ms");

const mem = process.memoryUsage();
process.stdout.write("| benchmark | runs | median (ms) | p99 (ms) | goal |\n|---|---:|---:|---:|---|\n");
for (const r of rows) process.stdout.write(`| ${r.name} | ${r.runs} | ${r.median.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.goal} |\n`);
process.stdout.write(
  `\nRSS after bench: ${(mem.rss / 1024 / 1024).toFixed(1)} MiB, heap used: ${(mem.heapUsed / 1024 / 1024).toFixed(1)} MiB\n`,
);
