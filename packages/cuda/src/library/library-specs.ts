/** What to look for when loading one of the CUDA shared libraries. */
export interface LibrarySpec {
  /** Key used in options (`libraryDirs.cudnn`) and in messages. */
  readonly id: LibraryId;
  /** Human-readable name, e.g. "cuDNN 9 (libcudnn.so.9)". */
  readonly displayName: string;
  /** File names to try, best first (newest ABI first). */
  readonly sonames: readonly string[];
  /** Environment variables holding a directory to search first (read only inside the finder). */
  readonly envVars: readonly string[];
  /** Folders relative to a Python site-packages directory where pip wheels put the library. */
  readonly pipSubdirs: readonly string[];
  /** Folders relative to a CUDA toolkit root (CUDA_HOME, /usr/local/cuda-13.0, ...). */
  readonly toolkitSubdirs: readonly string[];
  /** Companion libraries in the same folder that the library `dlopen`s by name at run time (globs `*`). */
  readonly companions: readonly string[];
  /** How to get it, for the error message. */
  readonly installHint: string;
  /** What to do when the library loaded but lacks a symbol we bind (it is older than we need). */
  readonly missingSymbolHint: string;
}

export type LibraryId = 'cuda' | 'nvrtc' | 'cudnn';

export const CUDA_DRIVER_LIBRARY: LibrarySpec = {
  id: 'cuda',
  displayName: 'CUDA driver (libcuda.so.1)',
  sonames: ['libcuda.so.1', 'libcuda.so'],
  envVars: ['UNET3D_CUDA_LIB_DIR'],
  pipSubdirs: [],
  // Never the toolkit's lib64/stubs: the stub loads but every call fails with CUDA_ERROR_STUB_LIBRARY.
  toolkitSubdirs: ['compat'],
  companions: [],
  installHint:
    'libcuda.so.1 comes with the NVIDIA driver, not the toolkit: install the driver (nvidia-smi must work), ' +
    'or pass { libraryDirs: { cuda: DIR } } / set UNET3D_CUDA_LIB_DIR=DIR to the folder holding libcuda.so.1',
  missingSymbolHint:
    'that libcuda is older than CUDA 12 (or a stub): update the NVIDIA driver (nvidia-smi shows its version), ' +
    'or set UNET3D_CUDA_LIB_DIR=DIR to the folder of the real driver libcuda.so.1 (usually /usr/lib/x86_64-linux-gnu)',
};

export const NVRTC_LIBRARY: LibrarySpec = {
  id: 'nvrtc',
  displayName: 'NVRTC (libnvrtc.so.13 / .12)',
  sonames: ['libnvrtc.so.13', 'libnvrtc.so.12', 'libnvrtc.so'],
  envVars: ['UNET3D_NVRTC_LIB_DIR', 'UNET3D_CUDA_LIB_DIR'],
  pipSubdirs: ['nvidia/cu13/lib', 'nvidia/cuda_nvrtc/lib'],
  toolkitSubdirs: ['lib64', 'lib', 'targets/x86_64-linux/lib', 'targets/sbsa-linux/lib'],
  companions: ['libnvrtc-builtins.so.*'],
  installHint:
    'install the CUDA toolkit (it ships lib64/libnvrtc.so.13) or `pip install nvidia-cuda-nvrtc` beside a python3, ' +
    'or pass { libraryDirs: { nvrtc: DIR } } / set UNET3D_NVRTC_LIB_DIR=DIR',
  missingSymbolHint:
    'that NVRTC is older than 12.0: set UNET3D_NVRTC_LIB_DIR=DIR to the folder of libnvrtc.so.13 or .12 ' +
    '(a CUDA toolkit lib64/, or site-packages/nvidia/cu13/lib after `pip install nvidia-cuda-nvrtc`)',
};

export const CUDNN_LIBRARY: LibrarySpec = {
  id: 'cudnn',
  displayName: 'cuDNN 9 (libcudnn.so.9)',
  sonames: ['libcudnn.so.9', 'libcudnn.so'],
  envVars: ['UNET3D_CUDNN_LIB_DIR'],
  // nvidia-cudnn-cu12 and nvidia-cudnn-cu13 both install into site-packages/nvidia/cudnn/lib.
  pipSubdirs: ['nvidia/cudnn/lib'],
  toolkitSubdirs: ['lib64', 'lib', 'targets/x86_64-linux/lib'],
  // cuDNN 9 dlopens these by name; preloading them by full path lets dlopen find them by soname.
  companions: [
    'libcudnn_graph.so.9',
    'libcudnn_engines_precompiled.so.9',
    'libcudnn_engines_runtime_compiled.so.9',
    'libcudnn_engines_tensor_ir.so.9',
    'libcudnn_ext.so.9',
    'libcudnn_heuristic.so.9',
    'libcudnn_ops.so.9',
    'libcudnn_cnn.so.9',
    'libcudnn_adv.so.9',
  ],
  installHint:
    '`pip install nvidia-cudnn-cu12` (or -cu13) beside a python3, or install the cuDNN 9 package, ' +
    'or pass { libraryDirs: { cudnn: DIR } } / set UNET3D_CUDNN_LIB_DIR=DIR to the folder holding libcudnn.so.9; ' +
    'child processes also need DIR on LD_LIBRARY_PATH (see cudaChildEnv())',
  missingSymbolHint:
    'that libcudnn is not cuDNN 9: set UNET3D_CUDNN_LIB_DIR=DIR to the folder of libcudnn.so.9 ' +
    '(e.g. site-packages/nvidia/cudnn/lib after `pip install nvidia-cudnn-cu13`)',
};

export const LIBRARY_SPECS: Readonly<Record<LibraryId, LibrarySpec>> = {
  cuda: CUDA_DRIVER_LIBRARY,
  nvrtc: NVRTC_LIBRARY,
  cudnn: CUDNN_LIBRARY,
};
