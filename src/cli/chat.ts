export async function runChat(..._args: unknown[]): Promise<number> {
  process.stderr.write("not yet\n");
  return 1;
}
