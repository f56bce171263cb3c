/**
 * Every example question in policies/intents.yaml is read as its intent: the
 * catalog's own test set (like Rasa's NLU examples), so editing keywords can
 * not silently break another intent.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { NluResources } from "../../src/nlu/understand.js";
import { understand } from "../../src/nlu/understand.js";
import { buildNlu } from "../helpers/nlu.js";

let nlu: NluResources;
beforeAll(() => {
  ({ nlu } = buildNlu());
});

describe("intent catalog examples", () => {
  it("has examples for every intent", () => {
    for (const intent of nlu.intents) expect(intent.examples.length, intent.id).toBeGreaterThan(0);
  });
  it("reads every example as its own intent", () => {
    const wrong: string[] = [];
    for (const intent of nlu.intents) {
      for (const q of intent.examples) {
        const got = understand(q, nlu).intent?.id ?? null;
        if (got !== intent.id) wrong.push(`${q} → ${got} (expected ${intent.id})`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
