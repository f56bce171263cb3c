/**
 * `policybot` command line. Each command imports its module lazily so that
 * `ask` loads only the KB and the NLU (no channel or document libraries).
 *
 * Exit codes: 0 ok, 1 runtime error, 2 usage error (one line on stderr).
 */
import { Command, CommanderError } from "commander";
import { UsageError } from "./errors.js";

const program = new Command();
program
  .name("policybot")
  .description("人才政策问答助手 / talent-policy assistant")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const kb = program.command("kb").description("知识库工具 / knowledge-base tools");
kb.command("check")
  .description("校验 policies/ 下全部文件 / validate every file under policies/")
  .action(async () => {
    const { runKbCheck } = await import("./kb-commands.js");
    process.exitCode = runKbCheck();
  });
kb.command("list")
  .description("列出文件与项目及其状态 / list documents and programs with their status")
  .option("--json", "JSON 输出 / JSON output")
  .action(async (opts: { json?: boolean }) => {
    const { runKbList } = await import("./kb-commands.js");
    process.exitCode = runKbList(opts);
  });

program
  .command("ask")
  .description("回答一个问题 / answer one question")
  .argument("[question...]", "问题 / the question")
  .option("--json", "JSON 输出 / JSON output")
  .option("--stdin", "每行一个问题，输出 JSON Lines / one question per line, JSON Lines out")
  .action(async (words: string[], opts: { json?: boolean; stdin?: boolean }) => {
    const { runAsk } = await import("./ask.js");
    process.exitCode = await runAsk(words.join(" "), opts);
  });

program
  .command("eligibility")
  .description("资格判断 / eligibility of a profile for every program")
  .option("--profile <file>", "资料 JSON / profile JSON file")
  .option("--program <id>", "只判断一个项目 / one program only")
  .option("--as-of <date>", "判断日期 / evaluate at this date (YYYY-MM-DD)")
  .option("--json", "JSON 输出 / JSON output")
  .action(async (opts: { profile?: string; program?: string; asOf?: string; json?: boolean }) => {
    const { runEligibility } = await import("./eligibility.js");
    process.exitCode = await runEligibility(opts);
  });

program
  .command("serve")
  .description("启动已配置的聊天通道（Telegram、飞书/Lark；见 .env.example）/ start the configured chat channels")
  .action(async () => {
    const { runServe } = await import("./serve.js");
    process.exitCode = await runServe();
  });

program
  .command("chat")
  .description("终端对话（多轮）/ terminal chat (multi-turn)")
  .action(async () => {
    const { runChat } = await import("./chat.js");
    process.exitCode = await runChat();
  });

program
  .command("eval")
  .description("评测问答集 / grade a Q&A set")
  .argument("<cases>", "JSONL 文件 / JSONL file")
  .option("--json", "JSON 输出 / JSON output")
  .option("--verbose", "列出失败用例 / list failures")
  .option("--as-of <date>", "资格判断日期 / eligibility evaluated at this date (YYYY-MM-DD)")
  .action(async (file: string, opts: { json?: boolean; verbose?: boolean; asOf?: string }) => {
    const { runEval } = await import("./eval.js");
    process.exitCode = await runEval(file, opts);
  });

program
  .command("render")
  .description("按模板生成 Word 文档 / render a template to .docx")
  .argument("<template-id>", "模板 id（policybot templates 查看）/ template id")
  .option("--data <file>", "数据 JSON / data JSON file")
  .option("--program <id>", "项目 id（仅 policy-brief，代替 --data）/ program id (policy-brief only)")
  .option("--out <file>", "输出 .docx / output .docx file")
  .action(async (id: string, opts: { data?: string; program?: string; out?: string }) => {
    const { runRender } = await import("./render.js");
    process.exitCode = await runRender(id, opts);
  });

program
  .command("broadcast")
  .description("向已订阅的群发送通知 / broadcast a notice to the subscribed groups")
  .option("--notice <file>", "通知 YAML / notice YAML file")
  .option("--dry-run", "只显示受众和消息，不发送 / show the audience and the message, send nothing")
  .option("--resume", "继续所有未完成的群发 / resume every unfinished broadcast")
  .option("--as <principal>", "以管理员身份（telegram:<id> 或 lark:<open_id>）/ act as this admin (audit log)")
  .action(async (opts: { notice?: string; dryRun?: boolean; resume?: boolean; as?: string }) => {
    const { runBroadcastCommand } = await import("./broadcast.js");
    process.exitCode = await runBroadcastCommand(opts);
  });

program
  .command("templates")
  .description("列出文档模板 / list document templates")
  .action(async () => {
    const { runTemplates } = await import("./render.js");
    process.exitCode = await runTemplates();
  });

// `policybot … | head` closes the pipe early: that is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof UsageError) {
    process.stderr.write(`policybot: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    const e = err as Error;
    process.stderr.write(`policybot: ${e.name === "KbError" ? e.message : `运行错误 / runtime error: ${e.message}`}\n`);
    process.exitCode = 1;
  }
}
