// A report figure: a Vega-Lite spec with its title and a caption saying what was measured and how; rendered to SVG
// and PNG by render.ts.
import { TopLevelSpec } from 'vega-lite';
import { BASE_CONFIG, svgToPng, toSvg } from './render';

export interface Figure {
  /** File stem: figures/<id>.svg and .png, and the HTML element id. */
  id: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

export interface RenderedFigure extends Figure {
  svg: string;
  png?: Buffer;
}

/** Builds a spec with the shared look; `body` holds data, marks and encodings (or a layer/concat). */
export function spec(title: string, body: Record<string, unknown>): TopLevelSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title, config: BASE_CONFIG, ...body } as TopLevelSpec;
}

/** SVG always; PNG unless disabled (default on). */
export async function renderFigure(f: Figure, png = true): Promise<RenderedFigure> {
  const svg = await toSvg(f.spec);
  return { ...f, svg, png: png ? svgToPng(svg) : undefined };
}

/** Epoch numbers shown 1-based, as in the paper ("the 108-th epoch"). */
export const EPOCH_AXIS = { title: 'epoch (1-based)', format: 'd' };

/** A categorical colour scheme that stays readable for n categories. */
export function colorScheme(n: number): string {
  return n <= 10 ? 'tableau10' : 'category20';
}

/** A file-name-safe id from a label ("AT+CCM (eps=12/255)" → "at-ccm-eps-12-255"). */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
