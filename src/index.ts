// cfa as a library, one namespace per stage of the data flow:
// engine → nn → data → attacks → training → evaluation → reports (the `cfa` command is src/cli).
export * as engine from './engine';
export * as nn from './nn';
export * as data from './data';
export * as attacks from './attacks';
export * as training from './training';
export * as evaluation from './evaluation';
export * as distributed from './distributed';
export * as metrics from './metrics';
export * as formats from './formats';
export { UserError } from './errors';
