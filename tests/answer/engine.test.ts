import { beforeAll, describe, expect, it } from "vitest";
import { Engine, MAX_QUESTION_CHARS, type Turn } from "../../src/answer/engine.js";
import { type Answer, type ChatContext, EMPTY_CONTEXT } from "../../src/answer/types.js";
import { numbersIn } from "../../src/util/numbers.js";
import { POLICIES } from "../helpers/paths.js";

let engine: Engine;
beforeAll(() => {
  engine = Engine.load(POLICIES);
});

const ask = (q: string, context?: ChatContext): Answer => engine.ask(q, context).answer;

/** Ask a conversation; each turn gets the context returned by the previous one. */
function converse(...questions: string[]): Turn[] {
  const turns: Turn[] = [];
  let context: ChatContext = EMPTY_CONTEXT;
  for (const q of questions) {
    const t = engine.ask(q, context);
    turns.push(t);
    context = t.context;
  }
  return turns;
}

const MONEY = /(\d+(?:\.\d+)?)\s*(万|亿)?元/g;

describe("answers with figures and citations", () => {
  it("郑州社会事业人才培养经费: 20万, 6:4, cites 第六条 of 郑人社规〔2024〕1号", () => {
    const a = ask("郑州社会事业人才培养经费");
    expect(a.status).toBe("answered");
    expect(a.intent).toBe("funding");
    expect(a.programs[0]?.id).toBe("zz-social-talent");
    expect(a.answer).toContain("20万");
    expect(a.answer).toContain("6:4");
    const art6 = a.citations.find((c) => c.clause === "第六条");
    expect(art6).toBeDefined();
    expect(art6?.docNumber).toBe("郑人社规〔2024〕1号");
    expect(art6?.document).toBe("郑州市社会事业人才培养专项实施细则");
    expect(art6?.text).toContain("20万元");
    expect(a.answer).toContain("出处：《郑州市社会事业人才培养专项实施细则》（郑人社规〔2024〕1号）第六条");
    expect(a.confidence).toBeGreaterThan(0.5);
    expect(a.confidence).toBeLessThanOrEqual(1);
  });

  it("understands the same question in traditional characters and full-width punctuation", () => {
    const a = ask("鄭州社會事業人才培養經費？");
    expect(a.status).toBe("answered");
    expect(a.answer).toContain("20万元");
  });

  it("answers an English question about Wuqing backbone funding with the 5000元 figure", () => {
    const a = ask("How much funding does a Wuqing backbone talent get?");
    expect(a.status).toBe("answered");
    expect(a.intent).toBe("funding");
    expect(a.answer).toContain("5000元");
    expect(a.citations.some((c) => c.text.includes("5000元"))).toBe(true);
  });

  it("answers the Yuxi training funding with 10000元 per person", () => {
    const a = ask("玉溪对口培养的培养经费是多少？");
    expect(a.status).toBe("answered");
    expect(a.answer).toMatch(/10000元|1万元/);
    expect(a.citations.some((c) => c.clause === "第十一条")).toBe(true);
  });
});

describe("eligibility with stated facts", () => {
  it("我46岁能报郑州社会事业人才吗 → answered, names the 45 limit and says 不符合", () => {
    const a = ask("我46岁能报郑州社会事业人才吗");
    expect(a.status).toBe("answered");
    expect(a.intent).toBe("eligibility");
    expect(a.answer).toContain("45");
    expect(a.answer).toContain("年龄46岁");
    expect(a.answer).toMatch(/——不符合/);
    // 年龄一般在45周岁以下 is a soft requirement: the answer says so.
    expect(a.answer).toContain("原则上");
    expect(a.citations.some((c) => c.clause === "第四条")).toBe(true);
  });

  it("a 40-year-old with a 副高 title meets the stated criteria", () => {
    const a = ask("我40岁，副高职称，能报郑州社会事业人才吗");
    expect(a.status).toBe("answered");
    expect(a.answer).toMatch(/年龄40岁：“年龄一般在45周岁以下”——符合/);
    expect(a.answer).toMatch(/职称副高级：“一般应具有高级职称或博士学位”——符合/);
    expect(a.answer).not.toMatch(/——不符合/);
  });
});

