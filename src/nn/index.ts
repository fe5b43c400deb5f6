// Neural-network modules, models, optimizer, schedules and checkpoints.
export * from './module';
export * from './layers';
export * from './models';
export * from './sgd';
export * from './schedule';
export * from './safetensors';
export * from './checkpoint';
