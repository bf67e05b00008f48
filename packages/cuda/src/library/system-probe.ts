import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';

/**
 * What the library finder may ask of the system. The real probe reads the environment, the file system,
 * `ldconfig -p` and a python3's site-packages; tests pass a fake one.
 */
export interface SystemProbe {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  /**
   * Folder that the finder's fixed places (/usr/local/cuda*, /opt/*\/.venv, /usr/lib/...) are taken
   * relative to; '/' (the default when absent) in real use, a temp folder in tests.
   */
  readonly root?: string;
  exists(path: string): boolean;
  /** Entry names in `dir`, or [] when it is missing or unreadable. */
  listDir(dir: string): string[];
  /** Full paths printed by `ldconfig -p` (the dynamic loader's cache), or [] when unavailable. */
  ldconfigPaths(): string[];
  /** site-packages folders of the python3 on PATH (and its user site), or [] when no python3 runs. */
  pythonSitePackages(): string[];
}

export interface SystemProbeOptions {
  /** Python executables to ask for site-packages, default ['python3']; [] asks none. */
  pythons?: readonly string[];
  /** Environment to read, default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home folder, default os.homedir(). */
  homeDir?: string;
  /** Root for the finder's fixed places, default '/'. */
  root?: string;
  /** Whether to ask `ldconfig -p`, default true. */
  ldconfig?: boolean;
  /** Milliseconds allowed per helper process, default 5000. */
  timeoutMs?: number;
}

const SITE_SCRIPT =
  'import site, sys\n' +
  'paths = list(getattr(site, "getsitepackages", lambda: [])())\n' +
  'try:\n  paths.append(site.getusersitepackages())\nexcept Exception:\n  pass\n' +
  'paths += [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]\n' +
  'print("\\n".join(paths))\n';

/** Parse `ldconfig -p` output lines like `\tlibcudnn.so.9 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcudnn.so.9`. */
export function parseLdconfig(output: string): string[] {
  const paths: string[] = [];
  for (const line of output.split('\n')) {
    const arrow = line.indexOf('=>');
    if (arrow < 0) continue;
    const path = line.slice(arrow + 2).trim();
    if (path.startsWith('/')) paths.push(path);
  }
  return paths;
}

/** The real system, read lazily (each helper process runs at most once per probe). */
export function createSystemProbe(options: SystemProbeOptions = {}): SystemProbe {
  const timeout = options.timeoutMs ?? 5000;
  let ldconfig: string[] | undefined;
  let site: string[] | undefined;
  const run = (cmd: string, args: string[]): string | undefined => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return undefined;
    }
  };
  return {
    env: options.env ?? process.env,
    homeDir: options.homeDir ?? os.homedir(),
    root: options.root ?? '/',
    exists: (p) => existsSync(p),
    listDir(dir) {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
    ldconfigPaths() {
      if (ldconfig) return ldconfig;
      if (options.ldconfig === false) {
        ldconfig = [];
        return ldconfig;
      }
      const out = run('ldconfig', ['-p']) ?? run('/sbin/ldconfig', ['-p']) ?? '';
      ldconfig = parseLdconfig(out);
      return ldconfig;
    },
    pythonSitePackages() {
      if (site) return site;
      const found: string[] = [];
      for (const py of options.pythons ?? ['python3']) {
        const out = run(py, ['-c', SITE_SCRIPT]);
        if (out)
          found.push(
            ...out
              .split('\n')
              .map((s) => s.trim())
              .filter((s) => s.startsWith('/')),
          );
      }
      site = [...new Set(found)];
      return site;
    },
  };
}
