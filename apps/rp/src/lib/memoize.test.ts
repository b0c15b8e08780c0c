import { memoizeUntilFailure } from './memoize.js';

describe('memoizeUntilFailure', () => {
  it('runs the factory once for concurrent and later callers after a success', async () => {
    const factory = jest.fn(async () => ({ ok: true }));
    const get = memoizeUntilFailure(factory);
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    expect(await get()).toBe(a);
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it('forgets a failure so the next call tries again', async () => {
    const factory = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(new Error('down'))
      .mockResolvedValueOnce('up');
    const get = memoizeUntilFailure(factory);
    await expect(get()).rejects.toThrow('down');
    await expect(get()).resolves.toBe('up');
    await expect(get()).resolves.toBe('up');
    expect(factory).toHaveBeenCalledTimes(2);
  });

  it('shares one failed attempt between concurrent callers and turns sync throws into rejections', async () => {
    const factory = jest.fn((): Promise<string> => {
      throw new Error('sync');
    });
    const get = memoizeUntilFailure(factory);
    const results = await Promise.allSettled([get(), get()]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(factory).toHaveBeenCalledTimes(1);
    await expect(get()).rejects.toThrow('sync');
    expect(factory).toHaveBeenCalledTimes(2);
  });
});
