import { existsSync } from 'node:fs';
import { ConfigError } from '@unet3d/core';
import { execa } from 'execa';

/** The Python interpreters `bench --peer` tries, in order, when `--python` is not given; the system Python last (it rarely has torch). */
export const PEER_PYTHON_CANDIDATES: readonly string[] = [
  '/opt/torch/.venv/bin/python3',
  'python3',
  '/usr/bin/python3',
];

export interface PeerPython {
  /** The interpreter, as given or found. */
  readonly python: string;
  /** torch.__version__ */
  readonly torchVersion: string;
}

/** `python -c 'import torch; print(torch.__version__)'`: the version, or why not (one line). */
export async function probeTorch(python: string): Promise<{ version: string } | { reason: string }> {
  const r = await execa(python, ['-c', 'import torch; print(torch.__version__)'], {
    reject: false,
    timeout: 120_000,
    stdin: 'ignore',
  });
  if (r.exitCode === 0 && String(r.stdout).trim())
    return { version: String(r.stdout).trim().split('\n').at(-1)! };
  const why = (String(r.stderr).trim().split('\n').at(-1) ?? '') || r.shortMessage || 'no output';
  return { reason: why.slice(0, 200) };
}

/**
 * The Python with torch that times the peer: `--python PATH` (must import torch, else a ConfigError), else
 * the first of PEER_PYTHON_CANDIDATES that imports torch, else undefined with the reasons (one line).
 */
export async function findPeerPython(
  explicit: string | undefined,
): Promise<PeerPython | { missing: string }> {
  if (explicit !== undefined) {
    const r = await probeTorch(explicit);
    if ('reason' in r) {
      throw new ConfigError(
        `--python ${explicit} cannot import torch: ${r.reason}`,
        'give a Python that has PyTorch (pip install torch), or leave out --python',
      );
    }
    return { python: explicit, torchVersion: r.version };
  }
  const reasons: string[] = [];
  for (const python of PEER_PYTHON_CANDIDATES) {
    if (python.startsWith('/') && !existsSync(python)) {
      reasons.push(`${python}: absent`);
      continue;
    }
    const r = await probeTorch(python);
    if ('version' in r) return { python, torchVersion: r.version };
    reasons.push(`${python}: ${r.reason}`);
  }
  return { missing: reasons.join('; ') };
}
