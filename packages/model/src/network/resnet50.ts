/**
 * ResNet-50 (He et al., torchvision v1.5 layout: the stride sits in each bottleneck's 3×3 conv) as a flat list
 * of 2-D convolutions at 224×224, batch 1, for the paper's Figure 4 (FLOP per layer of a 2-D ResNet vs the
 * 3-D U-Net). Batch norm, ReLU, pooling and the residual adds are left out, as in the figure.
 */
export interface Conv2dLayer {
  /** torchvision-style name, e.g. 'layer2.0.conv2', 'layer2.0.downsample', 'fc'. */
  readonly name: string;
  readonly cin: number;
  readonly cout: number;
  readonly kernel: number;
  readonly stride: number;
  readonly outH: number;
  readonly outW: number;
}

/** Forward multiply-accumulates of a 2-D conv layer for a batch: N·cout·outH·outW·cin·k². */
export function conv2dMacs(layer: Conv2dLayer, batch = 1): number {
  return batch * layer.cout * layer.outH * layer.outW * layer.cin * layer.kernel * layer.kernel;
}

const STAGES = [
  { blocks: 3, width: 64 },
  { blocks: 4, width: 128 },
  { blocks: 6, width: 256 },
  { blocks: 3, width: 512 },
] as const;

/** ResNet-50's convolutions (and the classifier as a 1×1 conv on the pooled 1×1 map) in execution order. */
export function resnet50Conv2dLayers(imageSize = 224): Conv2dLayer[] {
  const layers: Conv2dLayer[] = [];
  let size = imageSize / 2; // conv1, stride 2
  layers.push({ name: 'conv1', cin: 3, cout: 64, kernel: 7, stride: 2, outH: size, outW: size });
  size /= 2; // 3×3 max pool, stride 2
  let cin = 64;
  STAGES.forEach((stage, s) => {
    const cout = stage.width * 4;
    for (let b = 0; b < stage.blocks; b++) {
      const stride = b === 0 && s > 0 ? 2 : 1;
      const inSize = size;
      const outSize = inSize / stride;
      const p = `layer${s + 1}.${b}`;
      const w = stage.width;
      layers.push({ name: `${p}.conv1`, cin, cout: w, kernel: 1, stride: 1, outH: inSize, outW: inSize });
      layers.push({ name: `${p}.conv2`, cin: w, cout: w, kernel: 3, stride, outH: outSize, outW: outSize });
      layers.push({ name: `${p}.conv3`, cin: w, cout, kernel: 1, stride: 1, outH: outSize, outW: outSize });
      if (b === 0) {
        layers.push({ name: `${p}.downsample`, cin, cout, kernel: 1, stride, outH: outSize, outW: outSize });
      }
      cin = cout;
      size = outSize;
    }
  });
  layers.push({ name: 'fc', cin, cout: 1000, kernel: 1, stride: 1, outH: 1, outW: 1 });
  return layers;
}
