import type { Triple } from '@unet3d/core';
import type { GemmConvProblem } from '../../templates/problem.js';

/**
 * The loop geometry the CPU templates generate code for, worked out once per problem (pure).
 *
 * Data kinds (`gather`, `fractional`) write one output row (n, od, oh) at a time, vectorised along the
 * innermost spatial axis. The input is first copied into a zero-padded buffer X' whose rows are long enough
 * for whole vector tiles, so the inner loop has no bounds checks:
 *  - `gather`: out[o] = Σ in[o·s − p + k·d]. X' holds in padded by p; for a W stride s_w > 1 each row is
 *    split into s_w phase planes (plane r holds padded columns q·s_w + r), so every tap reads X' at stride 1.
 *  - `fractional`: out[o] = Σ in[i] with i = (o + p − k·d)/s where exact. Writing o = j·s + r, the taps
 *    that hit are fixed per phase r and read in[j + e] with e = (r + p − k·d)/s: one "combo" of taps per
 *    phase triple (r_d, r_h, r_w); X' holds `in` shifted by L = max(0, −min e).
 * Each tap reads X' at row (base_d + rowD, base_h + rowH) and column j + elem, where base is o·s (gather)
 * or j + L (fractional).
 */
export interface Tap {
  /** Flat kernel offset (kd·Kh + kh)·Kw + kw into W(m, c, ·). */
  readonly k: number;
  readonly rowD: number;
  readonly rowH: number;
  /** Column offset inside an X' row (phase plane · plane length + column shift). */
  readonly elem: number;
}

export interface Combo {
  /** Output phase (r_d, r_h, r_w); all 0 for gather. */
  readonly phase: Triple;
  readonly taps: readonly Tap[];
  /** Output columns j of this combo (output w = j·outStepW + phase[2]). */
  readonly cols: number;
}

export interface DataGeometry {
  readonly kind: 'gather' | 'fractional';
  /** Padded X' extent: depth rows, height rows, row length (floats). */
  readonly xpD: number;
  readonly xpH: number;
  readonly xpRow: number;
  /** Shift of input coordinates inside X' per axis (padding for gather, L for fractional). */
  readonly shift: Triple;
  /** W phase planes of X' (gather with s_w > 1) and the length of one plane. */
  readonly planes: number;
  readonly planeLen: number;
  readonly combos: readonly Combo[];
  /** Whether X' equals the input (no padding, no phase split, rows long enough): then no copy is made. */
  readonly identity: boolean;
}

const roundUp = (a: number, b: number): number => Math.ceil(a / b) * b;
const mod = (a: number, b: number): number => ((a % b) + b) % b;

