/** The profile fields a self-check question may fill, checked against the public profile schema. */
import { FIELD_LABELS, Profile } from "../rules/profile.js";

/** True when `name` is a field of the public profile schema. */
export function isProfileField(name: string): boolean {
  return Object.hasOwn(Profile.shape, name);
}

/** The Chinese label of a profile field (the field name when unknown). */
export function profileFieldLabel(name: string): string {
  return (FIELD_LABELS as Record<string, string>)[name] ?? name;
}

/** Why a value is not acceptable for a profile field, or null when it is. */
export function profileValueError(field: string, value: unknown): string | null {
  const schema = (
    Profile.shape as Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }>
  )[field];
  if (!schema) return `未知字段 ${field}`;
  const r = schema.safeParse(value);
  return r.success ? null : (r.error?.issues[0]?.message ?? "无效");
}
