import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DataFileError, errorToOneLine, type Shape, writeFileAtomic } from '@unet3d/core';
import { TRAINER_STATE_VERSION, type TrainerState } from './executor/index.js';

/**
 * Training checkpoint file, version 1 (little-endian):
 *   8 bytes  magic "U3DCKPT\n"
 *   4 bytes  uint32 format version
 *   4 bytes  uint32 header length H
 *   H bytes  UTF-8 JSON header: { config, iteration, stateVersion, step, createdAt, tensors: [{name, shape, offset, length}] }
 *   …        float32 tensor data (offsets in elements from the start of this section)
 *   32 bytes SHA-256 of everything above
 * Written atomically: a temp file in the same folder, fsync, rename, fsync of the folder. A reader sees the
 * old file or the new one, never half of one; a damaged file fails the checksum.
 */
export const CHECKPOINT_MAGIC = 'U3DCKPT\n';
export const CHECKPOINT_FORMAT_VERSION = 1;

export interface CheckpointConfig {
  [key: string]: string | number | boolean | readonly number[] | null;
}

export interface Checkpoint {
  config: CheckpointConfig;
  /** Training iterations completed. */
  iteration: number;
  state: TrainerState;
}

interface HeaderTensor {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

export function encodeCheckpoint(ckpt: Checkpoint): Uint8Array {
  let offset = 0;
  const tensors: HeaderTensor[] = ckpt.state.tensors.map((t) => {
    const entry = { name: t.name, shape: [...t.shape], offset, length: t.data.length };
    offset += t.data.length;
    return entry;
  });
  const header = Buffer.from(
    JSON.stringify({
      config: ckpt.config,
      iteration: ckpt.iteration,
      stateVersion: ckpt.state.version,
      step: ckpt.state.step,
      createdAt: new Date().toISOString(),
      tensors,
    }),
    'utf8',
  );
  const data = new Float32Array(offset);
  for (const [i, t] of ckpt.state.tensors.entries()) data.set(t.data, tensors[i]!.offset);
  const prefix = Buffer.alloc(16);
  prefix.write(CHECKPOINT_MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(CHECKPOINT_FORMAT_VERSION, 8);
  prefix.writeUInt32LE(header.length, 12);
  const body = Buffer.concat([prefix, header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
  const digest = createHash('sha256').update(body).digest();
  return Buffer.concat([body, digest]);
}

export function decodeCheckpoint(bytes: Uint8Array, path: string): Checkpoint {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const corrupt = (why: string): DataFileError =>
    new DataFileError(
      `checkpoint ${path} is corrupt (${why})`,
      'delete it to start over, or pass another --checkpoint',
    );
  if (buf.length < 16 + 32) throw corrupt(`only ${buf.length} bytes`);
  if (buf.toString('latin1', 0, 8) !== CHECKPOINT_MAGIC) throw corrupt('not a unet3d checkpoint');
  const body = buf.subarray(0, buf.length - 32);
  const digest = createHash('sha256').update(body).digest();
  if (!digest.equals(buf.subarray(buf.length - 32))) throw corrupt('checksum mismatch');
  const version = buf.readUInt32LE(8);
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    throw new DataFileError(
      `checkpoint ${path} has format version ${version}; this build reads ${CHECKPOINT_FORMAT_VERSION}`,
      'resume with the unet3d version that wrote it, or start over',
    );
  }
  const headerLength = buf.readUInt32LE(12);
  const dataStart = 16 + headerLength;
  if (dataStart > body.length || (body.length - dataStart) % 4 !== 0) throw corrupt('bad header length');
  let header: {
    config: CheckpointConfig;
    iteration: number;
    stateVersion: number;
    step: number;
    tensors: HeaderTensor[];
  };
  try {
    header = JSON.parse(buf.toString('utf8', 16, dataStart));
  } catch (err) {
    throw corrupt(`header: ${errorToOneLine(err)}`);
  }
  const aligned = new Float32Array(new Uint8Array(body.subarray(dataStart)).buffer);
  const tensors = header.tensors.map((t) => {
    if (t.offset < 0 || t.offset + t.length > aligned.length) throw corrupt(`tensor ${t.name} out of range`);
    return { name: t.name, shape: t.shape as Shape, data: aligned.slice(t.offset, t.offset + t.length) };
  });
  return {
    config: header.config,
    iteration: header.iteration,
    state: { version: header.stateVersion ?? TRAINER_STATE_VERSION, step: header.step, tensors },
  };
}

/** Write a checkpoint atomically (core's writeFileAtomic: temp file + fsync + rename + fsync of the folder). */
export async function writeCheckpoint(path: string, ckpt: Checkpoint): Promise<void> {
  try {
    await writeFileAtomic(path, encodeCheckpoint(ckpt));
  } catch (err) {
    throw new DataFileError(
      `cannot write checkpoint ${path}: ${errorToOneLine(err)}`,
      'check the folder and free space',
      { cause: err },
    );
  }
}

/** Read a checkpoint, or undefined when the file does not exist. Corrupt files throw one-line DataFileErrors. */
export function readCheckpoint(path: string): Checkpoint | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw new DataFileError(`cannot read checkpoint ${path}: ${errorToOneLine(err)}`, undefined, {
      cause: err,
    });
  }
  return decodeCheckpoint(buf, path);
}

/** Names of config fields whose values differ (a resumed run must match the checkpoint's configuration). */
export function configDifferences(a: CheckpointConfig, b: CheckpointConfig): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}
