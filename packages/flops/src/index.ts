/**
 * @unet3d/flops — analytic cost of 3-D conv networks: FLOP, parameters, fewest bytes moved, arithmetic
 * intensity and roofline time bounds, per op and pass (forward, backward-data, backward-filter).
 *
 * One convention throughout: 1 multiply-accumulate (MAC) = 2 FLOP. The paper (Zhuang et al.) counts a MAC as
 * one operation (its O(l) = h·w·c²·bs·kh·kw), so both are exposed: `macs` on every pass and
 * `CostTotals.paperGmac` in the paper's units, `flop` everywhere else.
 */
export * from './add-cost.js';
export * from './arithmetic-intensity.js';
export * from './batch-norm-cost.js';
export * from './bias-cost.js';
export * from './conv-cost.js';
export * from './device-profile-by-name.js';
export * from './device-profiles.js';
export * from './elu-cost.js';
export * from './flops-report.js';
export * from './flops-table.js';
export * from './layer-cost.js';
export * from './max-pool-cost.js';
export * from './network-cost.js';
export * from './paper-elementwise-term.js';
export * from './pass-cost.js';
export * from './roofline.js';
export * from './sigmoid-bce-cost.js';
export * from './storage.js';
export * from './timed-op-bytes.js';
export * from './units.js';
export * from './upsample-cost.js';
