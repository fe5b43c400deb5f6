// A model plug-in: `cfa train --arch examples/my-net.js` and `cfa eval --arch examples/my-net.js` build their
// network with this file. It exports one function from {numClasses, inChannels, inputSize} to a Module; the second
// argument holds cfa's tensor engine and layers ({engine, nn}), so the file needs no require. The run records the
// file's absolute path in config.json, and resuming or evaluating the run loads it again.
'use strict';

/** Two padded 3×3 convolutions, each followed by ReLU and 2×2 max-pooling, then a linear classifier. */
module.exports = function createModel({ numClasses, inChannels, inputSize }, { nn }) {
  const side = Math.floor(Math.floor(inputSize / 2) / 2);
  return new nn.Sequential(
    new nn.Conv2d(inChannels, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(32 * side * side, numClasses),
  );
};
