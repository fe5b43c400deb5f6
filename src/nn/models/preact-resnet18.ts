// PreActResNet-18 (docs/methods.md#preactresnet-18): 11,172,170 parameters for 10 classes; keys conv1.weight, layer1.0.bn1.*, …, bn.*, linear.*.
import { F, Tensor } from '../../engine';
import { BatchNorm2d, Conv2d, Linear } from '../layers';
import { Module, chain } from '../module';

/** bn1 → relu → conv1 → bn2 → relu → conv2, plus a shortcut (1×1 conv of the pre-activation when the shape changes). */
export class PreActBlock extends Module {
  private readonly bn1: BatchNorm2d;
  private readonly conv1: Conv2d;
  private readonly bn2: BatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly shortcut?: Conv2d;
  constructor(inPlanes: number, planes: number, stride: number) {
    super();
    this.bn1 = this.child('bn1', new BatchNorm2d(inPlanes));
    this.conv1 = this.child('conv1', new Conv2d(inPlanes, planes, 3, { stride, padding: 1, bias: false }));
    this.bn2 = this.child('bn2', new BatchNorm2d(planes));
    this.conv2 = this.child('conv2', new Conv2d(planes, planes, 3, { padding: 1, bias: false }));
    if (stride !== 1 || inPlanes !== planes) {
      this.shortcut = this.child('shortcut', new Sequential1x1(inPlanes, planes, stride)).conv;
    }
  }
  forward(x: Tensor): Tensor {
    const a = this.bn1.forward(x).relu();
    const sc = this.shortcut ? this.shortcut.forward(a) : x;
    const h = this.conv1.forward(a);
    return this.conv2.forward(this.bn2.forward(h).relu()).add(sc);
  }
}

/** nn.Sequential(Conv2d 1×1) so the key reads shortcut.0.weight, as in PyTorch. */
class Sequential1x1 extends Module {
  readonly conv: Conv2d;
  constructor(inPlanes: number, planes: number, stride: number) {
    super();
    this.conv = this.child('0', new Conv2d(inPlanes, planes, 1, { stride, bias: false }));
  }
  forward(x: Tensor): Tensor {
    return this.conv.forward(x);
  }
}

class Layer extends Module {
  private readonly blocks: PreActBlock[];
  constructor(inPlanes: number, planes: number, stride: number) {
    super();
    this.blocks = [this.child('0', new PreActBlock(inPlanes, planes, stride)), this.child('1', new PreActBlock(planes, planes, 1))];
  }
  forward(x: Tensor): Tensor {
    return chain(x, this.blocks);
  }
}

export interface PreActResNetOptions {
  numClasses?: number;
  inChannels?: number;
  /** 'fixed4' = avg_pool2d(4) as in the original (32×32 input); 'global' = adaptive average pool (any input size). */
  pool?: 'fixed4' | 'global';
  /** false: FRL's variant, layer4 straight to the pool, no final BatchNorm + ReLU (docs/methods.md#frl). Default true. */
  finalBn?: boolean;
}

export class PreActResNet18 extends Module {
  private readonly conv1: Conv2d;
  private readonly layers: Layer[];
  private readonly bn?: BatchNorm2d;
  private readonly linear: Linear;
  private readonly pool: 'fixed4' | 'global';
  constructor(o: PreActResNetOptions = {}) {
    super();
    this.pool = o.pool ?? 'fixed4';
    this.conv1 = this.child('conv1', new Conv2d(o.inChannels ?? 3, 64, 3, { padding: 1, bias: false }));
    this.layers = [
      this.child('layer1', new Layer(64, 64, 1)),
      this.child('layer2', new Layer(64, 128, 2)),
      this.child('layer3', new Layer(128, 256, 2)),
      this.child('layer4', new Layer(256, 512, 2)),
    ];
    if (o.finalBn !== false) this.bn = this.child('bn', new BatchNorm2d(512));
    this.linear = this.child('linear', new Linear(512, o.numClasses ?? 10));
  }
  forward(x: Tensor): Tensor {
    const h = chain(x, [this.conv1, ...this.layers]);
    const r = this.bn ? this.bn.forward(h).relu() : h;
    const p = this.pool === 'global' ? F.adaptiveAvgPool2d(r, 1) : F.avgPool2d(r, 4);
    return this.linear.forward(p.flatten(1));
  }
}
