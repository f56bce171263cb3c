import { describe, expect, it } from "vitest";
import { FirstCharIndex } from "../../src/nlu/first-char.js";

describe("first-character index", () => {
  const words = ["武清区", "郑州", "卫生领域", "武清", "", "zz", "鲲鹏工程"];
  const index = new FirstCharIndex(words);

  it("offers every word the text contains, in the words' order", () => {
    const text = "武清卫生领域的鲲鹏工程";
    const contained = words.flatMap((w, i) => (text.includes(w) ? [i] : []));
    const offered = index.candidates(text);
    expect(offered).toEqual([...offered].sort((a, b) => a - b));
    for (const i of contained) expect(offered).toContain(i);
    expect(offered).not.toContain(1);
  });
  it("offers the empty word always and nothing else for an unrelated text", () => {
    expect(index.candidates("玉溪")).toEqual([4]);
  });
  it("is reset between lookups", () => {
    index.candidates("郑州zz");
    expect(index.candidates("卫生")).toEqual([2, 4]);
  });
});
