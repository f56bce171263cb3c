/**
 * Audience topics: what a group subscribed to and whom a notice is for, in
 * three dimensions — programs (KB program ids), regions (city/district names
 * as the KB writes them, e.g. 郑州市) and sectors (领域, e.g. 教育).
 *
 * Matching is AND across dimensions and OR within one: a group receives a
 * notice when, for every dimension that both the subscription and the notice
 * name, they share at least one value. A dimension left empty on either side
 * matches everything, so a group that subscribed without topics receives every
 * notice, and a notice without an audience reaches every subscribed group.
 */
import { z } from "zod";

const values = z.array(z.string().trim().min(1)).default([]);

/** Topics of a subscription or of a notice's audience (each list may be empty). */
export const Topics = z.object({
  /** KB program ids (`policybot kb list`). */
  programs: values,
  /** Region names as in the KB documents' `region.names` (郑州市, 平顶山市 …). */
  regions: values,
  /** Sectors (领域) as in the KB programs' `sectors` (教育, 医疗卫生 …). */
  sectors: values,
});
export type Topics = z.infer<typeof Topics>;

/** No topics: everything. */
export const ALL_TOPICS: Topics = { programs: [], regions: [], sectors: [] };

const DIMENSIONS = ["programs", "regions", "sectors"] as const;

/**
 * Whether a subscription with `subscribed` topics receives a notice for `audience`.
 * @example matches({ programs: [], regions: ["郑州市"], sectors: [] }, { programs: ["zz-social-talent"], regions: ["郑州市"], sectors: [] }) // true
 */
export function matches(subscribed: Topics, audience: Topics): boolean {
  return DIMENSIONS.every((d) => {
    const a = subscribed[d];
    const b = audience[d];
    if (a.length === 0 || b.length === 0) return true;
    return a.some((v) => b.includes(v));
  });
}

/** Topics as one line for lists and reports: `programs=a,b; regions=郑州市` (or `全部 / all`). */
export function describeTopics(t: Topics): string {
  const parts = DIMENSIONS.filter((d) => t[d].length > 0).map((d) => `${d}=${t[d].join(",")}`);
  return parts.length > 0 ? parts.join("; ") : "全部 / all";
}
