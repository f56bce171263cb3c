import { describe, expect, it } from "vitest";
import { hasContent, normalize } from "../../src/nlu/normalize.js";

describe("normalize", () => {
  it("turns full-width letters, digits and spaces into half-width (NFKC)", () => {
    expect(normalize("ＡＢＣ１２３　郑州")).toBe("abc123 郑州");
    expect(normalize("我４６岁")).toBe("我46岁");
    expect(normalize("郑州？")).toBe("郑州?");
  });

  it("lower-cases ASCII letters", () => {
    expect(normalize("How Much FUNDING")).toBe("how much funding");
  });

  it("converts traditional Chinese to simplified", () => {
    expect(normalize("鄭州")).toBe("郑州");
    expect(normalize("設了什麼")).toBe("设了什么");
    expect(normalize("鄭州市社會事業人才培養經費")).toBe("郑州市社会事业人才培养经费");
  });

  it("collapses runs of whitespace (spaces, tabs, newlines) and trims", () => {
    expect(normalize("  郑州 \t\n  社会事业人才  ")).toBe("郑州 社会事业人才");
    expect(normalize("a \t\n  b")).toBe("a b");
  });

  it("removes control and zero-width characters", () => {
    expect(normalize("郑\u0000州\u0007社\u200b会\ufeff事业")).toBe("郑州社会事业");
    expect(normalize("\u0001\u0002\u001f")).toBe("");
  });

  it("leaves already-normal text unchanged", () => {
    const q = "武清卫生骨干人才的申报条件是什么?";
    expect(normalize(q)).toBe(q);
    expect(normalize(normalize("鄭州 ＡＢＣ"))).toBe(normalize("鄭州 ＡＢＣ"));
  });
});

describe("hasContent", () => {
  it.each(["郑州", "abc", "46", "How much"])("is true for text with letters, digits or ideographs: %s", (s) => {
    expect(hasContent(normalize(s))).toBe(true);
  });

  it.each(["😀😀😀", "👍", "？！…", "。。。", "———", "", "   "])("is false for emoji-only / punctuation-only input: %j", (s) => {
    expect(hasContent(normalize(s))).toBe(false);
  });
});
