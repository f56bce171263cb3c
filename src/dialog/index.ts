/** Public API of the interview engine (see engine.ts). */
export { defaultDeps } from "./deps.js";
export { formData, initialState, resume, start, step } from "./engine.js";
export { InterviewError, loadInterviews, parseInterview } from "./load.js";
export type { Interview, Question } from "./schema.js";
export { type DialogDeps, type DialogInput, DialogState, type Reply, type Turn } from "./types.js";
