export async function runEval(..._args: unknown[]): Promise<number> {
  process.stderr.write("not yet\n");
  return 1;
}
