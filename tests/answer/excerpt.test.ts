import { describe, expect, it } from "vitest";
import { countPhrases, excerpt } from "../../src/answer/excerpt.js";

describe("count phrases", () => {
  const text = "据统计，自去年3月以来，园区已引进企业120家，落地资金超50亿元，培养技能人才300名，吸纳青年人才900人。";

  it("keeps the figure the question asks for, not the sentence's other figures", () => {
    expect(countPhrases(text, ["技能", "技能人才", "人才"])).toBe("……培养技能人才300名……");
  });
  it("keeps every figure asked for", () => {
    expect(countPhrases(text, ["企业", "资金"])).toBe("……园区已引进企业120家……落地资金超50亿元……");
  });
  it("ignores a word two figures share and dates, periods and lone figures", () => {
    expect(countPhrases(text, ["人才", "人"])).toBeNull();
    expect(countPhrases("从2015年起，利用3年时间，每年培养50名左右骨干人才。", ["骨干人才"])).toBeNull();
  });
  it("leaves short clauses whole in excerpts", () => {
    expect(excerpt(text, ["企业"])).toBe(text);
  });
});
