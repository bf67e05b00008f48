import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** The commit an offline bundle was built from (BUILD-INFO.json beside the bundle's entry), if any. */
function bundleBuildInfo(): { commit: string | null; dirty: boolean | null } | null {
  const entry = process.argv[1];
  if (!entry) return null;
  try {
    const info = JSON.parse(readFileSync(join(dirname(entry), 'BUILD-INFO.json'), 'utf8')) as {
      gitCommit?: string;
      gitDirty?: boolean;
    };
    const commit = info.gitCommit && /^[0-9a-f]{7,40}$/.test(info.gitCommit) ? info.gitCommit : null;
    return { commit, dirty: info.gitDirty ?? null };
  } catch {
    return null;
  }
}

/** Git commit and dirtiness of the working tree the bench runs from (or the bundle's build; else null). */
export async function gitState(): Promise<{ commit: string | null; dirty: boolean | null }> {
  const head = await execa('git', ['rev-parse', 'HEAD'], { reject: false }).catch(() => null);
  if (head?.exitCode !== 0 || !head) return bundleBuildInfo() ?? { commit: null, dirty: null };
  const status = await execa('git', ['status', '--porcelain', '--untracked-files=no'], { reject: false });
  return { commit: head.stdout.trim(), dirty: status.exitCode === 0 ? status.stdout.trim() !== '' : null };
}

function findPackageJson(fileUrl: string): { name: string; version: string } | null {
  let dir = dirname(fileURLToPath(fileUrl));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name && pkg.version) return { name: pkg.name, version: pkg.version };
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  return null;
}

const OUR_PACKAGES = [
  '@unet3d/core',
  '@unet3d/flops',
  '@unet3d/model',
  '@unet3d/paper',
  '@unet3d/train',
  '@unet3d/data',
  '@unet3d/cpu',
  '@unet3d/results',
  '@unet3d/report',
] as const;

/** Versions of our packages, found by resolving each one and reading its package.json. */
export function packageVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  const self = findPackageJson(import.meta.url);
  if (self) out[self.name] = self.version;
  for (const name of OUR_PACKAGES) {
    try {
      const pkg = findPackageJson(import.meta.resolve(name));
      if (pkg) out[pkg.name] = pkg.version;
    } catch {
      // not resolvable from here (e.g. inside a bundle): the bundle's own version stands for all
    }
  }
  return out;
}

export function hostInfo() {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    cores: Math.max(1, cpus.length),
    memoryBytes: os.totalmem(),
  };
}
