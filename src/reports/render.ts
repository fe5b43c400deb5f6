// Turns a Vega-Lite spec into SVG (vega's headless renderer) and SVG into PNG (resvg), with fonts loaded explicitly
// from the system's font folders: no browser is involved.
import * as fs from 'fs';
import * as path from 'path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, TopLevelSpec } from 'vega-lite';
import { UserError } from '../errors';

/** The font stack written into every figure; the first of these found on the system also renders the PNGs. */
export const FONT_FAMILIES = ['DejaVu Sans', 'Liberation Sans', 'Noto Sans', 'FreeSans'];

const FONT_DIRS = ['/usr/share/fonts', '/usr/local/share/fonts', path.join(process.env.HOME ?? '/root', '.local/share/fonts')];

/** Shared look of every figure: the font stack, readable sizes, white background. */
export const BASE_CONFIG = {
  font: FONT_FAMILIES.join(', ') + ', sans-serif',
  background: 'white',
  title: { fontSize: 14, anchor: 'start' as const, offset: 8 },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320, titleLimit: 320 },
  view: { stroke: '#ccc' },
};

/** Renders a Vega-Lite spec to a standalone SVG string. */
export async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** TrueType/OpenType files under the usual font folders (the CFA_FONT_DIR folder first, when set). */
export function findFontFiles(): string[] {
  const dirs = [...(process.env.CFA_FONT_DIR ? [process.env.CFA_FONT_DIR] : []), ...FONT_DIRS];
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && depth < 6) walk(p, depth + 1);
      else if (/\.(ttf|otf|ttc)$/i.test(e.name)) out.push(p);
    }
  };
  for (const d of dirs) walk(d, 0);
  return out.sort();
}

let fontCache: { files: string[]; family: string } | undefined;

/** The font files resvg loads and the family it falls back to; a UserError when the system has none. */
export function pngFonts(): { files: string[]; family: string } {
  if (fontCache) return fontCache;
  const files = findFontFiles();
  if (files.length === 0) {
    throw new UserError(
      `no TrueType/OpenType font found under ${FONT_DIRS.join(', ')} (or CFA_FONT_DIR) to draw the text of the PNG figures; ` +
        'install one (Debian: apt-get install fonts-dejavu-core) or pass --no-png',
    );
  }
  const key = (f: string) => path.basename(f).replace(/[-_ ]/g, '').toLowerCase();
  const family = FONT_FAMILIES.find((fam) => files.some((f) => key(f).startsWith(fam.replace(/ /g, '').toLowerCase()))) ?? FONT_FAMILIES[0];
  fontCache = { files, family };
  return fontCache;
}

/** Rasterises an SVG at `scale` times its size (default 2) on white. */
export function svgToPng(svg: string, scale = 2): Buffer {
  const fonts = pngFonts();
  const r = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: fonts.files, defaultFontFamily: fonts.family, sansSerifFamily: fonts.family },
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
  });
  return r.render().asPng();
}
