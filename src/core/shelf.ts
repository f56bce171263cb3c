/**
 * Generated documents kept for a short, configurable time (DOCUMENT_TTL_HOURS)
 * so a chat user can have them sent again (/files, 我的文件) — on another
 * device, or after deleting the message — and no longer (个人信息保护法: an
 * application form holds the 身份证号 and phone number). They live in the
 * channel's store under the user's key prefix, so /forget, which deletes that
 * prefix, removes them with the session.
 */
import type { Reply } from "../dialog/types.js";
import type { Store } from "../storage/store.js";

/** A kept document. */
export interface KeptDocument {
  fileName: string;
  templateId: string;
  /** When it was generated (ms since the epoch). */
  keptAt: number;
  data: Uint8Array;
}

interface Row {
  fileName: string;
  templateId: string;
  keptAt: number;
  /** base64 */
  data: string;
}

/** How many documents a user keeps at most (the newest). */
export const SHELF_SIZE = 5;

/** The commands that ask for the kept documents. */
export const FILES_COMMAND = /^(\/files|我的文件|重新发送|重发文件)$/i;

export class DocumentShelf {
  /**
   * @param store the channel's store
   * @param ttlSeconds how long a document is kept after it was generated (seconds; DOCUMENT_TTL_HOURS × 3600)
   * @param now clock in milliseconds (tests)
   */
  constructor(
    private readonly store: Store,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  private key(owner: string): string {
    return `${owner}docs`;
  }

  private async rows(owner: string): Promise<Row[]> {
    const raw = await this.store.get(this.key(owner));
    if (!Array.isArray(raw)) return [];
    const oldest = this.now() - this.ttlSeconds * 1000;
    return (raw as Row[]).filter((r) => typeof r?.data === "string" && typeof r.keptAt === "number" && r.keptAt > oldest);
  }

  /**
   * Keep the document replies among `replies` for `owner` (a key prefix ending
   * in `:`, the one /forget deletes, e.g. `tg:<chat>:<user>:`).
   */
  async keepAll(owner: string, replies: Reply[]): Promise<void> {
    const docs = replies.filter((r) => r.type === "document");
    if (docs.length === 0) return;
    const now = this.now();
    const added: Row[] = docs.map((d) => ({
      fileName: d.fileName,
      templateId: d.templateId,
      keptAt: now,
      data: Buffer.from(d.data).toString("base64"),
    }));
    const rows = [...(await this.rows(owner)), ...added].slice(-SHELF_SIZE);
    await this.store.set(this.key(owner), rows, { ttlSeconds: this.ttlSeconds });
  }

  /** The documents still kept for `owner`, oldest first. */
  async list(owner: string): Promise<KeptDocument[]> {
    return (await this.rows(owner)).map((r) => ({ ...r, data: new Uint8Array(Buffer.from(r.data, "base64")) }));
  }

  /**
   * The replies to /files: the kept documents again, or a text saying there are none
   * and for how long documents are kept.
   */
  async replies(owner: string): Promise<Reply[]> {
    const kept = await this.list(owner);
    const hours = Math.round((this.ttlSeconds / 3600) * 10) / 10;
    if (kept.length === 0) {
      return [{ type: "text", text: `没有保留的文件。生成的文件只保留${hours}小时；需要时请重新填写（发送 /apply 或 资格自测）。` }];
    }
    return [
      { type: "text", text: `以下是最近${hours}小时内为您生成的文件（共${kept.length}个）：` },
      ...kept.map((k) => ({ type: "document" as const, fileName: k.fileName, data: k.data, templateId: k.templateId })),
    ];
  }
}
