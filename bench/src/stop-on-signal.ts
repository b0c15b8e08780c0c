import type { Stack } from '@oidc-ref/stack';

/**
 * A stop function for a benchmark's stack, also run on SIGINT / SIGTERM (then exit 130), so a
 * benchmark that is interrupted leaves no OP, RP or Postgres behind. Safe to call twice.
 */
export function stopOnSignal(stack: Pick<Stack, 'stop'>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stack.stop());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().finally(() => process.exit(130)));
  return stop;
}