/** Geometry of a data-kind problem for a vector tile of `tile` floats along W. */
export function dataGeometry(p: GemmConvProblem, tile: number): DataGeometry {
  if (p.kind === 'wgrad') throw new Error('dataGeometry: wgrad has its own geometry');
  const [OD, OH, OW] = p.outSpatial;
  const [ID, IH, IW] = p.inSpatial;
  const [KD, KH, KW] = p.kernel;
  const [sd, sh, sw] = p.stride;
  const [pd, ph, pw] = p.padding;
  const [dd, dh, dw] = p.dilation;
  if (p.kind === 'gather') {
    const padD = (OD - 1) * sd + (KD - 1) * dd + 1;
    const padH = (OH - 1) * sh + (KH - 1) * dh + 1;
    const padW = (OW - 1) * sw + (KW - 1) * dw + 1;
    const maxShift = Math.floor(((KW - 1) * dw) / sw);
    const planeLen = Math.max(Math.ceil(padW / sw), roundUp(OW, tile) + maxShift);
    const taps: Tap[] = [];
    for (let kd = 0; kd < KD; kd++)
      for (let kh = 0; kh < KH; kh++)
        for (let kw = 0; kw < KW; kw++) {
          const q = kw * dw;
          taps.push({
            k: (kd * KH + kh) * KW + kw,
            rowD: kd * dd,
            rowH: kh * dh,
            elem: (q % sw) * planeLen + Math.floor(q / sw),
          });
        }
    const identity =
      pd === 0 &&
      ph === 0 &&
      pw === 0 &&
      sw === 1 &&
      padW === IW &&
      padD <= ID &&
      padH <= IH &&
      planeLen === IW;
    return {
      kind: 'gather',
      xpD: identity ? ID : padD,
      xpH: identity ? IH : padH,
      xpRow: sw * planeLen,
      shift: [pd, ph, pw],
      planes: sw,
      planeLen,
      combos: [{ phase: [0, 0, 0], taps, cols: OW }],
      identity,
    };
  }
  // fractional: per axis, the offsets e = (r + p − k·d)/s of the taps that hit phase r.
  const axis = (s: number, pad: number, K: number, dil: number) => {
    const per: { k: number; e: number }[][] = [];
    for (let r = 0; r < s; r++) {
      const list: { k: number; e: number }[] = [];
      for (let k = 0; k < K; k++) {
        const t = r + pad - k * dil;
        if (mod(t, s) === 0) list.push({ k, e: t / s });
      }
      per.push(list);
    }
    const es = per.flat().map((x) => x.e);
    const L = Math.max(0, -Math.min(0, ...es));
    const eMax = Math.max(0, ...es);
    return { per, L, eMax };
  };
  const ad = axis(sd, pd, KD, dd);
  const ah = axis(sh, ph, KH, dh);
  const aw = axis(sw, pw, KW, dw);
  const cols = (O: number, s: number, r: number) => Math.max(0, Math.ceil((O - r) / s));
  const xpD = Math.max(ID + ad.L, Math.ceil(OD / sd) + ad.L + ad.eMax);
  const xpH = Math.max(IH + ah.L, Math.ceil(OH / sh) + ah.L + ah.eMax);
  const xpRow = Math.max(IW + aw.L, roundUp(Math.ceil(OW / sw), tile) + aw.L + aw.eMax);
  const combos: Combo[] = [];
  for (let rd = 0; rd < sd; rd++)
    for (let rh = 0; rh < sh; rh++)
      for (let rw = 0; rw < sw; rw++) {
        const taps: Tap[] = [];
        for (const td of ad.per[rd]!)
          for (const th of ah.per[rh]!)
            for (const tw of aw.per[rw]!) {
              taps.push({ k: (td.k * KH + th.k) * KW + tw.k, rowD: td.e, rowH: th.e, elem: tw.e + aw.L });
            }
        combos.push({ phase: [rd, rh, rw], taps, cols: cols(OW, sw, rw) });
      }
  const identity =
    ad.L === 0 &&
    ah.L === 0 &&
    aw.L === 0 &&
    xpD === ID &&
    xpH === IH &&
    xpRow === IW &&
    ad.eMax + ah.eMax + aw.eMax === 0;
  return {
    kind: 'fractional',
    xpD: identity ? ID : xpD,
    xpH: identity ? IH : xpH,
    xpRow,
    shift: [ad.L, ah.L, aw.L],
    planes: 1,
    planeLen: xpRow,
    combos,
    identity,
  };
}

/**
 * Weight-gradient geometry: dW[m, c, k] = Σ_{n,q} A[n, m, q] · B[n, c, q·s − p + k·d]. B is padded and
 * phase-split exactly like a gather input (rows q·s + k·d); A rows are padded with zeros to whole vectors.
 */
export interface WgradGeometry {
  readonly xpD: number;
  readonly xpH: number;
  readonly xpRow: number;
  readonly planeLen: number;
  readonly planes: number;
  readonly shift: Triple;
  /** A row length rounded up to whole vectors (A is used in place when it equals the true length). */
  readonly aRow: number;
  readonly taps: readonly Tap[];
  readonly bIdentity: boolean;
}

export function wgradGeometry(p: GemmConvProblem, vl: number): WgradGeometry {
  const [QD, QH, QW] = p.outSpatial;
  const [ID, IH, IW] = p.inSpatial;
  const [KD, KH, KW] = p.kernel;
  const [sd, sh, sw] = p.stride;
  const [pd, ph, pw] = p.padding;
  const [dd, dh, dw] = p.dilation;
  const aRow = roundUp(QW, vl);
  const padD = (QD - 1) * sd + (KD - 1) * dd + 1;
  const padH = (QH - 1) * sh + (KH - 1) * dh + 1;
  const padW = (QW - 1) * sw + (KW - 1) * dw + 1;
  const maxShift = Math.floor(((KW - 1) * dw) / sw);
  const planeLen = Math.max(Math.ceil(padW / sw), aRow + maxShift);
  const taps: Tap[] = [];
  for (let kd = 0; kd < KD; kd++)
    for (let kh = 0; kh < KH; kh++)
      for (let kw = 0; kw < KW; kw++) {
        const q = kw * dw;
        taps.push({
          k: (kd * KH + kh) * KW + kw,
          rowD: kd * dd,
          rowH: kh * dh,
          elem: (q % sw) * planeLen + Math.floor(q / sw),
        });
      }
  const bIdentity =
    pd === 0 &&
    ph === 0 &&
    pw === 0 &&
    sw === 1 &&
    padW === IW &&
    padD <= ID &&
    padH <= IH &&
    planeLen === IW;
  return {
    xpD: bIdentity ? ID : padD,
    xpH: bIdentity ? IH : padH,
    xpRow: sw * planeLen,
    planeLen,
    planes: sw,
    shift: [pd, ph, pw],
    aRow,
    taps,
    bIdentity,
  };
}
