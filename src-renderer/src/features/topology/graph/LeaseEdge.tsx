import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';

export type LeaseFlowEdge = Edge<{ lines: string[]; dim: boolean }, 'lease'>;

/**
 * A lease line with its label in HTML (two lines: the claim, then the measurement), placed
 * at the service end where lines of one holder have fanned apart, so stacked labels do not
 * sit on each other (Hubble UI and Headlamp's map both keep labels as HTML over the SVG
 * so they stay crisp and wrap).
 */
export const LeaseEdge = memo(function LeaseEdge(props: EdgeProps<LeaseFlowEdge>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, style, data, id } = props;
  const [path] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const lines = data?.lines ?? [];
  // Right-aligned just above where the line meets its service: lines of one holder have fanned
  // apart there, so each label sits by its own box and never on another's.
  const x = targetX - 8;
  const y = targetY - 4;
  return (
    <>
      <BaseEdge id={id} path={path} {...(markerEnd ? { markerEnd } : {})} {...(style ? { style } : {})} />
      {lines.length > 0 && (
        <EdgeLabelRenderer>
          <div
            className={data?.dim ? 'lease-label is-dim' : 'lease-label'}
            data-edge={id}
            style={{ transform: `translate(-100%, -100%) translate(${x}px, ${y}px)` }}
          >
            {lines.map((line) => (
              <div key={line}>{line}</div>
            ))}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
