import { describe, expect, it } from "vitest";
import { normalize } from "../../src/nlu/normalize.js";
import { extractSlots } from "../../src/nlu/slots.js";

const slots = (q: string) => extractSlots(normalize(q));

describe("extractSlots", () => {
  it("reads the age in digits", () => {
    expect(slots("我46岁能报郑州社会事业人才吗").age).toBe(46);
    expect(slots("本人４０周岁").age).toBe(40);
  });

  it("reads the age in Chinese numerals", () => {
    expect(slots("我今年四十五周岁").age).toBe(45);
    expect(slots("三十八岁可以申报吗").age).toBe(38);
  });

  it("reads the age from English", () => {
    expect(slots("I am 40, can I apply?").age).toBe(40);
  });

  it("reads years of service", () => {
    expect(slots("我在单位工作了5年").years).toBe(5);
    expect(slots("工龄三年").years).toBe(3);
  });

  it.each([
    ["我是博士", "博士"],
    ["硕士研究生", "硕士"],
    ["研究生学历", "硕士"],
    ["本科毕业", "本科"],
    ["大专学历能报吗", "大专"],
    ["专科", "大专"],
    ["中专", "高中及以下"],
  ] as const)("degree: %s → %s", (q, degree) => {
    expect(slots(q).degree).toBe(degree);
  });

  it.each([
    ["副高职称", "副高级"],
    ["副教授", "副高级"],
    ["高级工程师", "副高级"],
    ["正高", "正高级"],
    ["中级职称", "中级"],
    ["主治医师", "中级"],
    ["初级", "初级"],
  ] as const)("professional title: %s → %s", (q, title) => {
    expect(slots(q).professionalTitle).toBe(title);
  });

  it("reads the talent class", () => {
    expect(slots("B类人才有什么待遇").talentClass).toBe("B");
    expect(slots("ｃ类人才").talentClass).toBe("C");
  });

  it("reads several facts at once", () => {
    expect(slots("我43岁，副高职称，博士，女")).toMatchObject({ age: 43, professionalTitle: "副高级", degree: "博士", gender: "女" });
  });

  // BUG (src/nlu/slots.ts): /女/ is tested before /男/ and matches the 女 of 子女, so a man asking about
  // his children's schooling is taken for a woman (affects criteria with ids ending in -if-female).
  it("子女 does not set the gender (known bug)", () => {
    expect(slots("我是男的，子女入学怎么办").gender).toBe("男");
  });

  it("returns no facts for a question that states none", () => {
    expect(slots("郑州社会事业人才培养经费怎么拨付")).toEqual({});
  });
});
