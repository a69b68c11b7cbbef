import { useLayoutEffect, useRef, useState } from 'react';

const lineHeight = 18; // px, fixed so that the window arithmetic is exact
const overscan = 30; // lines rendered above and below the visible ones

/**
 * A step's log, windowed: only the lines in view (plus a margin) are in the DOM, so a log
 * of 100 000 lines scrolls as fast as one of 10. Lines have one fixed height (no wrapping,
 * horizontal scroll instead), which makes the window a division rather than a measurement
 * — the case where a virtual-list library would add nothing. It follows the end while the
 * user has not scrolled up.
 */
export function LogView({ lines, label }: { lines: readonly string[]; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(320);
  const [follow, setFollow] = useState(true);

  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setHeight(element.clientHeight);
    if (follow) element.scrollTop = element.scrollHeight;
  }, [lines.length, follow]);

  const first = Math.max(0, Math.floor(scrollTop / lineHeight) - overscan);
  const last = Math.min(lines.length, Math.ceil((scrollTop + height) / lineHeight) + overscan);
  return (
    <div
      ref={ref}
      className="log-view"
      role="log"
      aria-label={label}
      tabIndex={0}
      onScroll={(event) => {
        const element = event.currentTarget;
        setScrollTop(element.scrollTop);
        setFollow(element.scrollTop + element.clientHeight >= element.scrollHeight - lineHeight * 2);
      }}
    >
      {lines.length === 0 ? (
        <p className="log-empty">Nothing written yet.</p>
      ) : (
        <div style={{ height: lines.length * lineHeight, position: 'relative' }}>
          <pre className="log-lines" style={{ top: first * lineHeight }}>
            {lines.slice(first, last).map((line, index) => (
              <div
                key={first + index}
                className={
                  /^\$ /.test(line)
                    ? 'log-command'
                    : /(^|\s)(error|failed|!)(\s|:|$)/i.test(line)
                      ? 'log-error'
                      : undefined
                }
                style={{ height: lineHeight }}
              >
                {line || ' '}
              </div>
            ))}
          </pre>
        </div>
      )}
    </div>
  );
}
