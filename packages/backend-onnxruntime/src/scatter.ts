import { type Geometry, isPatchify, kernelVolume } from './geometry.js';
import type { GraphBuilder } from './onnx-graph.js';
import { isPixelShuffle, pixelShuffleScatter } from './pixel-shuffle.js';

/**
 * How `big ← smallᵀ ⋆ W` (conv backward-data, transposed-conv forward) is computed. ConvTranspose in
 * onnxruntime's CPU provider is slow (5–28 GFLOP/s against 66–171 for Conv on 3×3×3, 2 threads), so:
 *  - patchify-matmul: k = s, p = 0, d = 1 (the (1,2,2) head): one MatMul per voxel, then a reshuffle.
 *  - polyphase-conv: d = 1, any stride: for each output residue r (mod s) a stride-1 Conv of small with
 *    the flipped, channel-swapped sub-kernel W[k ≡ r + p (mod s)], then the residues are interleaved.
 *    With stride 1 this is one Conv with the flipped kernel (no interleaving).
 *  - conv-transpose: ONNX ConvTranspose, the generic fallback (dilation).
 */
export type ScatterFormulation = 'pixel-shuffle' | 'patchify-matmul' | 'polyphase-conv' | 'conv-transpose';

export function chooseScatter(g: Geometry): ScatterFormulation {
  if (isPixelShuffle(g)) return 'pixel-shuffle';
  if (isPatchify(g)) return 'patchify-matmul';
  if (g.dilation.every((d) => d === 1)) return 'polyphase-conv';
  return 'conv-transpose';
}

/** big [N, Cb, B] from small [N, Cs, S] and w [Cs, Cb, k]. Inputs of the builder: `small`, `w`. */
export function buildScatter(gb: GraphBuilder, g: Geometry, f: ScatterFormulation): string {
  const small = gb.input('small', g.small);
  const w = gb.input('w', [g.small[1], g.big[1], ...g.kernel]);
  if (f === 'pixel-shuffle') return pixelShuffleScatter(gb, g, small, w);
  if (f === 'patchify-matmul') return patchify(gb, g, small, w);
  if (f === 'polyphase-conv') return polyphase(gb, g, small, w);
  // Extra big positions past the natural ConvTranspose output (output padding, an uneven forward conv):
  // take them from the end padding (onnxruntime rejects output_padding ≥ stride), zeros beyond it.
  const extra = [0, 1, 2].map(
    (a) =>
      g.big[a + 2]! -
      ((g.small[a + 2]! - 1) * g.stride[a]! - 2 * g.padding[a]! + g.dilation[a]! * (g.kernel[a]! - 1) + 1),
  );
  const y = gb.op('ConvTranspose', [small, w], {
    kernel_shape: g.kernel,
    strides: g.stride,
    dilations: g.dilation,
    pads: [...g.padding, ...g.padding.map((p, a) => Math.max(0, p - extra[a]!))],
  });
  return gb.pad(y, [0, 0, 0, 0, 0, 0, 0, ...g.padding.map((p, a) => Math.max(0, extra[a]! - p))]);
}

function patchify(gb: GraphBuilder, g: Geometry, small: string, w: string): string {
  const [N, Cb, Bd, Bh, Bw] = g.big;
  const [, Cs, Sd, Sh, Sw] = g.small;
  const [kd, kh, kw] = g.kernel;
  const K = kernelVolume(g);
  const wT = gb.transpose(gb.reshape(w, [Cs, Cb * K]), [1, 0]);
  const cols = gb.op('MatMul', [wT, gb.reshape(small, [N, Cs, Sd * Sh * Sw])]); // [N, Cb·K, V]
  const y = gb.reshape(
    gb.transpose(gb.reshape(cols, [N, Cb, kd, kh, kw, Sd, Sh, Sw]), [0, 1, 5, 2, 6, 3, 7, 4]),
    [N, Cb, Sd * kd, Sh * kh, Sw * kw],
  );
  // Voxels past the last window (odd input to a k = s conv; output padding) get no contribution.
  return gb.pad(y, [0, 0, 0, 0, 0, 0, 0, Bd - Sd * kd, Bh - Sh * kh, Bw - Sw * kw]);
}

