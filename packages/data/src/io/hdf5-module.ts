import type * as H5 from 'h5wasm';

type H5Module = typeof H5;

let loading: Promise<H5Module> | undefined;

/**
 * h5wasm's Node build (HDF5 compiled to WebAssembly with Emscripten's raw file system: files are read from
 * and written to disk by offset, never copied whole into memory), loaded on first use so code that never
 * touches HDF5 does not pay for the module. HDF5's error stack is turned into thrown errors instead of
 * diagnostics printed on stderr.
 */
export function loadH5wasm(): Promise<H5Module> {
  loading ??= (async () => {
    const h5 = (await import('h5wasm/node')) as unknown as { default: H5Module };
    const module = await h5.default.ready;
    (module as unknown as { activate_throwing_error_handler(): void }).activate_throwing_error_handler();
    return h5.default;
  })();
  return loading;
}
