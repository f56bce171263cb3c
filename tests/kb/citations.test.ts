/**
 * "Every KB number has its clause": an independent re-check of the guard
 * against invented facts. Every structured numeric value must be written in
 * the clause it cites, and every clause reference must resolve.
 */
import { describe, expect, it } from "vitest";
import { type LoadedDocument, loadKnowledgeBase } from "../../src/kb/load.js";
import { numbersIn } from "../../src/util/numbers.js";
import { POLICIES } from "../helpers/paths.js";

const NUMERIC_KEYS = new Set(["amountCNY", "count", "value", "share", "days"]);

interface Fact {
  path: string;
  key: string;
  value: number;
  clause: string;
}

/** Numbers of one cited object, not descending into nested objects that cite their own clause. */
function factsOf(node: unknown, path: string, clause: string, out: Fact[]): void {
  if (Array.isArray(node)) {
    node.forEach((x, i) => {
      if (typeof x === "number") out.push({ path: `${path}.${i}`, key: path.split(".").pop() ?? "", value: x, clause });
      else factsOf(x, `${path}.${i}`, clause, out);
    });
    return;
  }
  if (node === null || typeof node !== "object") return;
  for (const [key, v] of Object.entries(node)) {
    if (typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as { clause?: unknown }).clause === "string") continue;
    if (NUMERIC_KEYS.has(key) && typeof v === "number") out.push({ path: `${path}.${key}`, key, value: v, clause });
    else if (key === "value" && Array.isArray(v)) {
      for (const x of v) if (typeof x === "number") out.push({ path: `${path}.${key}`, key, value: x, clause });
    } else if (key === "text" && typeof v === "string") {
      for (const n of numbersIn(v)) out.push({ path: `${path}.text`, key, value: n, clause });
    } else if (typeof v === "object" && v !== null) factsOf(v, `${path}.${key}`, clause, out);
  }
}

/** Every cited object in a document with its path. */
function citedObjects(node: unknown, path: string, out: { path: string; obj: Record<string, unknown>; clause: string }[]): void {
  if (Array.isArray(node)) {
    node.forEach((x, i) => {
      citedObjects(x, `${path}.${i}`, out);
    });
    return;
  }
  if (node === null || typeof node !== "object") return;
  const obj = node as Record<string, unknown>;
  if (typeof obj.clause === "string") out.push({ path, obj, clause: obj.clause });
  for (const [k, v] of Object.entries(obj)) citedObjects(v, path ? `${path}.${k}` : k, out);
}

/** Problems of one document: unresolved clause references and numbers missing from their clause. */
function problems(d: LoadedDocument): string[] {
  const out: string[] = [];
  const where = (p: string) => `${d.doc.id}:${p}`;
  const refs: { path: string; clause: string }[] = [{ path: "issueDateClause", clause: d.doc.issueDateClause }];
  d.doc.programs.forEach((p, i) => {
    if (p.sectorsClause) refs.push({ path: `programs.${i}.sectorsClause`, clause: p.sectorsClause });
  });
  const cited: { path: string; obj: Record<string, unknown>; clause: string }[] = [];
  citedObjects(d.doc, "", cited);
  for (const r of [...refs, ...cited]) if (!d.clauseById.has(r.clause)) out.push(`${where(r.path)}: clause「${r.clause}」does not exist`);
  for (const c of cited) {
    const clause = d.clauseById.get(c.clause);
    if (!clause) continue;
    const have = numbersIn(clause.text);
    const facts: Fact[] = [];
    factsOf(c.obj, c.path, c.clause, facts);
    for (const f of facts) {
      const ok = have.has(f.value) || (f.key === "share" && have.has(f.value / 10));
      if (!ok) out.push(`${where(f.path)}: ${f.value} not in clause「${f.clause}」`);
    }
  }
  return out;
}

const { kb } = loadKnowledgeBase(POLICIES);

describe("every KB number has its clause", () => {
  it.each(kb.documents.map((d) => [d.doc.id, d] as const))(
    "%s: every clause reference resolves and every number is in its clause",
    (_id, d) => {
      expect(problems(d)).toEqual([]);
    },
  );

  it("checks a meaningful number of facts (the walker is not vacuous)", () => {
    let facts = 0;
    for (const d of kb.documents) {
      const cited: { path: string; obj: Record<string, unknown>; clause: string }[] = [];
      citedObjects(d.doc, "", cited);
      for (const c of cited) {
        const f: Fact[] = [];
        factsOf(c.obj, c.path, c.clause, f);
        facts += f.filter((x) => x.key !== "text").length;
      }
    }
    expect(facts).toBeGreaterThan(30);
  });

  it("the 20万元 / 6:4 / 3年 / 45岁 facts of the Zhengzhou model are structured and cited", () => {
    const d = kb.documents.find((x) => x.doc.id === "zhengzhou-social-talent-2024") as LoadedDocument;
    const p = d.doc.programs.find((x) => x.id === "zz-social-talent");
    expect(p?.funding[0]).toMatchObject({ amountCNY: 200000, clause: "第六条" });
    expect(p?.funding[0]?.schedule?.map((s) => s.share)).toEqual([60, 40]);
    expect(p?.duration).toMatchObject({ value: 3, unit: "年", clause: "第六条" });
    expect(p?.criteria.find((c) => c.id === "age")?.test).toEqual({ field: "age", op: "lte", value: 45 });
  });
});

describe("the check catches invented facts", () => {
  const model = kb.documents.find((x) => x.doc.id === "zhengzhou-social-talent-2024") as LoadedDocument;

  it("flags an amount that is not in the cited clause", () => {
    const d = structuredClone(model);
    const f = d.doc.programs[0]?.funding[0];
    if (f) f.amountCNY = 300000;
    expect(problems(d)).toEqual([expect.stringContaining("300000 not in clause「第六条」")]);
  });

  it("flags an invented criterion value, duration, quota and share", () => {
    const d = structuredClone(model);
    const p = d.doc.programs[0];
    if (!p?.duration || !p.quota) throw new Error("model changed");
    p.duration.value = 5;
    p.quota.count = 150;
    const age = p.criteria.find((c) => c.id === "age");
    if (age?.test) age.test.value = 50;
    const s = p.funding[0]?.schedule?.[0];
    if (s) s.share = 70;
    const found = problems(d).join("\n");
    for (const n of ["duration.value: 5 not in", "150 not in", "50 not in", "70 not in"]) expect(found).toContain(n);
  });

  it("flags a clause reference that does not exist", () => {
    const d = structuredClone(model);
    const p = d.doc.programs[0];
    if (p?.duration) p.duration.clause = "第九十九条";
    expect(problems(d)).toEqual([expect.stringContaining("第九十九条")]);
  });
});
