/**
 * The contract every SessionStore holds, run against MemoryStore, FileStore and RedisStore (both clients).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortError, InvalidArgumentError } from '../../src/errors.js';
import type { RepairRecord, SessionStore } from '../../src/store/types.js';

export interface StoreFixture {
  store: SessionStore;
  /** Round trips made to the backend so far, when the fixture can count them. */
  roundTrips?: () => number;
  cleanup(): Promise<void>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function record(at: number, kind: RepairRecord['kind'] = 'restart', extra: Partial<RepairRecord> = {}) {
  return { at: new Date(at), kind, outcome: 'ok', ...extra } satisfies RepairRecord;
}

/**
 * @param make - Builds a fresh, empty store with `historyLimit: 5`.
 */
export function describeStoreContract(name: string, make: () => Promise<StoreFixture>): void {
  describe(`SessionStore contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: SessionStore;
    beforeEach(async () => {
      fixture = await make();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    describe('activity', () => {
      it('never moves backwards', async () => {
        const now = Date.now();
        await store.recordActivity('sales', new Date(now - 1_000));
        await store.recordActivity('sales', new Date(now - 60_000));
        expect((await store.lastActivity(['sales'])).get('sales')?.getTime()).toBe(now - 1_000);
        await store.recordActivity('sales', new Date(now - 500));
        expect((await store.lastActivity(['sales'])).get('sales')?.getTime()).toBe(now - 500);
      });

      it('caps a time in the future at now', async () => {
        const before = Date.now();
        await store.recordActivity('sales', new Date(before + 86_400_000));
        const after = Date.now();
        const got = (await store.lastActivity(['sales'])).get('sales')?.getTime() ?? 0;
        expect(got).toBeGreaterThanOrEqual(before);
        expect(got).toBeLessThanOrEqual(after);
      });

      it('reads many ids at once, null for the unknown ones, in the order asked', async () => {
        const now = Date.now() - 10_000;
        const ids = Array.from({ length: 50 }, (_, i) => `s-${i}`);
        for (const [i, id] of ids.entries())
          if (i % 2 === 0) await store.recordActivity(id, new Date(now + i));
        const before = fixture.roundTrips?.() ?? 0;
        const map = await store.lastActivity([...ids, 'never-seen', '__proto__']);
        if (fixture.roundTrips) expect(fixture.roundTrips() - before).toBe(1);
        expect([...map.keys()]).toEqual([...ids, 'never-seen', '__proto__']);
        for (const [i, id] of ids.entries()) {
          expect(map.get(id)?.getTime() ?? null).toBe(i % 2 === 0 ? now + i : null);
        }
        expect(map.get('never-seen')).toBeNull();
        expect(map.get('__proto__')).toBeNull();
        expect((await store.lastActivity([])).size).toBe(0);
      });

      it('keeps session ids apart by letter case and odd characters', async () => {
        const t = Date.now() - 5_000;
        await store.recordActivity('Sales', new Date(t));
        await store.recordActivity('__proto__', new Date(t + 1));
        await store.recordActivity('a b*c', new Date(t + 2));
        const map = await store.lastActivity(['sales', 'Sales', '__proto__', 'a b*c']);
        expect(map.get('sales')).toBeNull();
        expect(map.get('Sales')?.getTime()).toBe(t);
        expect(map.get('__proto__')?.getTime()).toBe(t + 1);
        expect(map.get('a b*c')?.getTime()).toBe(t + 2);
      });

      it('rejects bad input before touching the backend', async () => {
        await expect(store.recordActivity('a/b', new Date())).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.recordActivity('ok', new Date(Number.NaN))).rejects.toBeInstanceOf(
          InvalidArgumentError,
        );
        await expect(store.lastActivity(['ok', ''])).rejects.toBeInstanceOf(InvalidArgumentError);
      });
    });

    describe('repair history', () => {
      it('keeps the most recent entries per session, oldest first, bounded', async () => {
        const t = Date.now() - 100_000;
        for (let i = 0; i < 8; i++) {
          await store.appendHistory('sales', record(t + i, i % 2 ? 'repair' : 'restart', { rung: 3 }));
        }
        await store.appendHistory(
          'support-team',
          record(t, 'reconnect', { detail: 'by hand', status: 'connected' }),
        );
        const before = fixture.roundTrips?.() ?? 0;
        const map = await store.history(['sales', 'support-team', 'nobody']);
        if (fixture.roundTrips) expect(fixture.roundTrips() - before).toBe(1);
        const sales = map.get('sales') ?? [];
        expect(sales.map((r) => r.at.getTime())).toEqual([3, 4, 5, 6, 7].map((i) => t + i));
        expect(sales[0]).toEqual({ at: new Date(t + 3), kind: 'repair', rung: 3, outcome: 'ok' });
        expect(map.get('support-team')).toEqual([
          { at: new Date(t), kind: 'reconnect', outcome: 'ok', detail: 'by hand', status: 'connected' },
        ]);
        expect(map.get('nobody')).toEqual([]);
      });

      it('keeps every append when many run at once (no lost update)', async () => {
        const t = Date.now() - 1_000;
        await Promise.all(
          Array.from({ length: 5 }, (_, i) => store.appendHistory(`c${i}`, record(t + i, 'repair'))),
        );
        const map = await store.history(['c0', 'c1', 'c2', 'c3', 'c4']);
        for (let i = 0; i < 5; i++) expect(map.get(`c${i}`)?.map((r) => r.at.getTime())).toEqual([t + i]);
      });

      it('rejects a malformed record', async () => {
        await expect(
          store.appendHistory('sales', { at: new Date(), kind: 'explode', outcome: 'ok' } as never),
        ).rejects.toBeInstanceOf(InvalidArgumentError);
      });
    });

    describe('leases', () => {
      it('is held by one owner at a time; the owner extends, others are refused', async () => {
        expect(await store.acquireLease('session:sales', 'owner-a', 5_000)).toBe(true);
        expect(await store.acquireLease('session:sales', 'owner-b', 5_000)).toBe(false);
        expect(await store.acquireLease('session:sales', 'owner-a', 5_000)).toBe(true);
        expect(await store.acquireLease('session:other', 'owner-b', 5_000)).toBe(true);
        const lease = await store.readLease('session:sales');
        expect(lease?.owner).toBe('owner-a');
        expect(lease?.name).toBe('session:sales');
        const left = (lease?.expiresAt.getTime() ?? 0) - Date.now();
        expect(left).toBeGreaterThan(3_000);
        expect(left).toBeLessThanOrEqual(5_100);
      });

      it('is renewed and released only by its owner', async () => {
        await store.acquireLease('session:sales', 'owner-a', 300);
        expect(await store.renewLease('session:sales', 'owner-b', 60_000)).toBe(false);
        expect(await store.releaseLease('session:sales', 'owner-b')).toBe(false);
        expect((await store.readLease('session:sales'))?.owner).toBe('owner-a');
        expect(await store.renewLease('session:sales', 'owner-a', 60_000)).toBe(true);
        await pause(400); // past the first TTL: the renewal kept it
        expect((await store.readLease('session:sales'))?.owner).toBe('owner-a');
        expect(await store.releaseLease('session:sales', 'owner-a')).toBe(true);
        expect(await store.readLease('session:sales')).toBeNull();
        expect(await store.releaseLease('session:sales', 'owner-a')).toBe(false);
        expect(await store.acquireLease('session:sales', 'owner-b', 1_000)).toBe(true);
      });

      it('can be taken once its owner’s time ran out (a crashed owner), and the old owner cannot renew it', async () => {
        expect(await store.acquireLease('session:sales', 'crashed', 150)).toBe(true);
        expect(await store.acquireLease('session:sales', 'next', 5_000)).toBe(false);
        await pause(250);
        expect(await store.readLease('session:sales')).toBeNull();
        expect(await store.acquireLease('session:sales', 'next', 5_000)).toBe(true);
        expect(await store.renewLease('session:sales', 'crashed', 5_000)).toBe(false);
        expect(await store.releaseLease('session:sales', 'crashed')).toBe(false);
        expect((await store.readLease('session:sales'))?.owner).toBe('next');
      });

      it('gives the lease to exactly one of many concurrent takers', async () => {
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) => store.acquireLease('session:race', `owner-${i}`, 5_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect((await store.readLease('session:race'))?.owner).toBe(`owner-${winner}`);
      });

      it('rejects bad names, owners and TTLs', async () => {
        await expect(store.acquireLease('', 'a', 100)).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.acquireLease('x', '', 100)).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.acquireLease('x', 'a', 0)).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.acquireLease('x', 'a', 1.5)).rejects.toBeInstanceOf(InvalidArgumentError);
      });
    });

    describe('pending work', () => {
      it('is recorded, read by id or all at once, and cleared', async () => {
        const since = new Date(Date.now() - 2_000);
        await store.setPending('sales', { kind: 'recreate', since, detail: 'gateway channel deleted' });
        await store.setPending('support-team', { kind: 'recreate', since });
        expect(await store.pending(['sales', 'nobody'])).toEqual(
          new Map([['sales', { kind: 'recreate', since, detail: 'gateway channel deleted' }]]),
        );
        const all = await store.pending();
        expect([...all.keys()].sort()).toEqual(['sales', 'support-team']);
        await store.clearPending('sales');
        await store.clearPending('never-had-any');
        expect([...(await store.pending()).keys()]).toEqual(['support-team']);
        expect((await store.pending([])).size).toBe(0);
      });
    });

    it('an aborted signal stops a call with AbortError', async () => {
      const signal = AbortSignal.abort();
      await expect(store.lastActivity(['sales'], signal)).rejects.toBeInstanceOf(AbortError);
      await expect(store.acquireLease('x', 'a', 100, signal)).rejects.toBeInstanceOf(AbortError);
      expect(await store.readLease('x')).toBeNull();
    });
  });
}
