// Default rules of settings: a value computed from the settings resolved before it (profile, method, dataset,
// epochs, …) and the same rule in words, so that help texts and the README table are generated, never retyped.

export type Profile = 'paper' | 'official';
export const PROFILES: readonly Profile[] = ['paper', 'official'];

/** The settings resolved so far (nested as the schema is), read by later rules. */
export type Resolved = Readonly<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Rule<T> {
  value(c: Resolved): T;
  /** The rule in words under one profile. */
  text(profile: Profile): string;
}

/** A value as written in docs: 8/255-style fractions, lists, 'none' for an empty list. */
export function show(v: unknown): string {
  if (typeof v === 'number') {
    const k = v * 255;
    return String(v).length > 8 && Math.abs(k - Math.round(k)) < 1e-9 ? `${Math.round(k)}/255` : String(v);
  }
  if (Array.isArray(v)) return v.length ? `[${v.map(show).join(', ')}]` : 'none';
  return String(v);
}

/** A rule as it is, or a constant made into one. */
export function asRule<T>(r: T | Rule<T>): Rule<T> {
  return r !== null && typeof r === 'object' && 'value' in (r as object) && 'text' in (r as object) ? (r as Rule<T>) : is(r as T);
}

/** A constant. */
export function is<T>(v: T): Rule<T> {
  return { value: () => v, text: () => show(v) };
}

/** A rule written out: its words and its computation. */
export function rule<T>(text: string, value: (c: Resolved) => T): Rule<T> {
  return { value, text: () => text };
}

/** Different rules under the 'paper' and 'official' profiles. */
export function byProfile<T>(r: Record<Profile, T | Rule<T>>): Rule<T> {
  const p = asRule(r.paper);
  const o = asRule(r.official);
  return { value: (c) => (c.profile === 'official' ? o : p).value(c), text: (profile) => (profile === 'official' ? o : p).text(profile) };
}

/** A value per method (or per dataset, …): `key` names the setting it is looked up by. */
export function byKey<T>(key: string, label: (k: string) => string, table: Record<string, T>, otherwise?: T): Rule<T> {
  const byValue = new Map<string, string[]>();
  for (const [k, v] of Object.entries(table)) byValue.set(show(v), [...(byValue.get(show(v)) ?? []), label(k)]);
  const words = [...byValue].map(([v, keys]) => `${keys.join(', ')} ${v}`);
  return {
    value: (c) => (c[key] in table ? table[c[key]] : (otherwise as T)),
    text: () => `${words.join('; ')}${otherwise !== undefined ? `; else ${show(otherwise)}` : ''}`,
  };
}

/** A fraction of the run's epochs: round(f·epochs) or ceil(f·epochs), at least `min`; shown with its value at 200. */
export function ofEpochs(f: number, how: 'round' | 'ceil', min?: number): Rule<number> {
  const at = (e: number) => Math.max(min ?? 0, Math[how](f * e));
  const words = `${how}(${f}·epochs)`;
  return { value: (c) => at(c.epochs), text: () => `${min !== undefined ? `max(${min}, ${words})` : words} (${at(200)} of 200)` };
}
