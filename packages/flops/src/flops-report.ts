import { buildNetwork, MODEL_PRESETS, type ModelName } from '@unet3d/model';
import { DEFAULT_BATCH, DEFAULT_PATCH, paperGflop, relativeToPaper } from '@unet3d/paper';
import { arithmeticIntensity, passBytes } from './arithmetic-intensity.js';
import { getDeviceProfile } from './device-profiles.js';
import type { LayerCost } from './layer-cost.js';
import { type CostTotals, type NetworkCost, networkCost } from './network-cost.js';
import { type OpCost, PASS_NAMES, type PassCost } from './pass-cost.js';
import { type NetworkRoofline, networkRoofline } from './roofline.js';
import type { Precision } from './storage.js';

/** What the FLOP report is computed for. */
export interface FlopsReportOptions {
  model: ModelName;
  /** Patch (D, H, W). */
  input: [number, number, number];
  batch: number;
  /** Undefined: the model's paper channels. */
  channels: number[] | undefined;
  /** Device profile id for the roofline (see device-profiles.ts). */
  device: string;
  precision: Precision;
}

/** Everything the `flops` command shows, computed once. */
export interface FlopsReport {
  readonly options: FlopsReportOptions;
  readonly cost: NetworkCost;
  readonly roofline: NetworkRoofline;
  /** Table 1's figure when the configuration is the paper's (default patch, batch and channels). */
  readonly paper: { readonly gflop: number; readonly relative: number } | undefined;
}

export function computeFlopsReport(options: FlopsReportOptions): FlopsReport {
  const network = buildNetwork({
    model: options.model,
    input: options.input,
    batch: options.batch,
    ...(options.channels ? { channels: options.channels } : {}),
  });
  const cost = networkCost(network);
  const roofline = networkRoofline(cost, getDeviceProfile(options.device), options.precision);
  const isPaperConfig =
    options.batch === DEFAULT_BATCH &&
    options.input.every((v, i) => v === DEFAULT_PATCH[i]) &&
    network.channels.every((c, i) => c === MODEL_PRESETS[options.model].channels[i]);
  const paper = isPaperConfig
    ? {
        gflop: paperGflop(options.model),
        relative: relativeToPaper(options.model, cost.totals.paperGmac),
      }
    : undefined;
  return { options, cost, roofline, paper };
}

/** Sum of a cost's three passes. */
export function allPasses(cost: OpCost): PassCost {
  return PASS_NAMES.reduce<PassCost>(
    (s, p) => ({
      macs: s.macs + cost[p].macs,
      flop: s.flop + cost[p].flop,
      readElements: s.readElements + cost[p].readElements,
      writeElements: s.writeElements + cost[p].writeElements,
    }),
    { macs: 0, flop: 0, readElements: 0, writeElements: 0 },
  );
}

function layerJson(layer: LayerCost) {
  const c = layer.cost;
  const total = allPasses(c);
  return {
    name: layer.name,
    op: layer.kind,
    ...(layer.conv
      ? {
          kernel: layer.conv.kernel,
          stride: layer.conv.stride,
          transposed: layer.conv.transposed,
          inChannels: layer.conv.inChannels,
          outChannels: layer.conv.outChannels,
          bias: layer.conv.bias,
        }
      : {}),
    outputShape: layer.outputShape,
    forwardMacs: c.forward.macs,
    backwardDataMacs: c.backwardData.macs,
    backwardFilterMacs: c.backwardFilter.macs,
    forwardFlop: c.forward.flop,
    backwardDataFlop: c.backwardData.flop,
    backwardFilterFlop: c.backwardFilter.flop,
    params: c.params,
    bytesFp32: passBytes(total, 'fp32'),
    bytes16: passBytes(total, '16-bit'),
    arithmeticIntensityFp32: arithmeticIntensity(total, 'fp32'),
  };
}

/** The one JSON document `flops --json` prints. */
export function flopsReportJson(report: FlopsReport) {
  const { options, cost, roofline, paper } = report;
  const t: CostTotals = cost.totals;
  return {
    model: options.model,
    input: options.input,
    batch: options.batch,
    channels: cost.network.channels,
    strided: cost.network.strided,
    convention:
      '1 MAC = 2 FLOP; paperGmac counts 1 MAC as 1 operation over forward + backward-data + backward-filter',
    layers: cost.layers.map(layerJson),
    loss: { forwardFlop: cost.loss.forward.flop, backwardDataFlop: cost.loss.backwardData.flop },
    totals: {
      forwardMacs: t.forwardMacs,
      backwardDataMacs: t.backwardDataMacs,
      backwardFilterMacs: t.backwardFilterMacs,
      paperGmac: t.paperGmac,
      forwardFlop: t.forwardFlop,
      backwardDataFlop: t.backwardDataFlop,
      backwardFilterFlop: t.backwardFilterFlop,
      iterationFlop: t.iterationFlop,
      elementwiseFlop: t.elementwiseFlop,
      params: t.params,
      bytes: t.bytes,
    },
    ...(paper ? { paper: { table1Gflop: paper.gflop, relative: paper.relative } } : {}),
    roofline: { device: roofline.device, precision: roofline.precision, seconds: roofline.totalSeconds },
  };
}
