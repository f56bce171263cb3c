/**
 * Interview schema: the shape of every `conversations/<id>.yaml`. Interviews are
 * data (questions, conditions, citations), never code: `when` conditions are
 * compared by the engine, nothing is evaluated.
 */
import { z } from "zod";

/** A value an answer can hold (after parsing the user's text). */
export const AnswerValue = z.union([z.string(), z.number(), z.boolean()]);
export type AnswerValue = z.infer<typeof AnswerValue>;

/** Comparison operators of `when` conditions (same names as the criteria tests). */
export const ConditionOp = z.enum(["eq", "ne", "in", "not_in", "gte", "lte", "gt", "lt"]);
export type ConditionOp = z.infer<typeof ConditionOp>;

/** Ask a question only if an earlier answer (by field) compares true. */
export const Condition = z.object({
  field: z.string().min(1),
  op: ConditionOp,
  value: z.union([AnswerValue, z.array(z.union([z.string(), z.number()]))]),
});
export type Condition = z.infer<typeof Condition>;

/** A choice offered for a `choice` question. */
export const Option = z.object({ label: z.string().min(1), value: AnswerValue });
export type Option = z.infer<typeof Option>;

/** The kinds of answers the engine can parse and validate. */
export const QuestionType = z.enum(["choice", "number", "date", "text", "yesno", "name", "idNumber", "mobile"]);
export type QuestionType = z.infer<typeof QuestionType>;

/** Why a question is asked, with the clause that makes it relevant. */
export const Why = z.object({
  text: z.string().min(1),
  document: z.string().min(1),
  clause: z.string().min(1),
  /** Filled in by the loader: `《title》（文号）clause label`. */
  citation: z.string().optional(),
});
export type Why = z.infer<typeof Why>;

/** One question of an interview. */
export const Question = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, "题目 id 只能用小写字母、数字和连字符 / question id: lowercase, digits, hyphens"),
    /** A profile field (self-check) or a form field name (application). */
    field: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
    /** Short name for summaries and `修改 <label>` (defaults to the id). */
    label: z.string().min(1).optional(),
    prompt: z.string().min(1),
    type: QuestionType,
    options: z.array(Option).min(2).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    /** Whole numbers only (number questions). */
    integer: z.boolean().optional(),
    maxLength: z.number().int().positive().optional(),
    /** Dates after today are accepted (date questions; default: rejected). */
    future: z.boolean().optional(),
    optional: z.boolean().default(false),
    /** Shown (with the question again) when the input does not parse. */
    invalid: z.string().min(1),
    when: z.array(Condition).default([]),
    help: z.string().optional(),
    why: Why,
  })
  .strict()
  .refine((q) => (q.type === "choice") === (q.options !== undefined), {
    message: "choice 题必须有 options，其他题型不能有 / options are required for choice questions and only for them",
    path: ["options"],
  });
export type Question = z.infer<typeof Question>;

/** A whole interview: self-check (资格自测) or an application form (申报表). */
export const Interview = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string().min(1),
    kind: z.enum(["self-check", "application"]),
    /** Program ids (must exist in the knowledge base). */
    programs: z.array(z.string().min(1)).min(1),
    /** Template id of the document produced (application interviews). */
    template: z.string().min(1).optional(),
    intro: z.string().min(1),
    questions: z.array(Question).min(1),
  })
  .strict()
  .refine((i) => i.kind !== "application" || i.template !== undefined, {
    message: "申报表访谈必须指定 template / application interviews need a template",
    path: ["template"],
  });
export type Interview = z.infer<typeof Interview>;
