/**
 * Words indexed by their first character (UTF-16 code unit): a text can only
 * contain the words whose first character it has, so lookups of many words in
 * a short text (aliases, intent keywords) visit only those, in their order.
 */
export class FirstCharIndex {
  private readonly starting = new Map<number, number[]>();
  /** Empty words (contained in every text). */
  private readonly empty: number[] = [];
  /** Scratch marks, one per word (reset after each lookup). */
  private readonly marks: Uint8Array;

  constructor(words: readonly string[]) {
    this.marks = new Uint8Array(words.length);
    words.forEach((w, i) => {
      if (w === "") {
        this.empty.push(i);
        return;
      }
      const first = w.charCodeAt(0);
      const list = this.starting.get(first);
      if (list) list.push(i);
      else this.starting.set(first, [i]);
    });
  }

  /**
   * Positions of the words that `text` may contain (every word it contains is among them), ascending.
   */
  candidates(text: string): number[] {
    const marks = this.marks;
    let any = false;
    for (const k of this.empty) {
      marks[k] = 1;
      any = true;
    }
    for (let i = 0; i < text.length; i++) {
      const list = this.starting.get(text.charCodeAt(i));
      if (!list) continue;
      for (const k of list) marks[k] = 1;
      any = true;
    }
    const out: number[] = [];
    if (!any) return out;
    for (let k = 0; k < marks.length; k++) {
      if (marks[k] === 0) continue;
      out.push(k);
      marks[k] = 0;
    }
    return out;
  }
}
