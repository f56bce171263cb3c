/**
 * Lazy access to the `yaml` package: start-up reads parsed YAML from the cache
 * (see cache.ts), so the parser module is loaded only on a cache miss or for
 * error locations.
 */
import { createRequire } from "node:module";

type YamlModule = typeof import("yaml");
let mod: YamlModule | null = null;

/** The `yaml` module, loaded on first use. */
export function yaml(): YamlModule {
  mod ??= createRequire(import.meta.url)("yaml") as YamlModule;
  return mod;
}
