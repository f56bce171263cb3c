/** Locations of the bundled data folders, resolved from the installed package. */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Project root: two levels above `dist/src/cli` or `src/cli`. */
export const PROJECT_ROOT = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${"dist"}`) ? join(here, "..", "..", "..") : join(here, "..", "..");
})();

/** The knowledge base folder: `POLICYBOT_POLICIES` or the bundled `policies/`. */
export function policiesDir(): string {
  return process.env.POLICYBOT_POLICIES ?? join(PROJECT_ROOT, "policies");
}
