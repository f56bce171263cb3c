/**
 * The conversation core that every channel uses: messages in, replies out,
 * the session as plain JSON that survives a restart.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Conversation, NEW_SESSION, parseSession, type Session } from "../../src/core/conversation.js";
import { ROOT } from "../helpers/paths.js";

let conversation: Conversation;
beforeAll(() => {
  conversation = Conversation.load(Conversation.folders(ROOT), "2026-11-22");
});

/** Send messages in order, storing the session as JSON between them like a channel would. */
async function chat(...messages: ({ text: string } | { choice: string })[]) {
  let stored = JSON.stringify(NEW_SESSION);
  const all = [];
  for (const m of messages) {
    const handled = await conversation.handle(parseSession(JSON.parse(stored)), m);
    stored = JSON.stringify(handled.session);
    all.push(handled);
  }
  return all;
}

describe("conversation core", () => {
  it("answers a question as a text reply", async () => {
    const [h] = await chat({ text: "郑州社会事业人才培养经费怎么拨付？" });
    expect(h?.replies).toHaveLength(1);
    expect(h?.replies[0]).toMatchObject({ type: "text" });
    expect(JSON.stringify(h?.replies)).toContain("20万元");
  });

  it("offers a clarifying question as choices, and a pressed choice answers it", async () => {
    const [first, second] = await chat({ text: "武清卫生人才的申报条件是什么？" }, { choice: "wq-health-backbone" });
    const reply = first?.replies[0];
    expect(reply?.type).toBe("choices");
    if (reply?.type === "choices") expect(reply.choices.map((c) => c.value)).toEqual(["wq-health-top", "wq-health-backbone"]);
    expect(JSON.stringify(second?.replies)).toContain("卫生领域 骨干人才");
  });

  it("runs an interview across messages and back to Q&A when it is cancelled", async () => {
    const turns = await chat({ text: "申报表" }, { text: "4" }, { text: "张三" }, { text: "取消" }, { text: "玉溪对口培养的研修期多长？" });
    expect(turns[0]?.replies[0]?.type).toBe("choices");
    expect(turns[2]?.session.interview.dialog?.answers).toMatchObject({ name: "张三" });
    expect(turns[3]?.session.interview.dialog).toBeNull();
    expect(JSON.stringify(turns[4]?.replies)).toContain("6个月");
  });

  it("a session that does not parse starts afresh instead of failing", () => {
    const s: Session = parseSession({ context: "garbage" });
    expect(s).toEqual(NEW_SESSION);
  });

  it("a stored interview resumes at the same question", async () => {
    const turns = await chat({ text: "申报表" }, { text: "4" }, { text: "张三" });
    const stored = JSON.parse(JSON.stringify(turns[2]?.session));
    const replies = conversation.resume(parseSession(stored));
    expect(JSON.stringify(replies)).toContain("性别");
  });
});

describe("consent before personal information (chat channels)", () => {
  let strict: Conversation;
  beforeAll(() => {
    strict = Conversation.load(Conversation.folders(ROOT), "2026-11-22", { requireConsent: true });
  });
  it("shows the privacy notice first, starts the interview after 同意, and remembers the consent", async () => {
    const first = await strict.handle(NEW_SESSION, { text: "资格自测" });
    const notice = first.replies[0];
    expect(notice?.type).toBe("choices");
    expect(JSON.stringify(notice)).toContain("/forget");
    const agreed = await strict.handle(parseSession(JSON.parse(JSON.stringify(first.session))), { choice: "同意" });
    expect(agreed.session.consent).toBe(true);
    expect(agreed.session.interview.dialog?.interview).toBe("self-check");
    const cancelled = await strict.handle(agreed.session, { text: "取消" });
    const again = await strict.handle(cancelled.session, { text: "申报表" });
    expect(again.replies[0]?.type).toBe("choices");
    expect(JSON.stringify(again.replies)).not.toContain("隐私说明");
  });
  it("不同意 starts nothing and keeps Q&A available", async () => {
    const first = await strict.handle(NEW_SESSION, { text: "申报表" });
    const refused = await strict.handle(first.session, { text: "不同意" });
    expect(refused.session.interview.dialog).toBeNull();
    expect(refused.session.consent).toBeUndefined();
    expect(JSON.stringify(refused.replies)).toContain("不会收集");
  });
});
