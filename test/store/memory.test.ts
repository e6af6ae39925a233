import { describe, expect, it } from 'vitest';
import { MemoryStore as FromCore } from '../../src/index.js';
import { MemoryStore } from '../../src/store/memory.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('MemoryStore', async () => ({
  store: new MemoryStore({ historyLimit: 5 }),
  cleanup: async () => undefined,
}));

describe('MemoryStore', () => {
  it('is exported from the core entry', () => {
    expect(FromCore).toBe(MemoryStore);
  });

  it('hands out copies: changing what was passed or returned does not change the store', async () => {
    const store = new MemoryStore();
    const at = new Date(Date.now() - 1_000);
    await store.appendHistory('sales', { at, kind: 'restart', outcome: 'ok' });
    at.setTime(0);
    const first = (await store.history(['sales'])).get('sales')?.[0];
    first?.at.setTime(1);
    expect((await store.history(['sales'])).get('sales')?.[0]?.at.getTime()).toBeGreaterThan(1);
  });
});
