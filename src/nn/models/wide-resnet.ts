// WideResNet-34-10 (the TRADES/RobustBench layout): keys conv1, block1.layer.N.{bn1,conv1,bn2,conv2,convShortcut}, …,
// bn1, fc. Includes the unused `sub_block1` of that layout so its checkpoints load as they are.
import { F, Tensor, noGrad } from '../../engine';
import { BatchNorm2d, Conv2d, Linear } from '../layers';
import { Module, chain } from '../module';

/** That layout's initialisation: conv weights ~ N(0, 2/(k·k·out)), linear bias 0. */
function heNormal(conv: Conv2d, k: number, out: number): Conv2d {
  noGrad(() => conv.stateDict().get('weight')!.normal_(0, Math.sqrt(2 / (k * k * out))));
  return conv;
}

class BasicBlock extends Module {
  private readonly bn1: BatchNorm2d;
  private readonly conv1: Conv2d;
  private readonly bn2: BatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly convShortcut?: Conv2d;
  private readonly equalInOut: boolean;
  constructor(inPlanes: number, outPlanes: number, stride: number) {
    super();
    this.equalInOut = inPlanes === outPlanes;
    this.bn1 = this.child('bn1', new BatchNorm2d(inPlanes));
    this.conv1 = this.child('conv1', heNormal(new Conv2d(inPlanes, outPlanes, 3, { stride, padding: 1, bias: false }), 3, outPlanes));
    this.bn2 = this.child('bn2', new BatchNorm2d(outPlanes));
    this.conv2 = this.child('conv2', heNormal(new Conv2d(outPlanes, outPlanes, 3, { padding: 1, bias: false }), 3, outPlanes));
    if (!this.equalInOut) {
      this.convShortcut = this.child('convShortcut', heNormal(new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false }), 1, outPlanes));
    }
  }
  forward(x: Tensor): Tensor {
    const a = this.bn1.forward(x).relu();
    const h = this.conv2.forward(this.bn2.forward(this.conv1.forward(a)).relu());
    return h.add(this.convShortcut ? this.convShortcut.forward(a) : x);
  }
}

class NetworkBlock extends Module {
  private readonly blocks: BasicBlock[] = [];
  constructor(n: number, inPlanes: number, outPlanes: number, stride: number) {
    super();
    const layer = this.child('layer', new BlockList());
    for (let i = 0; i < n; i++) this.blocks.push(layer.add(new BasicBlock(i === 0 ? inPlanes : outPlanes, outPlanes, i === 0 ? stride : 1)));
  }
  forward(x: Tensor): Tensor {
    return chain(x, this.blocks);
  }
}

class BlockList extends Module {
  private n = 0;
  add<M extends Module>(m: M): M {
    return this.child(String(this.n++), m);
  }
  forward(): Tensor {
    throw new Error('BlockList is a container');
  }
}

export class WideResNet extends Module {
  private readonly conv1: Conv2d;
  private readonly blocks: NetworkBlock[];
  private readonly bn1: BatchNorm2d;
  private readonly fc: Linear;
  constructor(o: { depth?: number; widen?: number; numClasses?: number; inChannels?: number; subBlock1?: boolean } = {}) {
    super();
    const depth = o.depth ?? 34;
    const k = o.widen ?? 10;
    if ((depth - 4) % 6 !== 0) throw new Error(`WideResNet depth must be 6n+4, got ${depth}`);
    const n = (depth - 4) / 6;
    const ch = [16, 16 * k, 32 * k, 64 * k];
    this.conv1 = this.child('conv1', heNormal(new Conv2d(o.inChannels ?? 3, ch[0], 3, { padding: 1, bias: false }), 3, ch[0]));
    const b1 = this.child('block1', new NetworkBlock(n, ch[0], ch[1], 1));
    if (o.subBlock1 ?? true) this.child('sub_block1', new NetworkBlock(n, ch[0], ch[1], 1));
    this.blocks = [b1, this.child('block2', new NetworkBlock(n, ch[1], ch[2], 2)), this.child('block3', new NetworkBlock(n, ch[2], ch[3], 2))];
    this.bn1 = this.child('bn1', new BatchNorm2d(ch[3]));
    this.fc = this.child('fc', new Linear(ch[3], o.numClasses ?? 10));
    noGrad(() => this.fc.stateDict().get('bias')!.zero_());
  }
  forward(x: Tensor): Tensor {
    const h = chain(x, [this.conv1, ...this.blocks]);
    return this.fc.forward(F.adaptiveAvgPool2d(this.bn1.forward(h).relu(), 1).flatten(1));
  }
}
