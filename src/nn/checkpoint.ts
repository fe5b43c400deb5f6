// Model checkpoints: a module's state dict in safetensors with PyTorch's key names, loaded strictly.
import { Tensor, dispose } from '../engine';
import { Module } from './module';
import { readSafetensors, writeSafetensors } from './safetensors';

/** Saves the module's state dict (parameters and buffers) atomically, with optional string metadata. */
export function saveCheckpoint(file: string, model: Module, metadata?: Record<string, string>): void {
  writeSafetensors(file, model.stateDict(), metadata);
}

/** Loads a checkpoint into the module; every key, shape and dtype must match. Returns the file's metadata. */
export function loadCheckpoint(file: string, model: Module): Record<string, string> {
  const { tensors, metadata } = readSafetensors(file);
  try {
    const device = model.parameters()[0]?.device ?? 'cpu';
    const sd = new Map<string, Tensor>();
    for (const [k, t] of tensors) sd.set(k, device === 'cpu' ? t : t.to(device));
    model.loadStateDict(sd, file);
    if (device !== 'cpu') dispose([...sd.values()]);
  } finally {
    dispose([...tensors.values()]);
  }
  return metadata;
}
