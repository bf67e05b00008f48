/**
 * koffi, loaded on first use rather than at import (so importing @unet3d/cuda never throws where koffi's native
 * module has no prebuild for this platform). One loader for the whole project: `@unet3d/native`'s.
 */
export {
  getKoffi,
  type Koffi,
  type KoffiLibrary as LibraryHandle,
  type NativeFunction as KoffiFunction,
} from '@unet3d/native';
