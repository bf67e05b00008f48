import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeDirectorySync } from '@unet3d/core';

/** Everything that changes the compiled binary. */
export interface CompileKeyParts {
  readonly source: string;
  /** e.g. "sm_90". */
  readonly arch: string;
  /** Compiler options in the order given (order can matter). */
  readonly options: readonly string[];
  /** e.g. "nvrtc 13.0". */
  readonly compilerVersion: string;
}

/** A stable hex key: sha256 over the parts, length-prefixed so no two different part lists collide. */
export function compileCacheKey(parts: CompileKeyParts): string {
  const h = createHash('sha256');
  const fields = [parts.compilerVersion, parts.arch, ...parts.options, '\u0000', parts.source];
  for (const f of fields) {
    h.update(`${Buffer.byteLength(f)}:`);
    h.update(f);
  }
  return h.digest('hex');
}

/** Compiled binaries on disk, one file per key. A missing or unwritable folder just means no caching. */
export class CompileCache {
  readonly dir: string | null;
  hits = 0;
  misses = 0;

  /** `dir: null` turns caching off. */
  constructor(dir: string | null) {
    this.dir = dir;
  }

  private file(key: string, ext: string): string | null {
    return this.dir ? path.join(this.dir, `${key}.${ext}`) : null;
  }

  get(key: string, ext = 'cubin'): Uint8Array | undefined {
    const f = this.file(key, ext);
    if (!f) return undefined;
    try {
      const b = readFileSync(f);
      this.hits++;
      return b;
    } catch {
      this.misses++;
      return undefined;
    }
  }

  /** Write atomically (temp file + rename) so concurrent processes never read half a binary. */
  put(key: string, data: Uint8Array, ext = 'cubin'): void {
    const f = this.file(key, ext);
    if (!f || !this.dir) return;
    try {
      makeDirectorySync(this.dir);
      const tmp = `${f}.${process.pid}.tmp`;
      writeFileSync(tmp, data);
      renameSync(tmp, f);
    } catch {
      // caching is an optimisation; a read-only disk must not fail the compile
    }
  }
}
