// How a budget ε is written in reports, tables and logs: as the paper writes it (8/255 when ε is a whole number of
// 255ths and has no short decimal form; 0.1 or 0.031 otherwise).

/** ε as "k/255" when it is one (within 1e-6 of an integer k, k ≥ 1) and not a short decimal; else a decimal. */
export function formatEps(eps: number): string {
  if (!Number.isFinite(eps)) return String(eps);
  const short = Number(eps.toFixed(4));
  if (Math.abs(short - eps) <= 1e-12 * Math.max(1, Math.abs(eps))) return String(short);
  const k = eps * 255;
  const r = Math.round(k);
  if (r >= 1 && Math.abs(k - r) < 1e-6) return `${r}/255`;
  return String(Number(eps.toPrecision(4)));
}