describe("clarify", () => {
  it("入选以后有什么待遇？ → clarify with numbered choices and no citations", () => {
    const t = engine.ask("入选以后有什么待遇？");
    const a = t.answer;
    expect(a.status).toBe("clarify");
    expect(a.citations).toEqual([]);
    expect(a.choices?.length).toBeGreaterThanOrEqual(2);
    for (const [i, c] of (a.choices ?? []).entries()) expect(a.answer).toContain(`${i + 1}. ${c.label}`);
    expect(t.context.pending?.question).toBe("入选以后有什么待遇？");
  });

  it("an unscoped question that differs by program asks which one", () => {
    expect(ask("经费怎么拨付").status).toBe("clarify");
    expect(ask("考核").status).toBe("clarify");
  });

  it("武清卫生人才的申报条件 → clarify between 拔尖 and 骨干; replying 1 answers about 拔尖", () => {
    const [first, second] = converse("武清卫生人才的申报条件是什么？", "1");
    expect(first?.answer.status).toBe("clarify");
    expect(first?.answer.choices?.map((c) => c.value)).toEqual(["wq-health-top", "wq-health-backbone"]);
    expect(second?.answer.status).toBe("answered");
    expect(second?.answer.programs.map((p) => p.id)).toEqual(["wq-health-top"]);
    expect(second?.answer.answer).toContain("副高级及以上职称，或具备博士学位");
  });

  it("replying with a choice's label also works", () => {
    const [, second] = converse("武清卫生人才的申报条件是什么？", "武清区鲲鹏工程 卫生领域 骨干人才");
    expect(second?.answer.status).toBe("answered");
    expect(second?.answer.programs[0]?.id).toBe("wq-health-backbone");
    expect(second?.answer.answer).toContain("年龄一般不超过40岁");
  });

  it("choosing a program of the cross-policy clarify answers about it", () => {
    const t = engine.ask("入选以后有什么待遇？");
    const n = (t.answer.choices ?? []).findIndex((c) => c.value === "zz-social-talent") + 1;
    expect(n).toBeGreaterThan(0);
    const a = engine.ask(String(n), t.context).answer;
    expect(a.status).toBe("answered");
    expect(a.programs[0]?.id).toBe("zz-social-talent");
    expect(a.answer).toMatch(/子女入学|住房公积金/);
  });
});

describe("multi-turn follow-ups", () => {
  it("clarify → 2 → 那拔尖呢？ stays in the 卫生 domain", () => {
    const [, second, third] = converse("武清卫生人才的申报条件是什么？", "2", "那拔尖呢？");
    expect(second?.answer.programs[0]?.id).toBe("wq-health-backbone");
    expect(third?.answer.status).toBe("answered");
    expect(third?.answer.programs.map((p) => p.id)).toEqual(["wq-health-top"]);
  });

  it("clarify → 1 → 那骨干呢？ answers about 卫生领域 骨干人才", () => {
    const turns = converse("武清卫生人才的申报条件是什么？", "1", "那骨干呢？");
    const last = turns[2]?.answer;
    expect(last?.status).toBe("answered");
    expect(last?.programs[0]?.id).toBe("wq-health-backbone");
    expect(last?.answer).toContain("卫生领域 骨干人才");
  });

  // BUG (src/answer/engine.ts answer()): when the program is named directly (武清卫生拔尖人才), the next
  // context keeps domains = [] (only domain *mentions* are remembered, not the resolved program's domain),
  // so 那骨干呢？ narrows by tier only and asks to choose among all 9 backbone programs.
  it("武清卫生拔尖人才的申报条件 → 那骨干呢？ answers about 卫生 骨干人才 (known bug: clarify over 9 domains)", () => {
    const [first, second] = converse("武清卫生拔尖人才的申报条件", "那骨干呢？");
    expect(first?.answer.programs[0]?.id).toBe("wq-health-top");
    expect(second?.answer.status).toBe("answered");
    expect(second?.answer.programs[0]?.id).toBe("wq-health-backbone");
    expect(second?.answer.answer).toContain("卫生领域 骨干人才");
  });

  // BUG (src/answer/engine.ts compose/pickQuotes): the reply about 拔尖人才 quotes and cites the 骨干人才 clause
  // (卫生/三、2) as its 原文, because BM25 ranks that clause above 卫生/三、1 and both are in the 卫生/ scope.
  it("武清卫生拔尖人才的申报条件 quotes the 拔尖人才 clause, not the 骨干人才 one (known bug)", () => {
    const a = ask("武清卫生拔尖人才的申报条件");
    expect(a.programs.map((p) => p.id)).toEqual(["wq-health-top"]);
    expect(a.answer).toMatch(/原文（[^）]*（拔尖人才）/);
    expect(a.answer).not.toMatch(/原文（[^）]*（骨干人才）/);
  });

  it("Zhengzhou: funding → 需要什么学历？ → 那培养期多长？ stay on the same program", () => {
    const [funding, degree, duration] = converse("郑州社会事业人才培养经费怎么拨付？", "需要什么学历？", "那培养期多长？");
    expect(funding?.answer.intent).toBe("funding");
    expect(degree?.answer.status).toBe("answered");
    expect(degree?.answer.intent).toBe("eligibility");
    expect(degree?.answer.programs[0]?.id).toBe("zz-social-talent");
    expect(degree?.answer.answer).toContain("博士学位");
    expect(duration?.answer.intent).toBe("duration");
    expect(duration?.answer.answer).toContain("培养期原则上为3年");
  });

  it("a follow-up without context does not borrow a program", () => {
    const a = ask("那骨干呢？");
    expect(a.programs.every((p) => p.id.endsWith("-backbone"))).toBe(true);
    expect(a.status).not.toBe("no_answer");
  });
});

