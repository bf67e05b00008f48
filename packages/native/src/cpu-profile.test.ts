import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureCpuProfile } from './cpu-profile.js';

const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'unet3d-native-profile-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('measureCpuProfile', () => {
  it('measures a peak and a bandwidth within physical bounds', async () => {
    const p = await measureCpuProfile({ cacheDir, bufferBytes: 32 * 1024 ** 2, peakSeconds: 0.02, reps: 2 });
    // At least one fp32 FMA lane per cycle at 0.5 GHz on one core; at most 2 FMA units × width × 2 × 6 GHz per core.
    const lanes = p.features.vectorWidthFp32;
    expect(p.peakFp32FlopsPerSec).toBeGreaterThan(1e9);
    expect(p.peakFp32FlopsPerSec).toBeLessThan(p.threads * 2 * lanes * 2 * 6e9);
    expect(p.threads).toBeGreaterThanOrEqual(1);
    for (const v of Object.values(p.bandwidthBytesPerSec)) {
      expect(v).toBeGreaterThan(2e8); // 0.2 GB/s
      expect(v).toBeLessThan(2e12); // 2 TB/s
    }
    expect(p.compiler).toMatch(/\d+\.\d+/);
  });
});
