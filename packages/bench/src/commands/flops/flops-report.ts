import {
  arithmeticIntensity,
  type CostTotals,
  getDeviceProfile,
  type LayerCost,
  type NetworkCost,
  type NetworkRoofline,
  networkCost,
  networkRoofline,
  type OpCost,
  PAPER_TABLE1_GFLOP,
  PASS_NAMES,
  type PassCost,
  passBytes,
  relativeToPaper,
} from '@unet3d/flops';
import { buildNetwork, DEFAULT_BATCH, DEFAULT_PATCH, MODEL_PRESETS } from '@unet3d/model';
import type { FlopsOptions } from './flops-options.js';

/** Everything the `flops` command shows, computed once. */
export interface FlopsReport {
  readonly options: FlopsOptions;
  readonly cost: NetworkCost;
  readonly roofline: NetworkRoofline;
  /** Table 1's figure when the configuration is the paper's (default patch, batch and channels). */
  readonly paper: { readonly gflop: number; readonly relative: number } | undefined;
}

export function computeFlopsReport(options: FlopsOptions): FlopsReport {
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
        gflop: PAPER_TABLE1_GFLOP[options.model],
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