/** Per axis and residue r: the sub-kernel taps and the stride-1 conv that produces big[r::s]. */
interface Phase {
  count: number; // M_r: big positions ≡ r (mod s)
  k0: number; // first tap
  taps: number; // J
  lead: number; // L = J − 1 − q: left padding of small (negative: crop)
  trail: number; // R: right padding of small (negative: crop)
}

function phases(B: number, S: number, K: number, s: number, p: number): Phase[] {
  const out: Phase[] = [];
  for (let r = 0; r < s; r++) {
    const count = Math.max(0, Math.ceil((B - r) / s));
    const k0 = (r + p) % s;
    const q = Math.floor((r + p) / s);
    const taps = k0 < K ? Math.ceil((K - k0) / s) : 0;
    const lead = taps - 1 - q;
    out.push({ count, k0, taps, lead, trail: count - S - lead + taps - 1 });
  }
  return out;
}

function polyphase(gb: GraphBuilder, g: Geometry, small: string, w: string): string {
  const [N, Cb] = g.big;
  const per = [0, 1, 2].map((a) =>
    phases(g.big[a + 2]!, g.small[a + 2]!, g.kernel[a]!, g.stride[a]!, g.padding[a]!),
  );
  const wt = gb.transpose(w, [1, 0, 2, 3, 4]); // [Cb, Cs, k]: channel swap
  const M = per.map((ph) => ph[0]!.count); // the largest residue class per axis
  const parts: string[] = [];
  for (const pd of per[0]!)
    for (const ph of per[1]!)
      for (const pw of per[2]!) {
        const ps = [pd, ph, pw];
        if (ps.some((x) => x.count === 0 || x.taps === 0)) {
          // No tap reaches this residue class (kernel shorter than the stride), or the class is empty.
          parts.push(gb.op('ConstantOfShape', [gb.ints([N, Cb, ...M])]));
          continue;
        }
        // Flipped sub-kernel: taps k0 + s·(J−1), …, k0 (negative step).
        const starts = ps.map((x, a) => x.k0 + g.stride[a]! * (x.taps - 1));
        const ends = ps.map((x, a) => (x.k0 > 0 ? x.k0 - 1 : -(g.kernel[a]! + 1)));
        const sub = gb.slice(
          wt,
          [2, 3, 4],
          starts,
          ends,
          g.stride.map((s) => -s),
        );
        const lp = ps.map((x) => Math.max(0, x.lead));
        const rp = ps.map((x) => Math.max(0, x.trail));
        let part = gb.op('Conv', [small, sub], { kernel_shape: ps.map((x) => x.taps), pads: [...lp, ...rp] });
        if (ps.some((x) => x.lead < 0 || x.trail < 0)) {
          const st = ps.map((x, a) => lp[a]! - x.lead);
          part = gb.slice(
            part,
            [2, 3, 4],
            st,
            ps.map((x, a) => st[a]! + x.count),
          );
        }
        if (g.stride.every((s) => s === 1)) return part;
        parts.push(gb.pad(part, [0, 0, 0, 0, 0, 0, 0, M[0]! - pd.count, M[1]! - ph.count, M[2]! - pw.count]));
      }
  // Interleave: stack the residues on a leading axis, then move each residue axis next to its spatial axis.
  const [sd, sh, sw] = g.stride;
  const stacked = parts.map((p) => gb.reshape(p, [1, N, Cb, M[0]!, M[1]!, M[2]!]));
  const all = stacked.length === 1 ? stacked[0]! : gb.op('Concat', stacked, { axis: 0 });
  const shuffled = gb.transpose(
    gb.reshape(all, [sd, sh, sw, N, Cb, M[0]!, M[1]!, M[2]!]),
    [3, 4, 5, 0, 6, 1, 7, 2],
  );
  const y = gb.reshape(shuffled, [N, Cb, M[0]! * sd, M[1]! * sh, M[2]! * sw]);
  const exact = [0, 1, 2].every((a) => M[a]! * g.stride[a]! === g.big[a + 2]);
  return exact ? y : gb.slice(y, [2, 3, 4], [0, 0, 0], [g.big[2], g.big[3], g.big[4]]);
}
