import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/dialog/commands.js";
import { applicable, conditionHolds } from "../../src/dialog/conditions.js";
import { initialState } from "../../src/dialog/engine.js";
import { cleanInput } from "../../src/dialog/input.js";
import { FORM } from "./helpers.js";

describe("commands", () => {
  it("understands Chinese and English commands", () => {
    expect(parseCommand("上一步")).toEqual({ kind: "back" });
    expect(parseCommand("返回")).toEqual({ kind: "back" });
    expect(parseCommand("Back")).toEqual({ kind: "back" });
    expect(parseCommand("修改 3")).toEqual({ kind: "change", target: "3" });
    expect(parseCommand("修改第3题")).toEqual({ kind: "change", target: "3" });
    expect(parseCommand("change 姓名")).toEqual({ kind: "change", target: "姓名" });
    expect(parseCommand("跳过")).toEqual({ kind: "skip" });
    expect(parseCommand("skip")).toEqual({ kind: "skip" });
    expect(parseCommand("重新开始")).toEqual({ kind: "restart" });
    expect(parseCommand("取消")).toEqual({ kind: "cancel" });
    expect(parseCommand("退出")).toEqual({ kind: "cancel" });
    expect(parseCommand("帮助")).toEqual({ kind: "help" });
    expect(parseCommand("help")).toEqual({ kind: "help" });
    expect(parseCommand("完成")).toEqual({ kind: "finish" });
    expect(parseCommand("确认")).toEqual({ kind: "confirm" });
  });

  it("answers are not commands, even a long text starting with 修改", () => {
    expect(parseCommand("张三")).toBeNull();
    expect(parseCommand("修改了三项国家标准并主持两项省级科研项目，获得省科技进步二等奖")).toBeNull();
  });
});

describe("when conditions", () => {
  it("compare with every operator; a missing value never holds", () => {
    expect(conditionHolds({ field: "x", op: "eq", value: "a" }, "a")).toBe(true);
    expect(conditionHolds({ field: "x", op: "ne", value: "a" }, "b")).toBe(true);
    expect(conditionHolds({ field: "x", op: "in", value: ["a", "b"] }, "b")).toBe(true);
    expect(conditionHolds({ field: "x", op: "not_in", value: ["a", "b"] }, "b")).toBe(false);
    expect(conditionHolds({ field: "x", op: "gte", value: 3 }, 3)).toBe(true);
    expect(conditionHolds({ field: "x", op: "lte", value: 3 }, 4)).toBe(false);
    expect(conditionHolds({ field: "x", op: "gt", value: 3 }, 3)).toBe(false);
    expect(conditionHolds({ field: "x", op: "lt", value: 3 }, 2)).toBe(true);
    expect(conditionHolds({ field: "x", op: "ne", value: "a" }, undefined)).toBe(false);
    expect(conditionHolds({ field: "x", op: "gte", value: 3 }, "5")).toBe(false);
  });

  it("decide which questions apply from earlier answers", () => {
    const s = initialState(FORM);
    expect(applicable(FORM, s).questions.map((q) => q.id)).not.toContain("spouse");
    const married = { ...s, answers: { married: true } };
    expect(applicable(FORM, married).questions.map((q) => q.id)).toContain("spouse");
  });
});

describe("untrusted input", () => {
  it("normalises full-width characters and strips control and zero-width characters", () => {
    expect(cleanInput("１３８１２３４５６７８")).toEqual({ ok: true, text: "13812345678" });
    expect(cleanInput("\u202e张三\u0000\u200d")).toEqual({ ok: true, text: "张三" });
  });
  it("rejects empty, oversized and emoji input with a message", () => {
    expect(cleanInput("  ")).toEqual({ ok: false, message: "您还没有输入内容。" });
    expect(cleanInput("x".repeat(10 * 1024)).ok).toBe(false);
    expect(cleanInput("好👍").ok).toBe(false);
  });
});

describe("Chinese punctuation", () => {
  it("is kept in answers (only full-width digits and letters are narrowed)", () => {
    expect(cleanInput("主持项目２项，获奖（省级）：一等奖！")).toEqual({ ok: true, text: "主持项目2项，获奖（省级）：一等奖！" });
  });
});
