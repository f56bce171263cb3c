/**
 * The production dependencies of the engine: eligibility over the knowledge
 * base and .docx rendering from `templates/` (loaded on first use, so starting
 * a chat does not load the document libraries).
 */
import type { KnowledgeBase } from "../kb/load.js";
import { evaluateAll } from "../rules/evaluate.js";
import type { Profile } from "../rules/profile.js";
import type { DialogDeps } from "./types.js";

/**
 * @param kb the knowledge base the self-check evaluates
 * @param templatesDir the templates folder (`join(PROJECT_ROOT, "templates")`)
 * @param asOf the date answers and eligibility are judged at
 */
export function defaultDeps(kb: KnowledgeBase, templatesDir: string, asOf: string): DialogDeps {
  return {
    asOf,
    evaluate: (profile) => evaluateAll(kb, profile as Profile, { asOf }),
    render: async (id, data) => {
      const { renderTemplate } = await import("../documents/render.js");
      return renderTemplate(templatesDir, id, data);
    },
  };
}
