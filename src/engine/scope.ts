// Deterministic release of native memory: tensors made inside tidy() are freed when it returns, except the result.
// Finalizers and external-memory accounting in the addon are only a safety net, for tensors outside every scope.
import { N } from './native';

export interface Disposable {
  dispose(): void;
  readonly disposed: boolean;
  /** Called when the object leaves the last open scope (kept, or returned to top level): nothing will free it now. */
  escaped?(): void;
}

const stack: Set<Disposable>[] = [];

function push(scope: Set<Disposable>): void {
  stack.push(scope);
  if (stack.length === 1) N.setScoped(true);
}

function pop(): void {
  stack.pop();
  if (stack.length === 0) N.setScoped(false);
}

/** Called by every new tensor: it belongs to the innermost open scope, if any. */
export function track<T extends Disposable>(t: T): T {
  if (stack.length > 0) stack[stack.length - 1].add(t);
  return t;
}

/** Removes a tensor from every open scope so that it outlives them (until its own dispose()). */
export function keep<T extends Disposable>(t: T): T {
  for (const s of stack) s.delete(t);
  if (stack.length > 0 && !t.disposed) t.escaped?.();
  return t;
}

function collect(value: unknown, out: Set<Disposable>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  if (isDisposable(value)) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, out, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collect(v, out, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, out, depth + 1);
}

function isDisposable(v: object): v is Disposable {
  return typeof (v as Disposable).dispose === 'function' && 'disposed' in v;
}

/**
 * Runs fn; every tensor created inside and not part of its result (a tensor, or arrays/plain objects/Maps of tensors)
 * is disposed when fn returns or throws. Returned tensors move to the enclosing scope.
 */
export function tidy<R>(fn: () => R): R {
  const scope = new Set<Disposable>();
  push(scope);
  let result: R;
  try {
    result = fn();
  } catch (e) {
    pop();
    for (const t of scope) t.dispose();
    throw e;
  }
  pop();
  if (result instanceof Promise) throw new Error('tidy(): fn must be synchronous (it returned a Promise)');
  const kept = new Set<Disposable>();
  collect(result, kept);
  for (const t of scope) if (!kept.has(t)) t.dispose();
  const parent = stack[stack.length - 1];
  for (const t of kept) {
    if (!scope.has(t)) continue;
    if (parent) parent.add(t);
    else t.escaped?.();
  }
  return result;
}

/**
 * One step of a loop whose state (a tensor, or arrays/plain objects/Maps of tensors) is replaced: runs fn in its own
 * scope like tidy(), then frees the tensors of `previous` that the new state does not reuse. Loops then carry their
 * state without dispose lists and hold one copy of it at a time.
 */
export function update<S>(previous: S, fn: () => S): S {
  const next = tidy(fn);
  const reused = new Set<Disposable>();
  collect(next, reused);
  const old = new Set<Disposable>();
  collect(previous, old);
  for (const t of old) {
    if (reused.has(t)) continue;
    for (const s of stack) s.delete(t);
    t.dispose();
  }
  return next;
}

/** Disposes a tensor, or every tensor in an array/plain object/Map. */
export function dispose(value: unknown): void {
  const all = new Set<Disposable>();
  collect(value, all);
  for (const t of all) t.dispose();
}
