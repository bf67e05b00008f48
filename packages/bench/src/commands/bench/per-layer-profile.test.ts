import { buildResidualSymmetricUnet } from '@unet3d/model';
import type { LayerTiming } from '@unet3d/train';
import { describe, expect, it } from 'vitest';
import { PerLayerProfile } from './per-layer-profile.js';

// strided, channels [3, 4], patch 4×8×8: enc0 and embed run at 1×3×4×4×4 (E = 192 values, C = 3 channels).
const network = buildResidualSymmetricUnet({
  name: 'tiny',
  channels: [3, 4],
  strided: true,
  input: [4, 8, 8],
  batch: 1,
});

const ev = (
  layer: string,
  kind: LayerTiming['kind'],
  pass: LayerTiming['pass'],
  ms: number,
  fused?: string[],
) => ({ layer, kind, pass, conv: false, ms, ...(fused ? { fused } : {}) }) as LayerTiming;

describe('PerLayerProfile non-conv entries', () => {
  it('records fewest bytes, covered layers and op kinds of fused and plain calls', () => {
    const profile = new PerLayerProfile(network);
    for (let i = 0; i < 2; i++) {
      profile.hook(ev('enc0.bn3', 'batchNorm', 'forward', 2, ['enc0.res', 'enc0.bn3', 'enc0.elu3']));
      profile.hook(ev('enc0.bn3', 'batchNorm', 'backward', 3, ['enc0.bn3', 'enc0.elu3']));
      profile.hook(ev('enc0.res', 'add', 'backward', 1));
      profile.hook(ev('embed', 'conv', 'forward', 0.5));
      profile.hook(ev('(adam)', 'adam', 'backward', 4));
      profile.endIteration();
    }
    const by = new Map(profile.entries().map((e) => [e.layer, e]));
    // add fwd 3E + BN fwd (3E + 4C) + ELU fwd 2E, then BN back (3E + 4C) + (2E + 4C) + ELU back 3E:
    // 16E + 12C = 3108 values of 4 bytes.
    expect(by.get('enc0.bn3')).toMatchObject({
      pass: 'other',
      samplesMs: [5, 5],
      bytes: 3108 * 4,
      fused: ['enc0.res', 'enc0.bn3', 'enc0.elu3'],
      opKind: 'add+batchNorm+elu',
    });
    // add backward: read dy and the other gradient, write the sum: 3E.
    expect(by.get('enc0.res')).toMatchObject({ bytes: 3 * 192 * 4, opKind: 'add' });
    expect(by.get('enc0.res')!.fused).toBeUndefined();
    // bias forward: read y and b, write y: 2E + C.
    expect(by.get('embed')).toMatchObject({ bytes: (2 * 192 + 3) * 4, opKind: 'bias' });
    // 2958 trainable values: embed 75 + 3, enc0 3·243 + 18, enc1 324 + 2·432 + 24, dec0 12 + 6 + 729 + 18,
    // head 3·12·4 + 12; × 7 values read and written × 4 bytes.
    expect(by.get('(adam)')).toMatchObject({ bytes: 7 * 2958 * 4, opKind: 'adam' });
  });
});
