/** Polls until `check` returns a truthy value (no timing assertion: the test timeout is the only limit). */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  intervalMs = 10,
): Promise<T> {
  for (;;) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
