/**
 * NLU resources exactly as the engine builds them (with a private cache folder),
 * so the understanding step can be tested on its own.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../src/answer/engine.js";
import type { KnowledgeBase } from "../../src/kb/load.js";
import type { NluResources } from "../../src/nlu/understand.js";
import { POLICIES } from "./paths.js";

export function buildNlu(policies = POLICIES): { kb: KnowledgeBase; nlu: NluResources } {
  const engine = Engine.load(policies, mkdtempSync(join(tmpdir(), "policybot-test-cache-")));
  return { kb: engine.kb, nlu: engine.nlu };
}
