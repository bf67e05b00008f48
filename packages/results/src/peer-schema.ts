import { z } from 'zod';

const nonNegative = z.number().nonnegative();

/**
 * The same row timed in the same run by a framework peer (`unet3d bench --peer`: the PyTorch peer,
 * scripts/pytorch-peer/train_step.py, same network, patch, batch, math mode, and — on a CPU — threads),
 * right after our row. Raw samples are stored; medianMs is their median (checked by the loader).
 */
export const PeerTimingSchema = z.object({
  /** The framework, e.g. 'pytorch'. */
  implementation: z.string().min(1),
  /** Its version, e.g. torch.__version__ ('1.13.1', '2.11.0+cu130'). */
  version: z.string().min(1),
  device: z.enum(['cpu', 'cuda']),
  deviceName: z.string().min(1),
  /** Intra-op threads the peer used (torch.get_num_threads()). */
  threads: z.number().int().positive(),
  mathMode: z.string().min(1),
  warmupIterations: z.number().int().nonnegative(),
  /** Every timed iteration, ms, in the order measured. */
  samplesMs: z.array(nonNegative).min(1),
  medianMs: nonNegative,
  /** The peer's own report (cuDNN/CUDA versions, parameters, last loss, peak memory, ...). */
  details: z.record(z.string(), z.unknown()).default({}),
});

export type PeerTiming = z.infer<typeof PeerTimingSchema>;
export type PeerTimingInput = z.input<typeof PeerTimingSchema>;
