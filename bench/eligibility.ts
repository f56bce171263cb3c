/**
 * Eligibility benchmark: `evaluateAll` (every program with criteria) for the
 * public dev profiles, in-process. Goal: p99 < 1 ms per profile.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT, policiesDir } from "../src/cli/paths.js";
import { loadKnowledgeBase } from "../src/kb/load.js";
import { evaluateAll } from "../src/rules/evaluate.js";
import { Profile } from "../src/rules/profile.js";
import { defaultCacheDir } from "../src/util/cache.js";

/** @returns milliseconds per `evaluateAll` call, one sample per call */
/** Rounds over the dev profiles before measuring (15 profiles each). */
const WARMUP_ROUNDS = 100;

export function benchEligibility(rounds = 200): { samples: number[]; programs: number } {
  const root = policiesDir();
  const { kb } = loadKnowledgeBase(root, { verify: false, cacheDir: defaultCacheDir(root) });
  const profiles = readFileSync(join(PROJECT_ROOT, "tests", "eval", "eligibility-dev.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => Profile.parse((JSON.parse(l) as { profile: unknown }).profile));
  // Warm up until the process has settled: the first ~700 calls include pauses of 4–13 ms while V8
  // compiles and the heap grows, which say nothing about a running server's steady state.
  for (let r = 0; r < WARMUP_ROUNDS; r++) for (const p of profiles) evaluateAll(kb, p, { asOf: "2026-11-22" });
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const p of profiles) {
      const t = performance.now();
      evaluateAll(kb, p, { asOf: "2026-11-22" });
      samples.push(performance.now() - t);
    }
  }
  return { samples, programs: evaluateAll(kb, profiles[0] ?? {}, { asOf: "2026-11-22" }).length };
}
