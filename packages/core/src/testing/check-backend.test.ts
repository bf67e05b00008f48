import { describe, expect, it } from 'vitest';
import type { ConvBackend } from '../conv-backend.js';
import { convSpec } from '../conv-spec.js';
import { convWorkload } from '../conv-workload.js';
import { seededRng } from '../seeded-rng.js';
import { checkBackendAgainstReference, errorStats, formatConformanceResult } from './check-backend.js';
import { CONFORMANCE_WORKLOADS, conformanceWorkloads } from './conformance-workloads.js';
import { type HostTensor, hostDevice } from './host-device.test-helpers.js';
import { createReferenceBackend } from './reference-backend.js';

describe('seededRng', () => {
  it('is repeatable and roughly uniform', () => {
    const a = seededRng(42);
    const b = seededRng(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    expect(seededRng(43).next()).not.toBe(seededRng(42).next());
  });
});

describe('errorStats', () => {
  it('is max|a−b| over max|b|', () => {
    expect(errorStats([1, 2.5, -4], [1, 2, -4])).toEqual({ maxAbsError: 0.5, maxRelError: 0.125 });
    expect(errorStats([0, 0], [0, 0])).toEqual({ maxAbsError: 0, maxRelError: 0 });
    expect(errorStats([Number.NaN, 0], [1, 1]).maxRelError).toBe(Infinity);
    expect(errorStats([1], [1, 2]).maxRelError).toBe(Infinity);
  });
});

describe('conformanceWorkloads', () => {
  it('appends network workloads once each', () => {
    const extra = convWorkload([1, 4, 4, 8, 8], 4, convSpec({ kernel: 3, padding: 'same' }));
    const all = conformanceWorkloads({
      networkConvWorkloads: [extra, extra, CONFORMANCE_WORKLOADS[0]!.workload],
    });
    expect(all.length).toBe(CONFORMANCE_WORKLOADS.length + 1);
    expect(all.at(-1)?.name).toMatch(/^network conv_in1x4x4x8x8/);
  });
});

describe('checkBackendAgainstReference', () => {
  it('passes the reference backend on every workload and pass', async () => {
    const backend = createReferenceBackend(hostDevice());
    const results = await checkBackendAgainstReference(backend, CONFORMANCE_WORKLOADS, {
      tolerance: 1e-6,
      seed: 1,
    });
    expect(results.length).toBe(CONFORMANCE_WORKLOADS.length * 3);
    const failures = results.filter((r) => !r.pass).map(formatConformanceResult);
    expect(failures).toEqual([]);
  });

  it('reports wrong numbers, wrong shapes and exceptions without throwing', async () => {
    const device = hostDevice();
    const ref = createReferenceBackend(device);
    const broken: ConvBackend = {
      ...ref,
      name: 'broken',
      async forward(w, x, W) {
        const y = await ref.forward(w, x, W);
        (y as HostTensor).data[0]! += 1e-2;
        return y;
      },
      backwardData: async (_w, dy) => device.alloc(dy.shape),
      backwardFilter: async () => {
        throw new Error('boom');
      },
    };
    const cases = CONFORMANCE_WORKLOADS.slice(0, 1);
    const results = await checkBackendAgainstReference(broken, cases, { tolerance: 1e-4, seed: 1 });
    const [fwd, bwdData, bwdFilter] = results;
    expect(fwd?.pass).toBe(false);
    expect(fwd?.maxAbsError).toBeGreaterThan(5e-3);
    expect(fwd?.maxRelError).toBeLessThan(1);
    expect(bwdData?.error).toMatch(/result shape/);
    expect(bwdFilter?.error).toBe('boom');
    expect(formatConformanceResult(bwdFilter!)).toMatch(/^FAIL .*backwardFilter.*boom/);
  });
});
