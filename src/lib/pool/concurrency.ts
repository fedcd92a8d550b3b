/**
 * A small pool of promises: at most `limit` members are talked to at once. ssh connections
 * are CPU-bound on both ends (key exchange; docs/tools.md (OpenSSH pools): on 2 CPUs, 4 to 16 at
 * once all finish 16 members in about 0.7 s against 3 s one by one), and a master must not
 * open a hundred at the same moment. Results keep the order of the input.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}
