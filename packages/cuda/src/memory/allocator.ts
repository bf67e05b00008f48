/** Where pooled memory comes from: cuMemAlloc/cuMemFree in real use, a fake in tests. */
export interface BackingAllocator {
  /** Allocate `bytes`; throws when out of memory. */
  alloc(bytes: number): bigint;
  free(ptr: bigint): void;
}

export interface AllocatorStats {
  /** Bytes in blocks handed out now (rounded sizes), and the most ever. */
  currentBytes: number;
  peakBytes: number;
  /** Bytes held from the backing allocator (live + cached). */
  reservedBytes: number;
  peakReservedBytes: number;
  /** Blocks handed out now. */
  liveAllocations: number;
  /** alloc() calls, how many were served from the pool, backing allocations and releases. */
  allocCalls: number;
  poolHits: number;
  backingAllocs: number;
  backingFrees: number;
}

export const SMALL_BLOCK_LIMIT = 1 << 20;
export const SMALL_ROUND = 512;
export const LARGE_ROUND = 2 << 20;

/**
 * The bucket a request falls in: up to 1 MiB rounded up to 512 B, larger rounded up to 2 MiB (as PyTorch's
 * caching allocator rounds). A freed block is reused only for a request of the same bucket size.
 */
export function bucketSize(bytes: number): number {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`cannot allocate ${bytes} bytes`);
  const b = Math.max(bytes, 1);
  const round = b <= SMALL_BLOCK_LIMIT ? SMALL_ROUND : LARGE_ROUND;
  return Math.ceil(b / round) * round;
}

export interface PooledAllocatorOptions {
  /** Called before cached blocks are given back (e.g. a stream sync, so no queued kernel still uses them). */
  beforeRelease?: () => void;
}

/**
 * Pooled device memory. Freed blocks go to a free list per bucket size and are handed out again without a
 * driver call; one stream orders all use, so a block freed on the host is safe to reuse for later work.
 * When the backing allocator fails, the pool gives back its cached blocks and tries once more.
 */
export class PooledAllocator {
  private readonly freeLists = new Map<number, bigint[]>();
  private readonly live = new Map<bigint, number>();
  private readonly s: AllocatorStats = {
    currentBytes: 0,
    peakBytes: 0,
    reservedBytes: 0,
    peakReservedBytes: 0,
    liveAllocations: 0,
    allocCalls: 0,
    poolHits: 0,
    backingAllocs: 0,
    backingFrees: 0,
  };

  constructor(
    private readonly backing: BackingAllocator,
    private readonly options: PooledAllocatorOptions = {},
  ) {}

  alloc(bytes: number): { ptr: bigint; bytes: number } {
    const size = bucketSize(bytes);
    this.s.allocCalls++;
    let ptr = this.freeLists.get(size)?.pop();
    if (ptr !== undefined) {
      this.s.poolHits++;
    } else {
      ptr = this.allocBacking(size);
    }
    this.live.set(ptr, size);
    this.s.liveAllocations++;
    this.s.currentBytes += size;
    if (this.s.currentBytes > this.s.peakBytes) this.s.peakBytes = this.s.currentBytes;
    return { ptr, bytes: size };
  }

  private allocBacking(size: number): bigint {
    let ptr: bigint;
    try {
      ptr = this.backing.alloc(size);
    } catch (err) {
      if (this.cachedBytes() === 0) throw err;
      this.emptyCache();
      ptr = this.backing.alloc(size);
    }
    this.s.backingAllocs++;
    this.s.reservedBytes += size;
    if (this.s.reservedBytes > this.s.peakReservedBytes) this.s.peakReservedBytes = this.s.reservedBytes;
    return ptr;
  }

  /** Return a block to the pool. Freeing a pointer this pool did not hand out (or twice) throws. */
  free(ptr: bigint): void {
    const size = this.live.get(ptr);
    if (size === undefined)
      throw new Error(`free of unknown or already freed device pointer 0x${ptr.toString(16)}`);
    this.live.delete(ptr);
    this.s.liveAllocations--;
    this.s.currentBytes -= size;
    let list = this.freeLists.get(size);
    if (!list) this.freeLists.set(size, (list = []));
    list.push(ptr);
  }

  /** Bytes sitting in free lists. */
  cachedBytes(): number {
    let n = 0;
    for (const [size, list] of this.freeLists) n += size * list.length;
    return n;
  }

  /** Give every cached (free) block back to the backing allocator. */
  emptyCache(): void {
    if (this.cachedBytes() === 0) return;
    this.options.beforeRelease?.();
    for (const [size, list] of this.freeLists) {
      for (const ptr of list) {
        this.backing.free(ptr);
        this.s.backingFrees++;
        this.s.reservedBytes -= size;
      }
    }
    this.freeLists.clear();
  }

  /** Give back everything, live blocks included (device teardown). */
  releaseAll(): void {
    for (const ptr of [...this.live.keys()]) this.free(ptr);
    this.emptyCache();
  }

  stats(): AllocatorStats {
    return { ...this.s };
  }

  /** Start a new peak measurement from the current level. */
  resetPeak(): void {
    this.s.peakBytes = this.s.currentBytes;
    this.s.peakReservedBytes = this.s.reservedBytes;
  }
}
