import { type ConvWorkload, convSpec, convWorkload, convWorkloadKey, shape5d } from '@unet3d/core';

/** Channels per level of the paper's strided networks (Table 1 rows 2–4). */
export const NETWORK_CHANNELS = {
  strided: [24, 32, 48, 72, 104],
  scaled: [24, 64, 192, 192, 192],
} as const;

/**
 * The distinct conv workloads of a strided network (batch 1, patch 64×128×128): the 1×5×5 stride-(1,2,2)
 * embedding, per level d (body at 64³ halved per level) a 3×3×3 c(d−1)→c(d) and c(d)→c(d), a 1×1×1
 * projection c(d+1)→c(d) on the way up, and the transposed-conv head 24→12 with k = s = (1,2,2).
 * The model package owns the networks; this list is for tests and for tuning without it.
 */
export function networkConvWorkloads(model: keyof typeof NETWORK_CHANNELS, batch = 1): ConvWorkload[] {
  const ch = NETWORK_CHANNELS[model];
  const out = new Map<string, ConvWorkload>();
  const add = (w: ConvWorkload): void => {
    out.set(convWorkloadKey(w), w);
  };
  add(
    convWorkload(
      shape5d(batch, 1, 64, 128, 128),
      ch[0],
      convSpec({ kernel: [1, 5, 5], stride: [1, 2, 2], padding: [0, 2, 2] }),
    ),
  );
  const k3 = convSpec({ kernel: 3, padding: 1 });
  const k1 = convSpec({ kernel: 1 });
  for (let d = 0; d < ch.length; d++) {
    const s = 64 >> d;
    const c = ch[d]!;
    const cPrev = d === 0 ? c : ch[d - 1]!;
    add(convWorkload(shape5d(batch, cPrev, s, s, s), c, k3));
    add(convWorkload(shape5d(batch, c, s, s, s), c, k3));
    if (d + 1 < ch.length) add(convWorkload(shape5d(batch, ch[d + 1]!, s, s, s), c, k1));
  }
  add(
    convWorkload(
      shape5d(batch, ch[0], 64, 64, 64),
      12,
      convSpec({ kernel: [1, 2, 2], stride: [1, 2, 2], transposed: true }),
    ),
  );
  return [...out.values()];
}