describe("validity and superseded documents", () => {
  it("玉溪 对口培养 still valid? → mentions 2020 and a 提示 about the period", () => {
    const a = ask("玉溪 对口培养 still valid?");
    expect(a.status).toBe("answered");
    expect(a.answer).toContain("2020");
    expect(a.answer).toMatch(/提示：.*实施期已过/);
  });

  // BUG (src/nlu/understand.ts scoreIntents): English intent keywords are only scored when lang === "en";
  // "玉溪 对口培养 still valid?" counts as zh (10 letters ≤ 2 × 4 CJK), so "valid" is ignored, intent is
  // null and the reply quotes the notice and the title instead of the issue date and effective period.
  it("mixed-language validity question gets the status intent (known bug)", () => {
    expect(ask("玉溪 对口培养 still valid?").intent).toBe("status");
  });

  it("玉溪对口培养还有效吗？ → status intent with the issue date", () => {
    const a = ask("玉溪对口培养还有效吗？");
    expect(a.status).toBe("answered");
    expect(a.intent).toBe("status");
    expect(a.answer).toContain("2019年7月1日");
    expect(a.answer).toContain("2020");
  });

  it("名师名医名家 → answered: the old rules are 废止, citing 第十五条", () => {
    const a = ask("名师名医名家");
    expect(a.status).toBe("answered");
    expect(a.answer).toContain("废止");
    expect(a.answer).toContain("郑人社〔2021〕2号");
    expect(a.citations.map((c) => c.clause)).toContain("第十五条");
  });

  it("answers about an expired document carry a 提示", () => {
    expect(ask("武清卫生骨干人才的申报条件是什么？").answer).toMatch(/^[^\n]*\n提示：/);
  });
});

describe("no_answer", () => {
  it.each(["帮我写一首诗", "帮我写一首关于春天的诗", "今天天气怎么样？"])("off-topic: %s", (q) => {
    const a = ask(q);
    expect(a.status).toBe("no_answer");
    expect(a.citations).toEqual([]);
    expect(a.programs).toEqual([]);
    expect(a.answer).toContain("没有找到");
  });

  it.each(["北京的人才政策有哪些", "杭州人才引进有什么补贴"])("other cities: %s", (q) => {
    const a = ask(q);
    expect(a.status).toBe("no_answer");
    expect(a.answer).not.toMatch(MONEY);
  });

  // Regression: the fuzzy matcher once read 京人才落户 / 海人才落户 as a typo of 青年人才落户 and answered about Zhengzhou.
  it.each(["北京人才落户政策", "上海人才落户需要什么条件"])("other city + 人才落户: %s → no_answer", (q) => {
    expect(ask(q).status).toBe("no_answer");
  });

  it("平顶山特聘教授津贴多少钱 → no_answer without any 元 amount", () => {
    const a = ask("平顶山特聘教授津贴多少钱");
    expect(a.status).toBe("no_answer");
    expect(a.answer).not.toMatch(MONEY);
    expect(a.answer).toContain("没有规定具体金额");
    expect(a.answer).toContain("平顶山市人力资源和社会保障局");
  });
});

