import { describe, expect, it } from 'vitest';
import { type BackingAllocator, bucketSize, PooledAllocator } from './allocator.js';

/** A backing allocator handing out fake addresses, with a capacity to provoke out-of-memory. */
function fakeBacking(capacity = Number.POSITIVE_INFINITY) {
  let next = 0x1000n;
  let used = 0;
  const live = new Map<bigint, number>();
  const calls = { alloc: 0, free: 0 };
  const backing: BackingAllocator = {
    alloc(bytes) {
      calls.alloc++;
      if (used + bytes > capacity) throw new Error('CUDA_ERROR_OUT_OF_MEMORY');
      const p = next;
      next += BigInt(bytes);
      used += bytes;
      live.set(p, bytes);
      return p;
    },
    free(ptr) {
      calls.free++;
      const b = live.get(ptr);
      if (b === undefined) throw new Error('bad free');
      live.delete(ptr);
      used -= b;
    },
  };
  return { backing, calls, used: () => used };
}

describe('bucketSize', () => {
  it('rounds small requests to 512 B and large to 2 MiB', () => {
    expect(bucketSize(0)).toBe(512);
    expect(bucketSize(1)).toBe(512);
    expect(bucketSize(512)).toBe(512);
    expect(bucketSize(513)).toBe(1024);
    expect(bucketSize(1 << 20)).toBe(1 << 20);
    expect(bucketSize((1 << 20) + 1)).toBe(2 << 20);
    expect(bucketSize(5 * (1 << 20))).toBe(6 << 20);
    expect(() => bucketSize(-1)).toThrow(RangeError);
  });
});

describe('PooledAllocator', () => {
  it('reuses freed blocks of the same bucket without a driver call', () => {
    const f = fakeBacking();
    const a = new PooledAllocator(f.backing);
    const x = a.alloc(1000);
    a.free(x.ptr);
    const y = a.alloc(900); // same 1024-byte bucket
    expect(y.ptr).toBe(x.ptr);
    expect(f.calls.alloc).toBe(1);
    const z = a.alloc(3000); // another bucket
    expect(z.ptr).not.toBe(x.ptr);
    expect(f.calls.alloc).toBe(2);
    const s = a.stats();
    expect(s).toMatchObject({ allocCalls: 3, poolHits: 1, backingAllocs: 2, liveAllocations: 2 });
    expect(s.currentBytes).toBe(1024 + 3072);
    expect(s.reservedBytes).toBe(1024 + 3072);
  });

  it('tracks current, peak and reserved bytes', () => {
    const a = new PooledAllocator(fakeBacking().backing);
    const p = a.alloc(3 << 20);
    const q = a.alloc(1 << 20);
    a.free(p.ptr);
    let s = a.stats();
    expect(s.currentBytes).toBe(1 << 20);
    expect(s.peakBytes).toBe(5 << 20);
    expect(s.reservedBytes).toBe((4 << 20) + (1 << 20));
    a.free(q.ptr);
    a.emptyCache();
    s = a.stats();
    expect(s).toMatchObject({ currentBytes: 0, reservedBytes: 0, backingFrees: 2, liveAllocations: 0 });
    expect(s.peakReservedBytes).toBe(5 << 20);
    a.resetPeak();
    expect(a.stats().peakBytes).toBe(0);
  });

  it('empties the cache and retries once when the backing allocator runs out', () => {
    const f = fakeBacking(4 << 20);
    let syncs = 0;
    const a = new PooledAllocator(f.backing, { beforeRelease: () => syncs++ });
    const p = a.alloc(3 << 20); // 4 MiB bucket
    a.free(p.ptr);
    const q = a.alloc(2 << 20); // 2 MiB bucket: needs the cached 4 MiB back
    expect(syncs).toBe(1);
    expect(a.stats().reservedBytes).toBe(2 << 20);
    expect(f.used()).toBe(2 << 20);
    a.free(q.ptr);
    expect(() => a.alloc(8 << 20)).toThrow(/OUT_OF_MEMORY/);
  });

  it('refuses double and foreign frees, and releaseAll gives everything back', () => {
    const f = fakeBacking();
    const a = new PooledAllocator(f.backing);
    const p = a.alloc(10);
    a.alloc(20);
    a.free(p.ptr);
    expect(() => a.free(p.ptr)).toThrow(/already freed/);
    expect(() => a.free(0xdeadn)).toThrow(/unknown/);
    a.releaseAll();
    expect(f.used()).toBe(0);
    expect(a.stats().liveAllocations).toBe(0);
  });
});
