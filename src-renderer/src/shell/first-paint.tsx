import { renderToStaticMarkup } from 'react-dom/server';
import { Sidebar } from './Sidebar';

/**
 * What the window shows before the app's code has run: the same sidebar the app draws (this
 * component, rendered to HTML when the renderer is built and put inside `#root` of
 * index.html), and a line saying the app is starting. The browser paints it as soon as the
 * HTML and the stylesheet arrive; React replaces it with the app on its first render. No
 * script and no inline style: the page's CSP allows neither.
 */
export function FirstPaint() {
  return (
    <div className="shell">
      <Sidebar area={undefined} footer="" />
      <main className="content">
        <p role="status" className="muted">
          Starting Kindscope…
        </p>
      </main>
    </div>
  );
}

/** index.html with the first paint inside its empty `#root`; an error if there is no such element. */
export function withFirstPaint(html: string): string {
  const empty = '<div id="root"></div>';
  if (!html.includes(empty)) throw new Error(`index.html has no empty ${empty} to put the first paint in`);
  return html.replace(empty, `<div id="root">${renderToStaticMarkup(<FirstPaint />)}</div>`);
}
