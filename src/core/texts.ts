/**
 * The fixed texts every chat channel shows (help, privacy, refusals), in one
 * place so Telegram and Feishu/Lark say the same thing. Channel adapters only
 * format them (Telegram escapes them for HTML).
 */

/** The help text (/start, /help). */
export const HELP =
  "您好，我是人才政策助手。直接提问即可，例如：郑州社会事业人才培养经费怎么拨付？\n/check 资格自测　/apply 填写申报表　/files 重新发送生成的文件　/cancel 取消　/privacy 隐私说明　/forget 删除我的数据";

/**
 * The privacy text (/privacy, 个人信息保护法: what, why, how long, how to delete).
 * @param sessionDays how long a session is kept after the last message (SESSION_TTL_DAYS)
 * @param documentHours how long generated documents are kept (DOCUMENT_TTL_HOURS)
 */
export function privacyText(sessionDays: number, documentHours: number): string {
  return `隐私说明：资格自测和申报表会收集您的年龄、学历、职称等信息（申报表还包括身份证号、手机号），仅用于判断资格和生成您要的文档。会话在最后一次消息后保留${sessionDays}天，生成的文件保留${documentHours}小时（期间可用 /files 重新获取），到期自动删除。发送 /forget 可立即删除您的全部数据。`;
}

/** The group answer to an interview request (personal data is never collected in a group). */
export const PRIVATE_ONLY = "资格自测和申报表会收集个人信息，请私聊我后再开始。";
/** The answer to images, files, stickers … */
export const TEXT_ONLY = "目前只能理解文字消息，请直接用文字提问。";
/** The answer to a button of an older message. */
export const STALE_BUTTON = "这个按钮已失效，请重新提问。";
/** /forget, when something was deleted / when there was nothing. */
export const FORGOTTEN = "已删除您在本对话中的全部数据（会话和生成的文件）。";
export const NOTHING_TO_FORGET = "没有需要删除的数据。";
