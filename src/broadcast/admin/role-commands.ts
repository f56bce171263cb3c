/**
 * The role commands of the admins' private chat: /admins (list), /grant <id>
 * [admin|broadcaster], /revoke <id>, /audit (the last entries). Grants and
 * revokes are audited by {@link Roles}; ids are read like ADMIN_IDS entries
 * (`telegram:123`, `lark:ou_…`, a bare number is a Telegram id).
 */
import { AdminIdError, parseAdminIds, type Role } from "../roles.js";
import type { AuditStore, RoleStore } from "../stores.js";

/** The refusal of a command to someone without a role. */
export const NOT_ADMIN = "只有管理员（ADMIN_IDS 或角色表中的成员）可以使用这个命令。";

/**
 * Run a role command.
 * @param by the sender's principal
 * @param args the text after the command
 * @returns the answer
 */
export async function roleCommand(
  roles: RoleStore,
  audit: AuditStore,
  name: "admins" | "grant" | "revoke" | "audit",
  by: string,
  args: string,
): Promise<string> {
  if (!(await roles.can(by, "broadcast"))) return NOT_ADMIN;
  if (name === "admins") {
    const lines = (await roles.list()).map((r) => `· ${r.principal} ${r.role}${r.root ? "（ADMIN_IDS）" : `（${r.grantedBy} 授予）`}`);
    return [`管理员与群发员（${lines.length}）：`, ...lines, "授予：/grant <id> [admin|broadcaster]；撤销：/revoke <id>"].join("\n");
  }
  if (name === "audit") {
    const entries = (await audit.list()).slice(-20);
    if (entries.length === 0) return "审计日志为空。";
    const line = (e: (typeof entries)[number]) =>
      `${new Date(e.at).toISOString().replace("T", " ").slice(0, 19)} ${e.actor} ${e.action} ${e.target} ×${e.count}`;
    return [`最近 ${entries.length} 条审计记录：`, ...entries.map(line)].join("\n");
  }
  if (!(await roles.can(by, "manage-roles"))) return "只有管理员（admin）可以授予或撤销角色。";
  const [id, roleWord] = args.split(/\s+/).filter(Boolean);
  if (!id) return name === "grant" ? "用法：/grant <id> [admin|broadcaster]（id 如 telegram:123 或 lark:ou_…）" : "用法：/revoke <id>";
  let principal: string;
  try {
    [principal] = parseAdminIds([id]) as [string];
  } catch (e) {
    if (e instanceof AdminIdError) return `无法识别的 id：${id}（telegram:<数字 id> 或 lark:<open_id>）`;
    throw e;
  }
  if (name === "grant") {
    const role: Role = roleWord === "admin" ? "admin" : "broadcaster";
    if (roleWord && roleWord !== "admin" && roleWord !== "broadcaster") return "角色只能是 admin 或 broadcaster。";
    await roles.grant(by, principal, role);
    return `已授予 ${principal} 角色 ${role}${role === "admin" ? "（可群发、管理角色）" : "（可群发）"}。`;
  }
  if ((await roles.list()).some((r) => r.root && r.principal === principal)) return `${principal} 在 ADMIN_IDS 中，请修改配置撤销。`;
  return (await roles.revoke(by, principal)) ? `已撤销 ${principal} 的角色。` : `${principal} 没有可撤销的角色。`;
}
