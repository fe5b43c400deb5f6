// ResNet-18 (He et al. 2016, BasicBlock), the network of the paper's Tiny-ImageNet experiment (App. C.1;
// docs/methods.md#resnet-18). torchvision's layout and key names (conv1, bn1, layer1.0.conv1, …, downsample.0/1, fc)
// with the usual small-image stem: a 3×3 stride-1 conv1 and no max-pool, then a global average pool, so 64×64
// inputs reach layer4 at 8×8 (32×32 at 4×4). Default PyTorch layer initialisation.
import { F, Tensor, tidy } from '../../engine';
import { BatchNorm2d, Conv2d, Linear } from '../layers';
import { Module, Sequential } from '../module';

/** conv3×3 → BN → ReLU → conv3×3 → BN, plus x or downsample(x) (1×1 conv + BN when the shape changes), then ReLU. */
export class BasicBlock extends Module {
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly bn2: BatchNorm2d;
  private readonly downsample?: Sequential;
  constructor(inPlanes: number, planes: number, stride: number) {
    super();
    // torchvision builds the downsample branch before the block: the same order draws the same seeded weights.
    const down = stride !== 1 || inPlanes !== planes ? new Sequential(new Conv2d(inPlanes, planes, 1, { stride, bias: false }), new BatchNorm2d(planes)) : undefined;
    this.conv1 = this.child('conv1', new Conv2d(inPlanes, planes, 3, { stride, padding: 1, bias: false }));
    this.bn1 = this.child('bn1', new BatchNorm2d(planes));
    this.conv2 = this.child('conv2', new Conv2d(planes, planes, 3, { padding: 1, bias: false }));
    this.bn2 = this.child('bn2', new BatchNorm2d(planes));
    if (down) this.downsample = this.child('downsample', down);
  }
  forward(x: Tensor): Tensor {
    return tidy(() => {
      const h = this.bn2.forward(this.conv2.forward(this.bn1.forward(this.conv1.forward(x)).relu()));
      return h.add(this.downsample ? this.downsample.forward(x) : x).relu();
    });
  }
}

export interface ResNet18Options {
  numClasses?: number;
  inChannels?: number;
}

export class ResNet18 extends Module {
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly layers: Sequential[];
  private readonly fc: Linear;
  constructor(o: ResNet18Options = {}) {
    super();
    this.conv1 = this.child('conv1', new Conv2d(o.inChannels ?? 3, 64, 3, { padding: 1, bias: false }));
    this.bn1 = this.child('bn1', new BatchNorm2d(64));
    const widths = [64, 128, 256, 512];
    this.layers = widths.map((w, i) => {
      const first = new BasicBlock(i === 0 ? 64 : widths[i - 1], w, i === 0 ? 1 : 2);
      return this.child(`layer${i + 1}`, new Sequential(first, new BasicBlock(w, w, 1)));
    });
    this.fc = this.child('fc', new Linear(512, o.numClasses ?? 10));
  }
  forward(x: Tensor): Tensor {
    return tidy(() => {
      let h = this.bn1.forward(this.conv1.forward(x)).relu();
      for (const l of this.layers) h = l.forward(h);
      return this.fc.forward(F.adaptiveAvgPool2d(h, 1).flatten(1));
    });
  }
}
