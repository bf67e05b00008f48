import { ConfigError } from '@unet3d/core';
import { CANDIDATE_BACKENDS, type PaperImplementation } from '@unet3d/paper';
import { knownBackendNames } from '../../backends.js';
import { TABLE1_ROWS, type Table1Row } from './table1-rows.js';

/** For each of the paper's implementations, the backends a row tries in order. */
export type CandidatePlan = Readonly<Record<PaperImplementation, readonly string[]>>;

export interface BackendsOption {
  readonly kind: 'auto' | 'explicit';
  readonly candidates: CandidatePlan;
}

/**
 * Parse `--backends`:
 *   auto                          each row tries its implementation's candidates (@unet3d/paper
 *                                 CANDIDATE_BACKENDS): the paper's GPU backend first, the CPU one last
 *   onnxruntime                   one backend for every row
 *   cudnn=cudnn,tvm=onnxruntime   per paper implementation (keys: cudnn, tvm)
 */
export function parseBackendsOption(value: string): BackendsOption {
  const v = value.trim();
  if (v === 'auto') return { kind: 'auto', candidates: CANDIDATE_BACKENDS };
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
    return { kind: 'explicit', candidates: { 'pytorch-cudnn': [name], tvm: [name] } };
  }
  const candidates: Partial<Record<PaperImplementation, readonly string[]>> = {};
  for (const part of v.split(',')) {
    const [key, name, ...rest] = part.split('=').map((s) => s.trim());
    const impl = key === 'cudnn' ? 'pytorch-cudnn' : key === 'tvm' ? 'tvm' : undefined;
    if (!impl || !name || rest.length) {
      throw new ConfigError(
        `malformed --backends entry '${part}'`,
        'use e.g. cudnn=cudnn,tvm=tvm (keys: cudnn, tvm)',
      );
    }
    candidates[impl] = [check(name)];
  }
  const cudnn = candidates['pytorch-cudnn'];
  const tvm = candidates.tvm;
  if (!cudnn || !tvm) throw new ConfigError(`--backends '${value}' must map both cudnn= and tvm=`);
  return { kind: 'explicit', candidates: { 'pytorch-cudnn': cudnn, tvm } };
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
