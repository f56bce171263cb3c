/**
 * What the documents do not say, and questions that need a choice first:
 * the assistant says so (and whom to ask) instead of quoting a neighbouring
 * number, and asks which document or program when a question fits several.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Engine, type Turn } from "../../src/answer/engine.js";
import { type Answer, EMPTY_CONTEXT } from "../../src/answer/types.js";
import { POLICIES } from "../helpers/paths.js";

let engine: Engine;
beforeAll(() => {
  engine = Engine.load(POLICIES);
});

const ask = (q: string): Answer => engine.ask(q).answer;
const flat = (s: string) => s.replace(/\s+/g, "");

describe("amounts of several programs", () => {
  it("gives each named program's own amount, in the order the question names them", () => {
    const a = ask("玉溪研修人员和郑州社会事业人才，每人各给多少培养经费？");
    expect(a.status).toBe("answered");
    const text = flat(a.answer);
    expect(text).toContain("10000元");
    expect(text).toContain("20万元");
    expect(text.indexOf("玉溪")).toBeLessThan(text.indexOf("【郑州"));
  });

  it("per-person words only ask for the amount", () => {
    const a = ask("郑州社会事业人才每个人能拿多少经费？");
    expect(a.status).toBe("answered");
    expect(a.answer).toContain("20万元");
  });
});

describe("numbers the documents do not state", () => {
  it("a scheme the document only mentions: no number of its own, the clause that mentions it cited", () => {
    const a = ask("平顶山的671青年人才工程一年选多少人？");
    expect(a.status).toBe("no_answer");
    expect(a.answer).toContain("“671青年人才工程”的名额");
    expect(a.answer).not.toContain("1000");
    expect(a.citations[0]?.clause).toContain("四、(一)");
  });

  it("the quota of a district: set by the yearly notice, not by the rules", () => {
    const a = ask("郑州社会事业人才培养专项给二七区几个名额？");
    expect(a.status).toBe("no_answer");
    expect(a.answer).toContain("分配给二七区的名额");
    expect(a.answer).toMatch(/请咨询郑州市人力资源和社会保障局/);
  });

  it("a topic the named document never touches (taxes, social insurance) is not answered from a neighbour", () => {
    for (const q of ["武清鲲鹏工程的拔尖人才个税有优惠吗？", "玉溪研修期间社保谁来交？"]) {
      const a = ask(q);
      expect(a.status, q).toBe("no_answer");
      expect(a.answer, q).toMatch(/没有规定(个税|社保)方面的内容/);
    }
    // …while a document that does regulate it answers (郑州 supports 住房公积金).
    expect(ask("郑州社会事业人才在公积金方面有什么支持？").status).toBe("answered");
  });
});

describe("counts and amounts the documents do not write", () => {
  it("a count asked in a unit the answer never writes is not stated (研修班 lasts how many days?)", () => {
    const a = ask("郑州人社局的高级研修班一期办几天？");
    expect(a.status).toBe("no_answer");
    expect(a.answer).toContain("没有规定具体数量");
    // …while a count the document writes is answered, also in another unit word (名 for 人).
    const b = ask("郑州社会事业人才3年内遴选多少人？");
    expect(b.status).toBe("answered");
    expect(b.answer).toContain("100名左右");
  });

  it("a month asked (几月份) that the document never writes is not stated", () => {
    const a = ask("郑州社会事业人才每年几月份申报？");
    expect(a.status).toBe("no_answer");
    // 武清 writes 每年10月底前.
    expect(ask("武清文化领域的申报表每年几月份前填报？").answer).toContain("10月底前");
  });

  it("哪几个 asks which, not how many", () => {
    expect(ask("武清卫生领域由哪几个部门负责？").status).toBe("answered");
  });

  it("an amount for something the document never names, or names without an amount, is not stated", () => {
    for (const q of ["玉溪研修期间带教老师的补贴每月多少？", "武清人才发展专项资金一年预算多少？"]) {
      const a = ask(q);
      expect(a.status, q).toBe("no_answer");
      expect(a.answer, q).not.toMatch(/1万元|10000元/);
    }
  });
});

describe("questions that fit several documents", () => {
  it("a phrase that names programs of two documents asks which, and the choice answers", () => {
    const first: Turn = engine.ask("绿色通道有哪些规定？", EMPTY_CONTEXT);
    expect(first.answer.status).toBe("clarify");
    expect(first.answer.choices?.map((c) => c.value).sort()).toEqual(["pds-direct-recruitment", "zz-high-level-talent-services"]);
    const second = engine.ask("1", first.context).answer;
    expect(second.status).toBe("answered");
  });

  it("a document-level question naming no document lists them all and asks which; 哪些 asks of all", () => {
    const first = engine.ask("这个实施方案是什么时候发布的？", EMPTY_CONTEXT);
    expect(first.answer.status).toBe("clarify");
    expect(first.answer.answer).toContain("2015年4月28日");
    expect(first.answer.answer).toContain("请问您问的是哪一份文件");
    const pick = first.answer.choices?.findIndex((c) => c.value === "yuxi-grassroots-training-2019") ?? -1;
    const second = engine.ask(String(pick + 1), first.context).answer;
    expect(second.status).toBe("answered");
    expect(second.answer).toContain("2019年7月1日");
    expect(ask("哪些文件已经到期了？").status).toBe("answered");
  });

  it("a general question with small-talk words still asks which program", () => {
    expect(ask("培训期一般是多久呀？").status).toBe("clarify");
    expect(ask("骨干人才的年龄最多不超过几岁？").status).toBe("clarify");
  });
});
