import { describe, expect, it } from "vitest";
import { numbersIn, parseChineseNumeral } from "../../src/util/numbers.js";

const nums = (s: string) => [...numbersIn(s)].sort((a, b) => a - b);

describe("numbersIn", () => {
  it("yields amounts with 万 both bare and multiplied", () => {
    expect(nums("20万元")).toEqual([20, 200000]);
    expect(nums("每人1.5万元")).toEqual([1.5, 15000]);
  });

  it("reads Chinese numerals", () => {
    expect(nums("三年")).toEqual([3]);
    expect(nums("连续工作三年以上")).toEqual([3]);
    expect(nums("十五个工作日")).toEqual([15]);
  });

  it("reads both sides of a ratio", () => {
    expect(nums("按6:4比例分两期")).toEqual([2, 4, 6]);
    expect(nums("6:4")).toEqual([4, 6]);
  });

  it("reads both ends of a range written with a dash", () => {
    expect(nums("1—2期")).toEqual([1, 2]);
    expect(nums("每年举办2—3期高级研修班")).toEqual([2, 3]);
  });

  it("reads plain digits", () => {
    expect(nums("每人5000元")).toEqual([5000]);
    expect(nums("45周岁以下")).toEqual([45]);
  });

  it("finds nothing in text without numbers", () => {
    expect(nums("热爱祖国，遵纪守法")).toEqual([]);
  });
});

describe("parseChineseNumeral", () => {
  it.each([
    ["三", 3],
    ["十", 10],
    ["十五", 15],
    ["二十", 20],
    ["四十五", 45],
    ["一百", 100],
    ["两百", 200],
    ["一千零五", 1005],
    ["三千五百", 3500],
    ["五万", 50000],
  ] as const)("%s → %d", (s, n) => {
    expect(parseChineseNumeral(s)).toBe(n);
  });

  it.each(["", "abc", "十五岁", "郑州"])("returns null for a non-numeral: %j", (s) => {
    expect(parseChineseNumeral(s)).toBeNull();
  });
});
