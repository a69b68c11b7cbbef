import { describe, expect, it } from 'vitest';
import { areaLabels, areas } from './areas';
import { withFirstPaint } from './first-paint';

describe('the first paint in index.html', () => {
  const html = withFirstPaint('<body><div id="root"></div><script type="module" src="x.js"></script></body>');

  it('is the sidebar with every area, inside #root, and says the app is starting', () => {
    const root = html.slice(html.indexOf('<div id="root">'), html.indexOf('<script'));
    for (const area of areas) expect(root).toContain(`<a href="#/${area}" class="nav-link">${areaLabels[area]}</a>`);
    expect(root).toContain('Starting Kindscope…');
  });

  it('has no script, inline style or handler the CSP would refuse', () => {
    const root = html.slice(html.indexOf('<div id="root">'), html.indexOf('<script'));
    expect(root).not.toMatch(/<script|style=|\son[a-z]+=/i);
  });

  it('names what is missing when index.html has no empty #root', () => {
    expect(() => withFirstPaint('<body><div id="app"></div></body>')).toThrow(/no empty <div id="root"><\/div>/);
  });
});
