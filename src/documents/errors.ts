/** Errors of the document generator. */

/**
 * A template cannot be used or filled: the file is invalid (schema or
 * Handlebars syntax, each issue as `file:line path: message`) or the data lacks
 * required fields (`missing` holds their names).
 */
export class TemplateError extends Error {
  override name = "TemplateError";
  /**
   * @param templateId the template's id
   * @param file the template file (relative to the working directory when possible)
   * @param issues one line per problem
   * @param missing names of required fields the data lacks
   */
  constructor(
    readonly templateId: string,
    readonly file: string,
    readonly issues: string[],
    readonly missing: string[] = [],
  ) {
    super(
      issues.length === 1
        ? `模板「${templateId}」(${file})：${issues[0]}`
        : `模板「${templateId}」(${file}) 有 ${issues.length} 处问题 / ${issues.length} problems:\n  ${issues.join("\n  ")}`,
    );
  }
}
