import { ConfigError } from '@unet3d/core';
import type { PaperImplementation } from '@unet3d/paper';
import { knownBackendNames } from '../../backends.js';
import { TABLE1_ROWS, type Table1Row } from './table1-rows.js';

/** Which of our backends stands in for each of the paper's two implementations. */
export type BackendMapping = Readonly<Record<PaperImplementation, string>>;

/** The GPU mapping (the paper's own implementations) and the CPU default. */
export const GPU_MAPPING: BackendMapping = { 'pytorch-cudnn': 'cudnn', tvm: 'tvm' };
export const CPU_MAPPING: BackendMapping = { 'pytorch-cudnn': 'onnxruntime', tvm: 'onnxruntime' };

export type BackendsOption = { kind: 'auto' } | { kind: 'explicit'; mapping: BackendMapping };

/**
 * Parse `--backends`:
 *   auto                          GPU backends when a GPU is found, else the CPU backend for every row
 *   onnxruntime                   one backend for every row
 *   cudnn=cudnn,tvm=onnxruntime   per paper implementation (keys: cudnn, tvm)
 */
export function parseBackendsOption(value: string): BackendsOption {
  const v = value.trim();
  if (v === 'auto') return { kind: 'auto' };
  const known = knownBackendNames();
  const check = (name: string): string => {
    if (!known.includes(name)) {
      throw new ConfigError(
        `unknown backend '${name}' in --backends`,
        `known backends: ${known.join(', ')}, or 'auto'`,
      );
    }
    return name;
  };
  if (!v.includes('=')) {
    const name = check(v);
    return { kind: 'explicit', mapping: { 'pytorch-cudnn': name, tvm: name } };
  }
  const mapping: Record<PaperImplementation, string> = { ...CPU_MAPPING };
  const seen = new Set<string>();
  for (const part of v.split(',')) {
    const [key, name, ...rest] = part.split('=').map((s) => s.trim());
    const impl = key === 'cudnn' ? 'pytorch-cudnn' : key === 'tvm' ? 'tvm' : undefined;
    if (!impl || !name || rest.length) {
      throw new ConfigError(
        `malformed --backends entry '${part}'`,
        'use e.g. cudnn=cudnn,tvm=tvm (keys: cudnn, tvm)',
      );
    }
    mapping[impl] = check(name);
    seen.add(impl);
  }
  if (seen.size !== 2) throw new ConfigError(`--backends '${value}' must map both cudnn= and tvm=`);
  return { kind: 'explicit', mapping };
}

/** Select rows by id (all when `ids` is undefined). */
export function selectRows(ids: readonly string[] | undefined): Table1Row[] {
  if (!ids) return [...TABLE1_ROWS];
  return ids.map((id) => {
    const row = TABLE1_ROWS.find((r) => r.id === id);
    if (!row) {
      throw new ConfigError(`unknown row '${id}'`, `rows: ${TABLE1_ROWS.map((r) => r.id).join(', ')}`);
    }
    return row;
  });
}
