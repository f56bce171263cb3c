/** What a block renders against: the current object, the whole data and the template (for error messages). */
import { TemplateError } from "./errors.js";
import { renderText } from "./hbs.js";
import type { TemplateSpec } from "./schema.js";
import type { ParagraphStyles } from "./style.js";
import { getPath } from "./text.js";

/** Rendering state of one block. */
export interface Scope {
  /** The object `{{name}}` looks up: the data, or an item of `each`/`repeat`. */
  ctx: unknown;
  /** The whole data (`@root`). */
  root: Record<string, unknown>;
  /** Extra `@` variables (`@index`, `@number`, `@first`, `@last`). */
  vars: Record<string, unknown>;
  spec: TemplateSpec;
  /** The template file, for error messages. */
  file: string;
  /** Paragraph styles in use in this document. */
  styles: ParagraphStyles;
}

/** @throws TemplateError naming the template, file and block path */
export function fail(scope: Scope, path: string, message: string): never {
  throw new TemplateError(scope.spec.id, scope.file, [`${path}: ${message}`]);
}

/**
 * Render a template text in a scope.
 * @throws TemplateError when Handlebars fails (unknown helper, bad block)
 */
export function text(scope: Scope, source: string, path: string): string {
  try {
    return renderText(source, scope.ctx, scope.root, scope.vars);
  } catch (e) {
    return fail(scope, path, `模板文字无法渲染 / cannot render: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** A field's value: looked up in the current object first, then in the whole data. */
export function lookup(scope: Scope, field: string): unknown {
  const own = getPath(scope.ctx, field);
  return own !== undefined ? own : getPath(scope.root, field);
}

/**
 * The items of an `each`/`repeat` field, each with its child scope
 * (`@index` from 0, `@number` from 1). A missing field gives no items, a single value one.
 */
export function itemScopes(scope: Scope, field: string): Scope[] {
  const value = lookup(scope, field);
  const items = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  return items.map((ctx, index) => ({
    ...scope,
    ctx,
    vars: { ...scope.vars, index, number: index + 1, first: index === 0, last: index === items.length - 1 },
  }));
}

/** The options of a checkbox field: the block's own, else the field's declared options. */
export function optionsOf(scope: Scope, field: string, own: string[] | undefined): string[] {
  return own ?? scope.spec.fields.find((f) => f.name === field)?.options ?? [];
}
