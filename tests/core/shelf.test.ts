/** Generated documents are kept for DOCUMENT_TTL_HOURS, can be sent again, and go with /forget. */
import { describe, expect, it } from "vitest";
import { DocumentShelf, FILES_COMMAND, SHELF_SIZE } from "../../src/core/shelf.js";
import type { Reply } from "../../src/dialog/types.js";
import { MemoryStore } from "../../src/storage/memory.js";

const doc = (name: string): Reply => ({
  type: "document",
  fileName: name,
  data: new TextEncoder().encode(`bytes of ${name}`),
  templateId: "zz-social-talent-application",
});

describe("document shelf", () => {
  it("keeps the documents of a reply and sends them again", async () => {
    const shelf = new DocumentShelf(new MemoryStore(), 3600);
    await shelf.keepAll("tg:1:2:", [{ type: "text", text: "已生成" }, doc("申报表-张三.docx")]);
    const again = await shelf.replies("tg:1:2:");
    expect(again[0]).toMatchObject({ type: "text" });
    expect(again[1]).toMatchObject({ type: "document", fileName: "申报表-张三.docx" });
    const d = again[1] as Extract<Reply, { type: "document" }>;
    expect(new TextDecoder().decode(d.data)).toBe("bytes of 申报表-张三.docx");
    expect(await shelf.list("tg:1:3:")).toEqual([]);
  });

  it("drops documents after the configured time, and keeps only the newest few", async () => {
    let now = 1_000_000;
    const shelf = new DocumentShelf(new MemoryStore(() => now), 2 * 3600, () => now);
    for (let i = 0; i < SHELF_SIZE + 2; i++) await shelf.keepAll("u:", [doc(`f${i}.docx`)]);
    expect((await shelf.list("u:")).map((k) => k.fileName)).toEqual(["f2.docx", "f3.docx", "f4.docx", "f5.docx", "f6.docx"]);
    now += 2 * 3600 * 1000 + 1;
    expect(await shelf.list("u:")).toEqual([]);
    expect((await shelf.replies("u:"))[0]).toMatchObject({ type: "text", text: expect.stringContaining("只保留2小时") });
  });

  it("lives under the user's prefix, so /forget removes it", async () => {
    const store = new MemoryStore();
    const shelf = new DocumentShelf(store, 3600);
    await shelf.keepAll("lark:c:u:", [doc("a.docx")]);
    await store.deletePrefix("lark:c:u:");
    expect(await shelf.list("lark:c:u:")).toEqual([]);
  });

  it("recognises the resend commands", () => {
    for (const t of ["/files", "我的文件", "重新发送"]) expect(FILES_COMMAND.test(t)).toBe(true);
    expect(FILES_COMMAND.test("文件怎么交")).toBe(false);
  });
});
