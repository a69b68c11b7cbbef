import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { GraphNodeSpec } from './graph-types';

export type BoxNode = Node<{ spec: GraphNodeSpec; emphasis: 'on' | 'off' | undefined }, 'box'>;

/** One box of the figure: a title and fact lines; its colour says its kind and its health. */
export const GraphBox = memo(function GraphBox({ data, selected }: NodeProps<BoxNode>) {
  const { spec, emphasis } = data;
  const classes = [
    'graph-box',
    `kind-${spec.kind}`,
    `tone-${spec.tone}`,
    emphasis === 'on' ? 'is-lit' : '',
    emphasis === 'off' ? 'is-dim' : '',
    selected ? 'is-selected' : '',
  ];
  return (
    <div className={classes.filter(Boolean).join(' ')} style={{ width: spec.width, height: spec.height }}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="graph-box-title">{spec.title}</div>
      {spec.lines.map((line, index) => (
        <div key={index} className="graph-box-line">
          {line}
        </div>
      ))}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});
