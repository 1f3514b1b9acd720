// Waiting for the event itself, never a fixed time: polls a condition until it holds, and fails
// with what it waited for when it does not within a generous timeout (CI machines are busy).
export async function until(cond: () => boolean | Promise<boolean>, what = "the condition", timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await cond())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Log lines (JSON) of the app under test that carry `msg` and, if given, every one of `parts`. */
export function logLines(logs: readonly string[], msg: string, ...parts: string[]): string[] {
  return logs.filter((l) => l.includes(`"msg":"${msg}"`) && parts.every((p) => l.includes(p)));
}
