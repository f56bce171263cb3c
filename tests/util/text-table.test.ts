import { describe, expect, it } from "vitest";
import { clip, displayWidth, textTable } from "../../src/util/text-table.js";

describe("terminal tables", () => {
  it("counts a Chinese character as two columns", () => {
    expect(displayWidth("符合")).toBe(4);
    expect(displayWidth("ab")).toBe(2);
  });
  it("clips long cells with …, keeping within the width", () => {
    expect(displayWidth(clip("郑州市社会事业人才培养专项", 10))).toBeLessThanOrEqual(10);
    expect(clip("郑州市社会事业人才培养专项", 10).endsWith("…")).toBe(true);
  });
  it("aligns columns by display width", () => {
    const lines = textTable(
      ["项目", "结论"],
      [
        ["郑州", "符合"],
        ["a", "不符合"],
      ],
    ).split("\n");
    const col = (l: string) => displayWidth(l.slice(0, l.search(/(符合|不符合|结论)/)));
    expect(new Set(lines.filter((l) => !l.startsWith("-")).map(col)).size).toBe(1);
  });
});
