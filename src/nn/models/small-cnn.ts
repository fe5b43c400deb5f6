// SmallCNN for 28×28×1 inputs: four unpadded 3×3 convs with two max-pools, then 1024→200→200→K; keys conv1…conv4, fc1…fc3.
import { F, Tensor } from '../../engine';
import { Conv2d, Linear } from '../layers';
import { Module } from '../module';

export class SmallCNN extends Module {
  private readonly convs: Conv2d[];
  private readonly fcs: Linear[];
  constructor(o: { numClasses?: number; inChannels?: number; inputSize?: number } = {}) {
    super();
    const c = o.inChannels ?? 1;
    const side = Math.floor((Math.floor(((o.inputSize ?? 28) - 4) / 2) - 4) / 2);
    this.convs = [
      this.child('conv1', new Conv2d(c, 32, 3)),
      this.child('conv2', new Conv2d(32, 32, 3)),
      this.child('conv3', new Conv2d(32, 64, 3)),
      this.child('conv4', new Conv2d(64, 64, 3)),
    ];
    this.fcs = [
      this.child('fc1', new Linear(64 * side * side, 200)),
      this.child('fc2', new Linear(200, 200)),
      this.child('fc3', new Linear(200, o.numClasses ?? 10)),
    ];
  }
  forward(x: Tensor): Tensor {
    let h = x;
    for (let i = 0; i < 4; i++) {
      h = this.convs[i].forward(h);
      // Pooling before the ReLU gives the same values and gradients (ReLU is monotone) for a quarter of its work.
      if (i % 2 === 1) h = F.maxPool2d(h, 2);
      h = h.relu();
    }
    h = this.fcs[0].forward(h.flatten(1)).relu();
    h = this.fcs[1].forward(h).relu();
    return this.fcs[2].forward(h);
  }
}
