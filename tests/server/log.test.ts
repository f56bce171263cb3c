/** The server log never shows an ID or phone number, whichever field it is in. */
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, maskPersonalNumbers } from "../../src/server/log.js";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, log: createLogger(stream, "info") };
}

describe("server log", () => {
  it("masks 身份证号 and mobile numbers in texts", () => {
    expect(maskPersonalNumbers("身份证410105198506011234，电话13812345678")).toBe("身份证410***********1234，电话138****5678");
    expect(maskPersonalNumbers("+86 13812345678")).toBe("+86 138****5678");
    expect(maskPersonalNumbers("update 123456 of chat 987654321")).toBe("update 123456 of chat 987654321");
  });

  it("scrubs the message and nested fields of every line", () => {
    const { lines, log } = capture();
    log.info({ error: { message: "bad id 41010519850601123X" }, phones: ["13912345678"], n: 13812345678 }, "user 13800001111 said");
    const out = lines.join("");
    expect(out).not.toMatch(/41010519850601123X|13912345678|13812345678|13800001111/);
    expect(JSON.parse(out)).toMatchObject({ msg: "user 138****1111 said", phones: ["139****5678"] });
  });
});