describe("bad input never throws", () => {
  const cases: [string, string, RegExp][] = [
    ["empty", "", /请输入您的问题/],
    ["blank", "   \n\t ", /请输入您的问题/],
    ["100 KB", "郑州社会事业人才".repeat(12_800), /问题太长了/],
    ["just over the limit", "经".repeat(MAX_QUESTION_CHARS + 1), /问题太长了/],
    ["control characters", "\u0000\u0001\u0002\u0007\u001b", /没有识别到文字内容/],
    ["emoji only", "😀😀😀👍", /没有识别到文字内容/],
    ["punctuation only", "？？？！！。。", /没有识别到文字内容/],
  ];
  it.each(cases)("%s → no_answer with a clear message", (_name, q, message) => {
    let t: Turn | undefined;
    expect(() => {
      t = engine.ask(q);
    }).not.toThrow();
    expect(t?.answer.status).toBe("no_answer");
    expect(t?.answer.answer).toMatch(message);
    expect(t?.answer.citations).toEqual([]);
  });

  it("keeps the conversation context after bad input", () => {
    const first = engine.ask("郑州社会事业人才培养经费");
    const bad = engine.ask("😀", first.context);
    expect(bad.context).toEqual(first.context);
    const next = engine.ask("那培养期多长？", bad.context);
    expect(next.answer.programs[0]?.id).toBe("zz-social-talent");
  });

  it("accepts a question of exactly the maximum length", () => {
    const q = `郑州社会事业人才培养经费${"。".repeat(MAX_QUESTION_CHARS - 12)}`;
    expect(q.length).toBe(MAX_QUESTION_CHARS);
    expect(ask(q).answer).not.toMatch(/问题太长了/);
  });
});

describe("answer invariants", () => {
  const questions = [
    "郑州社会事业人才培养经费",
    "我46岁能报郑州社会事业人才吗",
    "郑州社会事业人才的申报程序",
    "郑州社会事业人才归哪个部门管",
    "武清卫生骨干人才的申报条件是什么？",
    "How much funding does a Wuqing backbone talent get?",
    "玉溪对口培养的培养经费是多少？",
    "玉溪对口培养还有效吗？",
    "武清教育拔尖人才怎么考核",
    "名师名医名家",
    "平顶山博士后创新人才支持计划有什么支持",
    "郑州人才工作一件事多久办结",
  ];
  const clauseTexts = new Map<string, Set<string>>();
  beforeAll(() => {
    for (const d of engine.kb.documents) clauseTexts.set(d.doc.title, new Set(d.clauses.map((c) => c.text)));
  });

  it.each(questions)("%s: answered with ≥1 citation whose text is a clause text", (q) => {
    const a = ask(q);
    expect(a.status).toBe("answered");
    expect(a.citations.length).toBeGreaterThanOrEqual(1);
    for (const c of a.citations) expect(clauseTexts.get(c.document)?.has(c.text), `${c.document} ${c.clause}`).toBe(true);
    expect(a.programs.length).toBeGreaterThanOrEqual(1);
  });

  it.each(questions)("%s: every money amount in the answer is written in a cited clause", (q) => {
    const a = ask(q);
    const cited = new Set<number>();
    for (const c of a.citations) for (const n of numbersIn(c.text)) cited.add(n);
    for (const m of a.answer.matchAll(MONEY)) {
      const base = Number(m[1]);
      const value = m[2] === "万" ? base * 10_000 : m[2] === "亿" ? base * 100_000_000 : base;
      expect(cited.has(value), `${m[0]} in answer to ${q}`).toBe(true);
    }
  });

  it("is deterministic", () => {
    expect(ask("武清卫生骨干人才的申报条件是什么？")).toEqual(ask("武清卫生骨干人才的申报条件是什么？"));
  });
});
