import { availableParallelism } from 'node:os';

/**
 * The environment that fixes how a measured process uses the CPUs, so a run never changes what it measures
 * with the machine's load:
 * - `UNET3D_CPU_LOAD_GUARD=0`: the CPU device's native ops keep their whole OpenMP team instead of dropping to
 *   one thread while the load average is high (team() in @unet3d/cpu's kernels/prelude.ts). A busy machine is
 *   then measured as a busy machine (and the row's quietness says so), not as a different program.
 * - `OMP_NUM_THREADS`: the thread count as given, else every CPU this process may run on; `OMP_DYNAMIC=false`
 *   so the OpenMP runtime may not shrink a team by itself. The CPU device's describe() records both (threads,
 *   loadGuard) in the row's details.
 */
export function measuredProcessEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const given = Number(env.OMP_NUM_THREADS);
  const threads = Number.isInteger(given) && given >= 1 ? given : availableParallelism();
  return { UNET3D_CPU_LOAD_GUARD: '0', OMP_NUM_THREADS: String(threads), OMP_DYNAMIC: 'false' };
}
