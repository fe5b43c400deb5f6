// Entry point of the loader's worker thread: runs the ring producer on the data it was started with.
import { workerData } from 'worker_threads';
import { produce, RingInput } from './ring';

produce(workerData as RingInput);
