import { describe, expect, it } from "vitest";
import { corrections, SpellIndex } from "../../src/nlu/spell.js";

const corpus = "研修人员的主要任务：学习掌握本领域本专业理论动态和前沿技术。培养经费每人10000元。";
const vocabulary = new SpellIndex(["任务", "任何", "人物", "研修", "人员", "经费", "培养", "主要任务"]);

describe("one-character typo correction", () => {
  it("主要任物 → 任务, confirmed by the neighbouring 要", () => {
    expect(corrections("任物", "研修人员的主要任物有哪些", vocabulary, corpus)).toEqual(["任务"]);
  });
  it("培养经废 → 经费", () => {
    expect(corrections("经废", "培养经废是多少", vocabulary, corpus)).toEqual(["经费"]);
  });
  it("no correction when the context never appears in the documents", () => {
    expect(corrections("任物", "任物", vocabulary, corpus)).toEqual([]);
  });
  it("no correction for words of one character or known words", () => {
    expect(corrections("任", "主要任", vocabulary, corpus)).toEqual([]);
    expect(corrections("任务", "主要任务", vocabulary, corpus)).toEqual([]);
  });
});
