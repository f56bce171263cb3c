/**
 * `npm run bench`: speed goals as a table of medians and p99 (issues #2, #3).
 * - index build (no cache / cached), `ask` latency in-process (goal p99 < 5 ms),
 *   cold start of `policybot ask` (goal < 400 ms);
 * - `evaluateAll` for every program (goal p99 < 1 ms);
 * - .docx rendering of an application form (goal ≥ 100 docs/s on one core);
 * - interview step latency (self-check and application);
 * - channels (`channels` = STORAGE_URL memory:, `channels-sqlite`): Telegram
 *   updates per second through the webhook path of `policybot serve` (Q&A
 *   messages from the dev set over ~2,000 chats, 50 in flight; goal ≥ 1,000
 *   updates/s on one core) with the reply latency (update sent → reply received
 *   by the fake Bot API, which runs with the load generator in a child process:
 *   webhook reply or sendMessage), the latency one update at a time, and the
 *   bot process's RSS after start and after the load and heap after a full GC
 *   (rows in MB).
 * Each section runs in its own process. A benchmark, not a test: it never fails on timings.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Row, SECTIONS } from "./sections.js";

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

const only = process.argv[2];
if (only) {
  const section = SECTIONS[only];
  if (!section) throw new Error(`unknown bench section ${only}`);
  process.stdout.write(JSON.stringify(await section()));
} else {
  const rows: Row[] = [];
  for (const name of Object.keys(SECTIONS)) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), name], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    rows.push(...(JSON.parse(out) as Row[]));
  }
  process.stdout.write("| benchmark | runs | median (ms) | p99 (ms) | goal |\n|---|---:|---:|---:|---|\n");
  const value = (r: Row, q: number) => `${quantile(r.samples, q).toFixed(2)}${r.unit ? ` ${r.unit}` : ""}`;
  for (const r of rows) {
    process.stdout.write(`| ${r.name} | ${r.samples.length} | ${value(r, 0.5)} | ${value(r, 0.99)} | ${r.goal} |\n`);
  }
}
