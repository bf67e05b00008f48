import { ConfigError, type ConvWorkload, convWorkloadKey } from '@unet3d/core';
import { buildNetwork, MODEL_NAMES, type ModelName } from '@unet3d/model';

/** The reduced patch `verify` runs at: every conv workload of the model, small enough for the reference. */
export const VERIFY_PATCH: readonly [number, number, number] = [16, 32, 32];

export interface ModelWorkload {
  /** `<model>/<layer>`, plus how many other layers share the workload. */
  name: string;
  key: string;
  workload: ConvWorkload;
  layers: string[];
}

export function parseModels(value: string): ModelName[] {
  if (value === 'all') return [...MODEL_NAMES];
  const names = value.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!(MODEL_NAMES as readonly string[]).includes(n)) {
      throw new ConfigError(`unknown model '${n}'`, `use one of ${MODEL_NAMES.join(', ')} or all`);
    }
  }
  return names as ModelName[];
}

/** Every distinct conv workload of the given models at a patch and batch, in layer order. */
export function modelConvWorkloads(
  models: readonly ModelName[],
  patch: readonly number[],
  batch: number,
): ModelWorkload[] {
  const byKey = new Map<string, ModelWorkload>();
  for (const model of models) {
    const network = buildNetwork({ model, input: patch, batch });
    for (const layer of network.layers) {
      if (layer.kind !== 'conv') continue;
      const key = convWorkloadKey(layer.workload);
      const label = `${model}/${layer.name}`;
      const entry = byKey.get(key);
      if (entry) entry.layers.push(label);
      else byKey.set(key, { name: label, key, workload: layer.workload, layers: [label] });
    }
  }
  return [...byKey.values()].map((w) => ({
    ...w,
    name: w.layers.length > 1 ? `${w.name} (+${w.layers.length - 1} same)` : w.name,
  }));
}
