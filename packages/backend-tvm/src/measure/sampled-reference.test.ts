import { CONV_PASSES, mixSeed, seededRng } from '@unet3d/core';
import { CONFORMANCE_WORKLOADS, randomFloat32, referenceConv } from '@unet3d/core/testing';
import { describe, expect, it } from 'vitest';
import { passOperandShapes } from '../pass-operands.js';
import { passResultSize, sampledReference } from './sampled-reference.js';

describe('sampledReference', () => {
  it('equals core float64 referenceConv at every element of every conformance workload and pass', () => {
    for (const [i, { name, workload }] of CONFORMANCE_WORKLOADS.entries()) {
      for (const pass of CONV_PASSES) {
        const rng = seededRng(mixSeed(i, CONV_PASSES.indexOf(pass)));
        const [sa, sb] = passOperandShapes(workload, pass);
        const a = randomFloat32(
          rng,
          sa.reduce((x, y) => x * y, 1),
        );
        const b = randomFloat32(
          rng,
          sb.reduce((x, y) => x * y, 1),
        );
        const ref = referenceConv(pass, workload, a, b);
        const all = Array.from({ length: passResultSize(pass, workload) }, (_, j) => j);
        const got = sampledReference(pass, workload, a, b, all);
        let err = 0;
        ref.forEach((v, j) => {
          err = Math.max(err, Math.abs(v - got[j]!));
        });
        expect(err, `${name} ${pass}`).toBeLessThan(1e-9);
      }
    }
  });
});
