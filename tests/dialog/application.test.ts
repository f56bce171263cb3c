import { describe, expect, it } from "vitest";
import { resume, start, step } from "../../src/dialog/engine.js";
import { DialogState } from "../../src/dialog/types.js";
import { FORM, fakeDeps, ID_X, last, run, said } from "./helpers.js";

const FULL = ["张三", "男", "汉族", ID_X, "是", "李四", "13812345678"];

describe("application interviews", () => {
  it("asks every applicable question, shows a summary, renders on 确认", async () => {
    const deps = fakeDeps();
    const turns = await run(FORM, deps, [...FULL, "确认"]);
    expect(said(turns[0]?.replies ?? [])).toBe("开始测试。\n姓名？");
    const summary = said(turns.at(-2)?.replies ?? []);
    expect(summary).toContain("1. 姓名：张三");
    expect(summary).toContain("5. 已婚：是");
    expect(summary).toContain("6. 配偶姓名：李四");
    const end = last(turns);
    expect(end.state.phase).toBe("done");
    const doc = end.replies.find((r) => r.type === "document");
    expect(doc).toMatchObject({ type: "document", fileName: "测试申报表-张三.docx", templateId: "test-template" });
    expect(deps.rendered[0]?.data).toEqual({
      name: "张三",
      gender: "男",
      ethnicity: "汉族",
      idNumber: ID_X,
      married: "是",
      spouse: "李四",
      mobile: "13812345678",
    });
  });

  it("skips questions whose `when` does not hold, and leaves their answers out of the form", async () => {
    const deps = fakeDeps();
    const turns = await run(FORM, deps, ["张三", "男", "汉族", ID_X, "否", "13812345678", "确认"]);
    expect(turns.map((t) => t.state.pending)).not.toContain("spouse");
    expect(deps.rendered[0]?.data).not.toHaveProperty("spouse");
  });

  it("a changed answer can turn a `when` off: the earlier answer is kept in the state but not used", async () => {
    const deps = fakeDeps();
    const turns = await run(FORM, deps, [...FULL, "修改 5", "否", "确认"]);
    expect(last(turns).state.answers.spouse).toBe("李四");
    expect(deps.rendered[0]?.data).not.toHaveProperty("spouse");
  });

  it("上一步 re-asks the previous question showing the current answer; answers are kept", async () => {
    const turns = await run(FORM, fakeDeps(), ["张三", "男", "上一步"]);
    const t = last(turns);
    expect(t.state.pending).toBe("gender");
    expect(said(t.replies)).toContain("当前答案：男");
    expect(t.state.answers).toEqual({ name: "张三", gender: "男" });
    const again = await step(FORM, t.state, { text: "女" }, fakeDeps());
    expect(again.state.pending).toBe("ethnicity");
    expect(again.state.answers.gender).toBe("女");
    const back2 = await run(FORM, fakeDeps(), ["back", "back"], again.state);
    expect(last(back2).state.pending).toBe("name");
    const first = await step(FORM, last(back2).state, { text: "返回" }, fakeDeps());
    expect(said(first.replies)).toContain("已经是第一个问题了");
  });

  it("修改 by number or label re-asks that question and returns to the summary", async () => {
    const turns = await run(FORM, fakeDeps(), [...FULL, "修改 1", "王五"]);
    expect(turns.at(-2)?.state.pending).toBe("name");
    expect(last(turns).state.phase).toBe("confirm");
    expect(said(last(turns).replies)).toContain("1. 姓名：王五");
    const byLabel = await run(FORM, fakeDeps(), [...FULL, "修改 手机号码", "13912345678"]);
    expect(said(last(byLabel).replies)).toContain("手机号码：13912345678");
    const unknown = await run(FORM, fakeDeps(), [...FULL, "change 99"]);
    expect(said(last(unknown).replies)).toContain("没有找到“99”");
    expect(last(unknown).state.phase).toBe("confirm");
  });

  it("跳过 works only for optional questions", async () => {
    const required = await run(FORM, fakeDeps(), ["跳过"]);
    expect(said(last(required).replies)).toContain("“姓名”是必答题，不能跳过。");
    expect(last(required).state.pending).toBe("name");
    const optional = await run(FORM, fakeDeps(), ["张三", "男", "skip"]);
    expect(last(optional).state.answers.ethnicity).toBeNull();
    expect(last(optional).state.pending).toBe("id-number");
  });

  it("重新开始 clears the answers; 取消 ends the interview", async () => {
    const restarted = await run(FORM, fakeDeps(), ["张三", "男", "重新开始"]);
    expect(last(restarted).state.answers).toEqual({});
    expect(last(restarted).state.pending).toBe("name");
    const cancelled = await run(FORM, fakeDeps(), ["张三", "取消"]);
    expect(last(cancelled).state.phase).toBe("cancelled");
    expect(said(last(cancelled).replies)).toContain("已取消《测试申报表》");
    const after = await step(FORM, last(cancelled).state, { text: "李四" }, fakeDeps());
    expect(said(after.replies)).toContain("已结束");
  });

  it("帮助 shows the help text and why we ask, then the question again", async () => {
    const turns = await run(FORM, fakeDeps(), ["张三", "男", "汉族", ID_X, "帮助"]);
    const text = said(last(turns).replies);
    expect(text).toContain("婚姻状况。");
    expect(text).toContain("为什么问：测试");
    expect(text).toMatch(/是否已婚？ \[是\|否\]$/);
  });

  it("invalid input shows the question's message and the question again, keeping earlier answers", async () => {
    const turns = await run(FORM, fakeDeps(), ["张三", "男", "汉族", "110105194912310021"]);
    const t = last(turns);
    expect(said(t.replies)).toBe("身份证号码无效（最后一位校验码不符，请核对是否输错）\n身份证号？");
    expect(t.state.answers).toEqual({ name: "张三", gender: "男", ethnicity: "汉族" });
    expect(t.state.pending).toBe("id-number");
  });

  it("untrusted input: empty, 10 KB, control characters, emoji all get a clear message", async () => {
    const { state } = await start(FORM, fakeDeps());
    const cases: [string, string][] = [
      ["", "您还没有输入内容。"],
      ["   \u0000\u0007 ", "您还没有输入内容。"],
      ["张".repeat(10_240), "输入过长"],
      ["😀", "请不要使用表情符号"],
    ];
    for (const [input, message] of cases) {
      const t = await step(FORM, state, { text: input }, fakeDeps());
      expect(said(t.replies)).toContain(message);
      expect(t.state).toEqual(state);
    }
    const withControls = await step(FORM, state, { text: "张\u0000三\u200b" }, fakeDeps());
    expect(withControls.state.answers.name).toBe("张三");
  });

  it("choices can be picked by value (buttons) or by number", async () => {
    const t1 = await run(FORM, fakeDeps(), ["张三"]);
    const byButton = await step(FORM, last(t1).state, { choice: "女" }, fakeDeps());
    expect(byButton.state.answers.gender).toBe("女");
    const byNumber = await step(FORM, last(t1).state, { text: "2" }, fakeDeps());
    expect(byNumber.state.answers.gender).toBe("女");
  });

  it("the state is plain JSON: serialise mid-interview, restore, and continue at the same question", async () => {
    const turns = await run(FORM, fakeDeps(), ["张三", "男", "汉族"]);
    const json = JSON.stringify(last(turns).state);
    const restored = DialogState.parse(JSON.parse(json));
    expect(restored.pending).toBe("id-number");
    expect(said(resume(FORM, restored).replies)).toBe("继续《测试申报表》：\n身份证号？");
    const deps = fakeDeps();
    const rest = await run(FORM, deps, [ID_X, "否", "13812345678", "确认"], restored);
    expect(last(rest).state.phase).toBe("done");
    expect(deps.rendered[0]?.data.name).toBe("张三");
  });

  it("a render failure is reported and the summary stays open", async () => {
    const deps = { ...fakeDeps(), render: async () => Promise.reject(new Error("模板缺失")) };
    const turns = await run(FORM, deps, [...FULL, "确认"]);
    expect(said(last(turns).replies)).toContain("文档生成失败：模板缺失");
    expect(last(turns).state.phase).toBe("confirm");
  });
});
