/** The bundle's entry file, launcher and read-me names. */
export const ENTRY_FILE = 'unet3d.mjs';
export const LAUNCHER_FILE = 'unet3d';
export const README_FILE = 'README.txt';
export const BUILD_INFO_FILE = 'BUILD-INFO.json';

/** The minimum Node major version the bundle targets (esbuild target node20). */
export const MIN_NODE_MAJOR = 20;

/**
 * A POSIX sh launcher: finds the folder it lives in (through symlinks), picks `$UNET3D_NODE` or the `node`
 * on PATH, checks its version, and execs the bundle with the same arguments. No bashisms, no other tools.
 */
export function launcherScript(): string {
  return `#!/bin/sh
# unet3d launcher: runs the bundled CLI with a Node.js >= ${MIN_NODE_MAJOR} binary.
# Node is $UNET3D_NODE if set, else the first \`node\` on PATH.
set -e
self="$0"
while [ -h "$self" ]; do
  link=$(readlink "$self")
  case "$link" in
    /*) self="$link" ;;
    *) self="$(dirname "$self")/$link" ;;
  esac
done
here=$(cd "$(dirname "$self")" && pwd)
node_bin="\${UNET3D_NODE:-node}"
if ! command -v "$node_bin" >/dev/null 2>&1; then
  echo "unet3d: error: no Node.js binary found (looked for '$node_bin'); put node >= ${MIN_NODE_MAJOR} on PATH or set UNET3D_NODE" >&2
  exit 127
fi
major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt ${MIN_NODE_MAJOR} ]; then
  echo "unet3d: error: Node.js $("$node_bin" --version) is too old; this bundle needs node >= ${MIN_NODE_MAJOR}" >&2
  exit 1
fi
exec "$node_bin" "$here/${ENTRY_FILE}" "$@"
`;
}

export interface ReadmeInfo {
  commit: string;
  dirty: boolean;
  builtAt: string;
  packages: ReadonlyArray<{ name: string; version: string }>;
}

export function readmeText(info: ReadmeInfo): string {
  const pkgs = info.packages.map((p) => `        ${p.name}@${p.version}`).join('\n');
  return `unet3d: offline bundle of the unet3d-bench CLI
================================================

Built ${info.builtAt} from commit ${info.commit}${info.dirty ? ' (with uncommitted changes)' : ''}.

Use
---
Copy this whole folder to the GPU node (scp -r, rsync -a, or a tarball), then:

    ./unet3d --help
    ./unet3d flops --model strided
    ./unet3d verify --backend onnxruntime
    ./unet3d bench

It needs only a Node.js >= ${MIN_NODE_MAJOR} binary: no package manager, no internet, no repository
checkout. The launcher uses $UNET3D_NODE if set, otherwise \`node\` from PATH; running
\`node unet3d.mjs ...\` directly is the same thing. Run it from any working directory; results
go where the command's flags say (relative paths are relative to your working directory).

Platform
--------
Linux x64 with glibc only: the native modules copied here are the linux-x64 builds of
koffi (FFI to libcuda / NVRTC / cuDNN), onnxruntime-node (the CPU convolution backend) and
resvg (figure rendering). Other platforms need a bundle built there (pnpm bundle).

CUDA and cuDNN
--------------
Nothing from CUDA is bundled. The CUDA device loads the NVIDIA driver (libcuda.so.1), NVRTC
(libnvrtc.so.13/.12) and cuDNN 9 (libcudnn.so.9) at run time through koffi, searching, best first:
UNET3D_CUDA_LIB_DIR / UNET3D_NVRTC_LIB_DIR / UNET3D_CUDNN_LIB_DIR (a folder each), LD_LIBRARY_PATH
and \`ldconfig -p\`, CUDA_HOME / CUDA_PATH, /usr/local/cuda and /usr/local/cuda-*, pip \`nvidia-*\`
wheels beside a python3 (e.g. \`pip install nvidia-cudnn-cu12\`), then the system lib folders.
Check with \`./unet3d verify --backend cudnn\` on the GPU node.

Layout
------
    unet3d           launcher (POSIX sh)
    unet3d.mjs       the CLI and all its pure-JavaScript dependencies, bundled by esbuild
    cpu-measure-child.mjs, cuda-measure-child.mjs
                     the tuner's measure workers (\`unet3d tune\` starts them as child processes)
    node_modules/    the packages with native code, as npm shipped them (linux-x64 binaries only):
${pkgs}
    BUILD-INFO.json  commit, build time and package versions of this bundle

The bench command runs each table row in a child process of the same Node binary and the same
unet3d.mjs, so keep the folder together.
`;
}
