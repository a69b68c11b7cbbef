import type { Box } from './graph-types';

/**
 * The smallest text in a box or on a line is 11.5 px (topology.css): at this zoom it renders
 * at 11 px or more. The first view fits the part a reader comes for (nodes, their pods and the
 * LoadBalancer IPs with their lease lines) at no less than this zoom; the rest of the data
 * path (this machine, the bridge, the veths) is a pan or "Fit View" away. Hubble UI's service
 * map and Headlamp's map do the same: readable boxes first, the whole picture on request.
 */
export const readableZoom = 0.96;
const maxZoom = 1.25; // a small lab is not blown up past this
const padding = 24; // px around the fitted part

/**
 * The first viewport: the given boxes fitted to the canvas at a zoom where their text stays
 * readable. When they do not fit at that zoom, the view starts at their top-left corner (the
 * first node and the services beside it) instead of shrinking the text: the reader pans or
 * uses "Fit View" for the rest.
 */
export function firstView(
  boxes: readonly Box[],
  width: number,
  height: number,
): { x: number; y: number; zoom: number } {
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.width));
  const bottom = Math.max(...boxes.map((b) => b.y + b.height));
  const fit = Math.min((width - 2 * padding) / (right - left), (height - 2 * padding) / (bottom - top));
  const zoom = Math.min(maxZoom, Math.max(readableZoom, fit));
  const spareX = width - (right - left) * zoom;
  const spareY = height - (bottom - top) * zoom;
  return {
    x: (spareX > 2 * padding ? spareX / 2 : padding) - left * zoom,
    y: (spareY > 2 * padding ? spareY / 2 : padding) - top * zoom,
    zoom,
  };
}
