import { LibraryNotFoundError } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { fakeProbe } from '../testing/fake-probe.js';
import type { LibraryHandle } from './koffi.js';
import { loadLibrary } from './library-loader.js';
import { CUDNN_LIBRARY, NVRTC_LIBRARY } from './library-specs.js';

const fakeHandle = {} as LibraryHandle;

describe('loadLibrary', () => {
  it('fails with LibraryNotFoundError naming the library, the places searched and how to point to it', () => {
    const probe = fakeProbe(['/broken/libcudnn.so.9'], { env: { UNET3D_CUDNN_LIB_DIR: '/broken' } });
    const open = (p: string): LibraryHandle => {
      throw new Error(`cannot open ${p}`);
    };
    let err: unknown;
    try {
      loadLibrary(CUDNN_LIBRARY, { libraryDirs: { cudnn: '/opt/x' } }, probe, open);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LibraryNotFoundError);
    const e = err as LibraryNotFoundError;
    expect(e.library).toContain('libcudnn.so.9');
    expect(e.searched).toContain('/opt/x (option)');
    expect(e.searched).toContain('/broken ($UNET3D_CUDNN_LIB_DIR)');
    expect(e.searched).toContain('ldconfig -p');
    expect(e.searched.some((s) => s.startsWith('failed to open /broken/libcudnn.so.9: cannot open'))).toBe(
      true,
    );
    expect(e.hint).toMatch(/UNET3D_CUDNN_LIB_DIR/);
    expect(e.hint).toMatch(/pip install nvidia-cudnn/);
    expect(e.toOneLine()).toMatch(/cuDNN 9 \(libcudnn\.so\.9\) not found \(searched: .*\/opt\/x/);
  });

  it('opens the first candidate that loads and preloads its companions', () => {
    const dir = '/site/nvidia/cudnn/lib';
    const probe = fakeProbe([
      `${dir}/libcudnn.so.9`,
      `${dir}/libcudnn_graph.so.9`,
      `${dir}/libcudnn_cnn.so.9`,
    ]);
    const opened: string[] = [];
    const lib = loadLibrary(CUDNN_LIBRARY, { libraryDirs: { cudnn: dir } }, probe, (p) => {
      opened.push(p);
      if (p.endsWith('cnn.so.9')) throw new Error('needs libcublasLt.so.12');
      return fakeHandle;
    });
    expect(lib.path).toBe(`${dir}/libcudnn.so.9`);
    expect(lib.source).toBe('option');
    expect(lib.companions).toEqual([`${dir}/libcudnn_graph.so.9`]);
    expect(lib.companionFailures[0]).toMatch(/libcudnn_cnn\.so\.9: needs libcublasLt/);
    expect(opened[0]).toBe(`${dir}/libcudnn.so.9`);
  });

  it('an explicit file wins over everything', () => {
    const probe = fakeProbe(['/a/libnvrtc.so.13', '/b/libnvrtc.so.13'], {
      env: { UNET3D_NVRTC_LIB_DIR: '/a' },
    });
    const lib = loadLibrary(
      NVRTC_LIBRARY,
      { libraryFiles: { nvrtc: '/b/libnvrtc.so.13' } },
      probe,
      () => fakeHandle,
    );
    expect(lib.path).toBe('/b/libnvrtc.so.13');
  });

  it('on this machine, loading cuDNN for real either works or fails cleanly', () => {
    try {
      loadLibrary(CUDNN_LIBRARY);
    } catch (e) {
      expect(e).toBeInstanceOf(LibraryNotFoundError);
      expect((e as LibraryNotFoundError).message).toMatch(/libcudnn\.so\.9/);
    }
  });
});
