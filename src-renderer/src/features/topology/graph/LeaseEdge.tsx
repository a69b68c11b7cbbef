import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';

export type LeaseFlowEdge = Edge<{ lines: string[]; dim: boolean }, 'lease'>;

/**
 * A lease line with its label in HTML (two lines: the claim, then the measurement), placed
 * near the service end where lines of one holder have fanned apart, so stacked labels do
 * not sit on each other (Hubble UI and Headlamp's map both keep labels as HTML over the SVG
 * so they stay crisp and wrap).
 */
export const LeaseEdge = memo(function LeaseEdge(props: EdgeProps<LeaseFlowEdge>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, style, data, id } = props;
  const [path] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const lines = data?.lines ?? [];
  // Well past the fan-out at the holder (labels of one holder's lines stack apart), clear of the service box.
  const x = sourceX + (targetX - sourceX) * 0.62;
  const y = sourceY + (targetY - sourceY) * 0.8;
  return (
    <>
      <BaseEdge id={id} path={path} {...(markerEnd ? { markerEnd } : {})} {...(style ? { style } : {})} />
      {lines.length > 0 && (
        <EdgeLabelRenderer>
          <div
            className={data?.dim ? 'lease-label is-dim' : 'lease-label'}
            data-edge={id}
            style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
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
