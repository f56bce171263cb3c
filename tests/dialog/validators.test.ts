import { describe, expect, it } from "vitest";
import { isValidDate, parseDate } from "../../src/dialog/dates.js";
import { idCheckDigit, idNumberFacts, idNumberProblem } from "../../src/dialog/id-number.js";
import { matchOption, parseAnswer, parseMobile, parseName, parseNumber, parseYesNo } from "../../src/dialog/parse.js";
import { FORM, ID_X } from "./helpers.js";

const q = (id: string) => {
  const found = FORM.questions.find((x) => x.id === id);
  if (!found) throw new Error(id);
  return found;
};

describe("居民身份证号 (GB 11643-1999)", () => {
  it("accepts the standard example whose check digit is X", () => {
    expect(idCheckDigit(ID_X.slice(0, 17))).toBe("X");
    expect(idNumberProblem(ID_X, "2026-11-22")).toBeNull();
    expect(idNumberFacts(ID_X)).toEqual({ birthDate: "1949-12-31", gender: "女" });
  });

  it("accepts a valid number with a digit check and computes MOD 11-2 correctly", () => {
    const first17 = "41010519850601001";
    const id = first17 + idCheckDigit(first17);
    expect(idNumberProblem(id, "2026-11-22")).toBeNull();
    expect(idNumberFacts(id).gender).toBe("男");
  });

  it("rejects a wrong check digit, a bad birth date, a bad region, a wrong length", () => {
    expect(idNumberProblem("110105194912310021", "2026-11-22")).toBe("checkDigit");
    expect(idNumberProblem("110105194902300020", "2026-11-22")).toBe("birthDate"); // 2月30日
    expect(idNumberProblem(`11010520301231002${idCheckDigit("11010520301231002")}`, "2026-11-22")).toBe("birthDate"); // future
    expect(idNumberProblem(`99010519491231002${idCheckDigit("99010519491231002")}`, "2026-11-22")).toBe("region");
    expect(idNumberProblem("11010519491231002", "2026-11-22")).toBe("format");
    expect(idNumberProblem("1101051949123100XX", "2026-11-22")).toBe("format");
  });

  it("as an answer: lower-case x and spaces are normalised; the message says what is wrong", () => {
    expect(parseAnswer(q("id-number"), "110105 19491231 002x", "2026-11-22")).toEqual({ ok: true, value: ID_X });
    const bad = parseAnswer(q("id-number"), "110105194912310021", "2026-11-22");
    expect(bad).toEqual({ ok: false, message: "身份证号码无效（最后一位校验码不符，请核对是否输错）" });
  });
});

describe("mobile numbers", () => {
  it("accepts 1[3-9] + 9 digits, with spaces, dashes or +86", () => {
    expect(parseMobile("13812345678")).toBe("13812345678");
    expect(parseMobile("138-1234-5678")).toBe("13812345678");
    expect(parseMobile("+86 199 1234 5678")).toBe("19912345678");
  });
  it("rejects other numbers", () => {
    for (const bad of ["12812345678", "1381234567", "138123456789", "02161234567", "abc"]) expect(parseMobile(bad)).toBeNull();
  });
});

describe("Chinese names", () => {
  it("accepts Han names and names with the middle dot", () => {
    expect(parseName("张三")).toBe("张三");
    expect(parseName("欧阳娜娜")).toBe("欧阳娜娜");
    expect(parseName("阿依古丽·买买提")).toBe("阿依古丽·买买提");
    expect(parseName("阿依古丽•买买提")).toBe("阿依古丽·买买提"); // bullet normalised
    expect(parseName("阿依古丽・买买提")).toBe("阿依古丽·买买提"); // katakana dot normalised
  });
  it("rejects one character, Latin letters, digits, leading or doubled dots", () => {
    for (const bad of ["张", "Zhang San", "张3", "·张三", "张三·", "阿依··买买提", "张三😀"]) expect(parseName(bad)).toBeNull();
  });
});

describe("dates, numbers, yes/no, choices", () => {
  it("parses the usual date spellings and rejects impossible days", () => {
    expect(parseDate("1985-06-01")).toBe("1985-06-01");
    expect(parseDate("1985/6/1")).toBe("1985-06-01");
    expect(parseDate("1985年6月1日")).toBe("1985-06-01");
    expect(parseDate("19850601")).toBe("1985-06-01");
    expect(parseDate("2023-02-29")).toBeNull();
    expect(parseDate("2024-02-29")).toBe("2024-02-29");
    expect(parseDate("明天")).toBeNull();
    expect(isValidDate("2024-13-01")).toBe(false);
  });
  it("parses numbers with units and Chinese numerals", () => {
    expect(parseNumber("46")).toBe(46);
    expect(parseNumber("46岁")).toBe(46);
    expect(parseNumber("3.5年")).toBe(3.5);
    expect(parseNumber("三年")).toBe(3);
    expect(parseNumber("300万")).toBe(3_000_000);
    expect(parseNumber("很多")).toBeNull();
  });
  it("parses yes/no variants", () => {
    expect(parseYesNo("是")).toBe(true);
    expect(parseYesNo("不是")).toBe(false);
    expect(parseYesNo("Yes")).toBe(true);
    expect(parseYesNo("也许")).toBeNull();
  });
  it("matches choices by number, label, value and unique partial label", () => {
    const options = [
      { label: "医疗卫生", value: "医疗卫生" },
      { label: "教育", value: "教育" },
      { label: "未认定", value: "无" },
    ];
    expect(matchOption(options, "2")?.value).toBe("教育");
    expect(matchOption(options, "教育")?.value).toBe("教育");
    expect(matchOption(options, "无")?.label).toBe("未认定");
    expect(matchOption(options, "卫生")?.value).toBe("医疗卫生");
    expect(matchOption(options, "9")).toBeNull();
  });
  it("number questions enforce min, max and whole numbers", () => {
    const age = { ...q("name"), type: "number" as const, integer: true, min: 14, max: 100, invalid: "年龄无效" };
    expect(parseAnswer(age, "38", "2026-11-22")).toEqual({ ok: true, value: 38 });
    expect(parseAnswer(age, "38.5", "2026-11-22")).toEqual({ ok: false, message: "年龄无效（须为整数）" });
    expect(parseAnswer(age, "200", "2026-11-22")).toEqual({ ok: false, message: "年龄无效（不能大于 100）" });
  });
  it("date questions reject future dates unless allowed", () => {
    const d = { ...q("name"), type: "date" as const, invalid: "日期无效" };
    expect(parseAnswer(d, "2030-01-01", "2026-11-22").ok).toBe(false);
    expect(parseAnswer({ ...d, future: true }, "2030-01-01", "2026-11-22")).toEqual({ ok: true, value: "2030-01-01" });
  });
});
